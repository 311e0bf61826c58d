// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * Vacating a slot (layer 4): removing one program without a new
 * dispatcher (docs/protocol.md, "Vacant slots").
 *
 * A slot whose freplace link or program-array entry is gone returns
 * XDPCHAIN_RET_EMPTY and is skipped, so unlinking one program takes it out
 * of the packet path at once, each packet seeing the chain with it or
 * without it, and needs neither a new dispatcher nor a wait for packets in
 * flight. Whether a slot is vacant is read from the objects that decide it
 * (the link's pin, the array entry), never recorded separately, so the
 * description of the chain stays what runs whatever crashed when.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "kobj/kobj.h"
#include "store/store.h"
#include "reader/reader.h"
#include "mutate/mutate.h"

int xc_vacate(struct xc_state *st, unsigned int idx)
{
	const struct xdpchain_slot_meta *s = &st->chain.meta.slots[idx];
	/* The dispatcher position (a relocated chain's base starts at off). */
	unsigned int pos = st->chain.off + st->chain.pos[idx];
	__u64 rev = st->chain.base.revision;
	char path[400], name[64];
	int err, fd;

	if (s->kind == XDPCHAIN_SLOT_FREPLACE) {
		/* The pin holds the link's last reference: the kernel unlinks
		 * the program when it drops it (after an RCU grace period,
		 * bpffs frees its inodes from an RCU callback). Not
		 * xc_unpin_at(): this unpin is the change itself, its crash
		 * point is XC_FAULT_VACATE. */
		err = xc_link_pin_name(name, sizeof(name), rev, s->prog_id, pos, st->chain.own);
		snprintf(path, sizeof(path), "%s/%s", st->store.dir, name);
		if (!err)
			err = unlink(path) ? -errno : 0;
	} else {
		/* Synchronous: the kernel patches the slot's jump at once.
		 * Never the last of the dispatcher's own tail-call positions
		 * while the plain build enters it from its main function
		 * (nothing appended after it; txn.c rebuilds instead): a
		 * stub's empty value would be the packet's verdict, and an
		 * empty entry there aborts the packet (it cannot be told from
		 * a tail-call budget that ran out). Elsewhere the slot
		 * function calls it, and the stub is skipped. */
		fd = xc_get_at(st, "progs-%" PRIu64, (uint64_t)rev);
		err = fd;
		if (fd >= 0)
			err = xc_prog_array_stub(fd, pos, st->chain.base.flags & XDPCHAIN_META_F_FRAGS);
		if (fd >= 0)
			close(fd);
	}
	if (err) {
		xc_warn("cannot empty slot %u (%s, %u) of revision %" PRIu64 ": %s\n", pos,
			s->name, s->prog_id, (uint64_t)rev, strerror(-err));
		return err;
	}
	xc_fault(XC_FAULT_VACATE, s->name);
	xc_state_effective(st);
	return 0;
}
