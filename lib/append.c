// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * Appending in place: a program that sorts after every program of the
 * chain joins at the running dispatcher's first spare position instead of
 * a new dispatcher (docs/protocol.md, "Appended programs"). No dispatcher
 * verification, no link update, no wait for packets in flight.
 *
 * The dispatcher runs spare positions below the live end (struct
 * xdpchain_live in its .bss map, pinned as live-<rev>). An append writes
 * the position's description, links the program to the position's slot
 * function (or puts it in its program-array entry), pins that link, then
 * raises the live end by one with a single store: that store is the
 * commit point. A crash before it leaves a program on a position no
 * packet reaches and pins no reader counts (collected by the next
 * transaction); a crash after it leaves the complete new chain.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <bpf/bpf.h>
#include "internal.h"

static size_t live_len(void)
{
	long page = sysconf(_SC_PAGESIZE);

	return (sizeof(struct xdpchain_live) + (size_t)page - 1) & ~((size_t)page - 1);
}

static int live_get(struct xc_state *st)
{
	return xc_disp_live_map(st->disp_fd, xc_get_at(st, XDPCHAIN_LIVE_PIN "-%" PRIu64,
							 (uint64_t)st->base.revision));
}

/* One read of the live map into *live. */
static int live_read(struct xc_state *st, struct xdpchain_live *live)
{
	__u32 key = 0;
	int fd, err;

	fd = live_get(st);
	if (fd < 0)
		return fd;
	err = bpf_map_lookup_elem(fd, &key, live) ? -errno : 0;
	close(fd);
	return err;
}

int xc_state_appended(struct xc_state *st, char *why, size_t why_len)
{
	const struct xdpchain_meta disp = st->base;
	struct xdpchain_meta *b = &st->base;
	struct xdpchain_live live;
	int err, tries = 0;

	st->disp_nr = b->nr_progs;
	if (!b->nr_spare)
		return 0;
again:
	*b = disp;
	err = live_read(st, &live);
	if (err) {
		snprintf(why, why_len, "cannot read its live map: %s", strerror(-err));
		return err;
	}
	if (live.nr_end < b->nr_progs || live.nr_end > b->nr_progs + b->nr_spare || live.pad) {
		snprintf(why, why_len, "live end %u outside positions %u..%u", live.nr_end,
			 b->nr_progs, b->nr_progs + b->nr_spare);
		return -EBADMSG;
	}
	/* The spares left stay spare: nr_progs + nr_spare is constant. */
	memcpy(&b->slots[b->nr_progs], &live.slots[b->nr_progs],
	       (live.nr_end - b->nr_progs) * sizeof(b->slots[0]));
	b->nr_spare -= live.nr_end - b->nr_progs;
	b->nr_progs = live.nr_end;
	err = xc_meta_validate(b, why, why_len);
	/* Readers take no lock: the kernel copies the map value with no
	 * ordering against the writer's release store, so on a weakly
	 * ordered CPU a new live end may come with an old description.
	 * Read again before calling the chain bad. */
	if (err && tries++ < 3)
		goto again;
	return err;
}

bool xc_can_append(const struct xc_state *st, const struct xdpchain_slot_meta *m, __u32 id,
		   bool frags)
{
	const struct xdpchain_meta *b = &st->base;
	const struct xdpchain_slot_meta *last;

	if (!st->have || b->version < 4 || !b->nr_spare || !b->nr_progs ||
	    frags != !!(b->flags & XDPCHAIN_META_F_FRAGS))
		return false;
	last = &b->slots[b->nr_progs - 1];
	/* A program loaded before (id known) may still have a vacant
	 * position of its own here: a program appears once per dispatcher. */
	for (unsigned int i = 0; id && i < b->nr_progs; i++)
		if (b->slots[i].prog_id == id)
			return false;
	/* Sorting last by priority and name alone: the program's tag, the
	 * next key, is known only once it is loaded. Compared with the last
	 * position in use, vacant or not, as positions stay in order. */
	if (m->priority != last->priority)
		return m->priority > last->priority;
	return strncmp(m->name, last->name, sizeof(m->name)) > 0;
}

/* Put the program in position pos: its freplace link, pinned, or its
 * program-array entry. */
static int fill(struct xc_state *st, const struct xdpchain_slot_meta *m, int prog_fd,
		unsigned int pos)
{
	__u64 rev = st->base.revision;
	int fd, err;

	if (m->kind == XDPCHAIN_SLOT_TAILCALL) {
		fd = xc_get_at(st, "progs-%" PRIu64, (uint64_t)rev);
		if (fd < 0)
			return fd;
		err = bpf_map_update_elem(fd, &pos, &prog_fd, BPF_ANY) ? -errno : 0;
		close(fd);
		if (!err)
			xc_fault(XC_FAULT_TAIL_UPDATE, m->name);
		return err;
	}
	LIBBPF_OPTS(bpf_link_create_opts, lo, .target_btf_id = st->base.slot_btf_id[pos]);
	fd = bpf_link_create(prog_fd, st->disp_fd, 0, &lo);
	if (fd < 0)
		return -errno;
	xc_fault(XC_FAULT_EXT_LINK, m->name);
	err = xc_pin_at(st, fd, "link-%" PRIu64 "-%u", (uint64_t)rev, m->prog_id);
	close(fd);
	return err;
}

int xc_append(struct xc_state *st, struct xdpchain_prog *prog, struct xdpchain_slot_meta *m)
{
	unsigned int pos = st->base.nr_progs;
	struct xdpchain_live *live;
	size_t len = live_len();
	int fd, err;

	err = xc_prog_load(prog, m->kind == XDPCHAIN_SLOT_FREPLACE, st->disp_fd,
			   st->base.slot_btf_id[pos], m->flags & XDPCHAIN_SLOT_F_FRAGS);
	if (err)
		return err;
	err = xc_prog_joins(st, prog, m);
	if (err)
		return err;
	m->stats_idx = 0; /* no counters with spares */

	fd = live_get(st);
	if (fd < 0)
		return fd;
	live = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	err = live == MAP_FAILED ? -errno : 0;
	close(fd);
	if (err) {
		xc_warn("cannot map the live map of revision %" PRIu64 ": %s\n",
			(uint64_t)st->base.revision, strerror(-err));
		return err;
	}
	/* Read only at positions below the live end: not yet. */
	live->slots[pos] = *m;
	err = fill(st, m, prog->fd, pos);
	if (err) {
		xc_warn("cannot put %s (%u) in spare position %u: %s\n", m->name, m->prog_id,
			pos, strerror(-err));
		munmap(live, len);
		return err;
	}
	/* The commit point: one aligned store, after the description and
	 * the link (release: no packet sees the position before them). */
	__atomic_store_n(&live->nr_end, pos + 1, __ATOMIC_RELEASE);
	munmap(live, len);
	xc_fault(XC_FAULT_APPEND, m->name);
	st->base.slots[pos] = *m;
	st->base.nr_progs++;
	st->base.nr_spare--;
	xc_state_effective(st);
	return 0;
}
