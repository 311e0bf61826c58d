// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * Vacant slots (layer 3): which of the running dispatcher's slots no
 * longer run their program (docs/protocol.md, "Vacant slots"; vacate.c
 * empties one), and so the chain that runs.
 *
 * Whether a slot is vacant is read from the objects that decide it (the
 * link's pin, the array entry), never recorded separately, so the
 * description of the chain stays what runs whatever crashed when.
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "kobj/kobj.h"
#include "store/store.h"
#include "reader/reader.h"

/*
 * The freplace slots whose link is pinned: bit i of the result for base
 * slot i. A pinned freplace link stays linked (the kernel cannot detach
 * one otherwise), and its pin is its only reference between
 * transactions, so the name is enough (bpffs holds only what was pinned
 * there): link-<rev>-<id> at the dispatcher's own positions,
 * link-<rev>-<id>-<pos> at spare ones (xc_link_pin_name()). One directory
 * read instead of a lookup per slot: status of 64 freplace programs. If
 * the directory cannot be read, all count as linked.
 */
static __u64 linked_freplace(struct xc_state *st)
{
	const struct xdpchain_meta *b = &st->chain.base;
	const unsigned int off = st->chain.off, own = st->chain.own;
	unsigned long long rev, v, pos;
	__u64 linked = 0, want = 0;
	struct dirent *de;
	unsigned int i;
	DIR *d;

	for (i = 0; i < b->nr_progs; i++)
		if (b->slots[i].kind == XDPCHAIN_SLOT_FREPLACE)
			want |= 1ull << i;
	if (!want)
		return 0;
	d = opendir(st->store.dir);
	if (!d)
		return want;
	while ((de = readdir(d))) {
		if (!xc_link_pin_parse(de->d_name, &rev, &v, &pos) || rev != b->revision)
			continue;
		for (i = 0; i < b->nr_progs; i++)
			if ((want & (1ull << i)) && b->slots[i].prog_id == (__u32)v &&
			    xc_link_pin_at(pos, off + i, own))
				linked |= 1ull << i;
	}
	closedir(d);
	return linked;
}

/* Does tail-call slot i's program array entry no longer hold its program? */
static bool tail_vacant(struct xc_state *st, unsigned int i, int *array_fd)
{
	__u32 id, pos = st->chain.off + i; /* its entry: the dispatcher position */

	if (*array_fd == -1) {
		*array_fd = xc_get_at(st, "progs-%" PRIu64, (uint64_t)st->chain.base.revision);
		if (*array_fd >= 0 && !xc_fd_is(*array_fd, XC_FD_MAP)) {
			close(*array_fd);
			*array_fd = -EINVAL;
		}
	}
	/* Without its pin the array lost its entries (the kernel empties a
	 * program array when its last user reference goes). */
	if (*array_fd == -ENOENT)
		return true;
	if (*array_fd < 0)
		return false;
	/* Empty, or holding anything but the slot's program (xc_vacate()
	 * puts a stub there). */
	if (bpf_map_lookup_elem(*array_fd, &pos, &id))
		return errno == ENOENT;
	return id != st->chain.base.slots[i].prog_id;
}

void xc_state_effective(struct xc_state *st)
{
	const struct xdpchain_meta *b = &st->chain.base;
	__u64 linked = linked_freplace(st);
	unsigned int i, n = 0;
	int array_fd = -1;
	bool vacant;

	st->chain.meta = *b;
	memset(st->chain.meta.slots, 0, sizeof(st->chain.meta.slots));
	for (i = 0; i < b->nr_progs; i++) {
		if (b->slots[i].kind == XDPCHAIN_SLOT_FREPLACE)
			vacant = !(linked & (1ull << i));
		else
			vacant = tail_vacant(st, i, &array_fd);
		if (vacant)
			continue;
		st->chain.meta.slots[n] = b->slots[i];
		st->chain.pos[n++] = (__u8)i;
	}
	if (array_fd >= 0)
		close(array_fd);
	st->chain.meta.nr_progs = n;
	/* Positions used past the dispatcher's own (appended and relocated:
	 * the live end minus own), plus the live start, plus the vacant
	 * slots: each only grows while the dispatcher runs, but for the
	 * vacant slots a relocation drops, which its new start outweighs
	 * (docs/protocol.md, section 6c). */
	st->chain.meta.revision = b->revision + (st->chain.off + b->nr_progs - st->chain.own) +
				  st->chain.off + xc_state_vacant(st);
}

unsigned int xc_state_vacant(const struct xc_state *st)
{
	return st->chain.base.nr_progs - st->chain.meta.nr_progs;
}

void xc_state_adopt(struct xc_state *st, const struct xdpchain_meta *meta)
{
	st->chain.base = *meta;
	st->chain.meta = *meta;
	st->chain.disp_nr = st->chain.own = meta->nr_progs;
	st->chain.off = 0;
	for (unsigned int i = 0; i < meta->nr_progs; i++)
		st->chain.pos[i] = (__u8)i;
}

struct xc_running xc_state_running(const struct xc_state *st)
{
	struct xc_running run = { NULL, NULL, NULL, 0 };

	if (st->chain.have) {
		run.base = &st->chain.base;
		run.meta = &st->chain.meta;
		run.pos = st->chain.pos;
		run.disp_nr = st->chain.disp_nr;
	}
	return run;
}
