// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * Relocating in place (layer 4): a new chain that differs from the
 * running one by one program joining anywhere, or by one program's
 * priority, continue-on set or placement, is written whole into the
 * running dispatcher's spare positions after the live end and committed
 * with one 64-bit store of the live start and end (docs/protocol.md,
 * section 6c). No new dispatcher, so no bpf_link_update(): the driver's
 * XDP setup is not called (virtio_net pauses every queue in it), and no
 * dispatcher is verified.
 *
 * Each packet loads the live start and end once, so it runs either the
 * old positions or the new ones. The old positions' programs stay linked
 * (freplace) or in their array entries (tail calls) until one grace
 * period after the commit, so no packet still in the old positions
 * finds one gone; then they are emptied. A crash before the commit
 * leaves programs at positions no packet reaches (orphans); after it,
 * the new chain with the old positions' pins as orphans.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kobj/kobj.h"
#include "store/store.h"
#include "reader/reader.h"
#include "mutate/mutate.h"

/* Load the joining program for the first new position and pin it; its
 * description, completed, in *m and s[joins]. */
static int join(struct xc_state *st, struct xdpchain_prog *prog, struct xdpchain_slot_meta *m,
		struct xdpchain_slot_meta *s)
{
	int err;

	err = xc_prog_load(prog, m->kind == XDPCHAIN_SLOT_FREPLACE, st->chain.disp_fd,
			   st->chain.base.slot_btf_id[st->chain.base.nr_progs],
			   m->flags & XDPCHAIN_SLOT_F_FRAGS);
	if (!err)
		err = xc_prog_joins(st, prog, m);
	if (err)
		return err;
	m->stats_idx = 0; /* no counters with spares */
	*s = *m;
	return 0;
}

/* Put s[0..k) at positions start .. start + k - 1: descriptions, then
 * programs (the joining one is prog_fd, the others their prog-<id>, checked:
 * xc_chain_prog_open()). */
static int fill(struct xc_state *st, struct xdpchain_live *live, const struct xdpchain_slot_meta *s,
		unsigned int k, unsigned int start, int joins, int prog_fd)
{
	unsigned int i;
	int err = 0, fd;

	/* Read only at positions below the live end: not yet. */
	for (i = 0; i < k; i++) {
		live->slots[start + i] = s[i];
		live->test[start + i] = xc_live_test(s[i].continue_on);
	}
	for (i = 0; i < k && !err; i++) {
		fd = (int)i == joins ? prog_fd : xc_chain_prog_open(st, s[i].prog_id, s[i].name);
		if (fd < 0) {
			err = fd;
			break;
		}
		err = xc_pos_fill(st, &s[i], fd, start + i);
		if (err)
			xc_warn("cannot put %s (%u) in spare position %u: %s\n", s[i].name,
				s[i].prog_id, start + i, strerror(-err));
		if ((int)i != joins)
			close(fd);
	}
	return err;
}

/* After the grace period: the old positions' tail-call entries get the
 * stub of a vacant slot (nothing runs them; this lets their programs go
 * when they leave the chain). Their freplace links are orphans now, which
 * the caller's collection unpins. Failures only cost memory until the
 * next rebuild drops the array. */
static void empty_old(struct xc_state *st, const struct xdpchain_slot_meta *old, unsigned int n,
		      unsigned int off)
{
	int fd = -1;

	for (unsigned int i = 0; i < n; i++) {
		if (old[i].kind != XDPCHAIN_SLOT_TAILCALL)
			continue;
		if (fd < 0)
			fd = xc_get_at(st, "progs-%" PRIu64, (uint64_t)st->chain.base.revision);
		if (fd < 0)
			return;
		if (xc_prog_array_stub(fd, off + i, st->chain.base.flags & XDPCHAIN_META_F_FRAGS))
			xc_warn("cannot empty old position %u of %s: %s\n", off + i, old[i].name,
				strerror(errno));
		else
			xc_fault(XC_FAULT_TAIL_UPDATE, old[i].name);
	}
	if (fd >= 0)
		close(fd);
}

int xc_relocate(struct xc_state *st, struct xdpchain_prog *prog, struct xdpchain_slot_meta *m,
		struct xdpchain_slot_meta *s, unsigned int k, int joins)
{
	/* The live end: where the new chain starts. */
	unsigned int start = st->chain.off + st->chain.base.nr_progs, off = st->chain.off;
	unsigned int nold = st->chain.base.nr_progs;
	struct xdpchain_slot_meta *old;
	struct xdpchain_live *live;
	int err;

	old = malloc(nold * sizeof(*old) + 1);
	if (!old)
		return -ENOMEM;
	memcpy(old, st->chain.base.slots, nold * sizeof(*old));
	if (joins >= 0) {
		err = join(st, prog, m, &s[joins]);
		if (err)
			goto out;
	}
	live = xc_live_open(st, &err);
	if (!live)
		goto out;
	err = fill(st, live, s, k, start, joins, joins >= 0 ? prog->fd : -1);
	if (err) {
		xc_live_munmap(live);
		goto out;
	}
	/* The commit point: the new positions, and only they, run. */
	xc_live_commit(live, start, start + k);
	xc_live_munmap(live);
	xc_fault(XC_FAULT_RELOCATE, joins >= 0 ? m->name : s[0].name);
	xc_state_relocated(st, start, s, k);
	/* Packets that loaded the old start and end may still run the old
	 * positions: their programs stay until those packets left. */
	xc_wait_inflight();
	empty_old(st, old, nold, off);
	xc_state_gc(st, &st->chain.meta, NULL);
out:
	free(old);
	return err;
}
