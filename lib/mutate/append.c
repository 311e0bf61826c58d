// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * Appending in place (layer 4): a program that sorts after every program of the
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
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "kobj/kobj.h"
#include "store/store.h"
#include "reader/reader.h"
#include "mutate/mutate.h"

/* The wait for the kernel to release the main function's link: it drops
 * the pin's reference after an RCU grace period; longer only if another
 * process holds the link open. */
#define UNHOOK_TIMEOUT_MS 10000

/* A chain of one stops running its program in place of the main
 * function: the link's pin goes (already gone after a crash). Returns the
 * probe to wait with, or -errno with nothing changed. */
static int unhook(struct xc_state *st)
{
	int probe, err;

	probe = xc_unhook_probe(st->chain.disp_fd, st->chain.base.main_btf_id);
	if (probe < 0) {
		xc_warn("cannot load the program that waits for the dispatcher's main "
			"function: %s\n", strerror(-probe));
		return probe;
	}
	err = xc_unpin_at(st, XDPCHAIN_MAIN_PIN "-%" PRIu64, (uint64_t)st->chain.base.revision);
	if (err && err != -ENOENT) {
		close(probe);
		return err;
	}
	return probe;
}

/* After the commit: the appended program runs once the kernel released
 * the main function's link. 0 when it has; -EINPROGRESS when another
 * process still holds it open (or the wait failed): the program is in the
 * chain, committed, and runs once that process lets go. The probe is
 * then pinned as pending-<rev>, which tells readers (status) and later
 * writers that the program waits, until someone can attach it. */
static int unhook_wait(struct xc_state *st, int probe, const char *name)
{
	int err = xc_unhook_wait(probe, UNHOOK_TIMEOUT_MS);
	char holders[256] = "";

	if (!err) {
		close(probe);
		return 0;
	}
	if (xc_unhook_holders(st->chain.base.slots[0].prog_id, holders, sizeof(holders)) <= 0)
		snprintf(holders, sizeof(holders), "a process this one cannot see");
	if (xc_pin_at(st, probe, XDPCHAIN_PENDING_PIN "-%" PRIu64, (uint64_t)st->chain.base.revision))
		xc_warn("cannot pin %s-%" PRIu64 ": status will not show the program as "
			"pending\n", XDPCHAIN_PENDING_PIN, (uint64_t)st->chain.base.revision);
	close(probe);
	xc_warn("%s is in the chain of ifindex %d but does not run yet: the kernel has not "
		"released the dispatcher's shortcut to its first program (%s), which %s "
		"holds open; it runs once that lets go ('xdpchain status' shows it pending)\n",
		name, st->store.ifindex, strerror(-err), holders);
	return -EINPROGRESS;
}

int xc_append(struct xc_state *st, struct xdpchain_prog *prog, struct xdpchain_slot_meta *m)
{
	/* Base slot idx: dispatcher position pos (a relocated chain's base
	 * starts at its live start, off). */
	unsigned int idx = st->chain.base.nr_progs, pos = st->chain.off + idx;
	struct xdpchain_live *live;
	int err, probe = -1;

	err = xc_prog_load(prog, m->kind == XDPCHAIN_SLOT_FREPLACE, st->chain.disp_fd,
			   st->chain.base.slot_btf_id[idx], m->flags & XDPCHAIN_SLOT_F_FRAGS);
	if (err)
		return err;
	err = xc_prog_joins(st, prog, m);
	if (err)
		return err;
	m->stats_idx = 0; /* no counters with spares */
	if (xc_meta_whole(&st->chain.base)) {
		probe = unhook(st);
		if (probe < 0)
			return probe;
	}

	live = xc_live_open(st, &err);
	if (!live)
		goto out;
	/* Read only at positions below the live end: not yet. */
	live->slots[pos] = *m;
	live->test[pos] = xc_live_test(m->continue_on);
	err = xc_pos_fill(st, m, prog->fd, pos);
	if (err) {
		xc_warn("cannot put %s (%u) in spare position %u: %s\n", m->name, m->prog_id,
			pos, strerror(-err));
		xc_live_munmap(live);
		goto out;
	}
	/* The commit point, after the description and the link. */
	xc_live_commit(live, st->chain.off, pos + 1);
	xc_live_munmap(live);
	xc_fault(XC_FAULT_APPEND, m->name);
	xc_state_appended(st, idx, m);
	return probe >= 0 ? unhook_wait(st, probe, m->name) : 0;
out:
	if (probe >= 0)
		close(probe);
	return err;
}
