// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Removing a chain (layer 4): its last program left, or detach --all. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "kobj/kobj.h"
#include "store/store.h"
#include "reader/reader.h"
#include "mutate/mutate.h"

/* Detach the dispatcher link link_fd (of st's chain). */
static int detach_link(struct xc_state *st, int link_fd)
{
	int err;

	err = xc_fail(XC_FAIL_LINK_DETACH);
	if (!err && bpf_link_detach(link_fd))
		err = -errno;
	/* EINVAL: a kernel without BPF_LINK_DETACH (before 5.9); the
	 * unpin below drops the link's last reference, which detaches
	 * it. Any other error: the dispatcher may still run, so its
	 * state stays whole, for a retry to finish (unpinning it would
	 * leave a chain that nothing describes, or detach it behind
	 * the caller's back once the last holder lets go). */
	if (err && err != -EINVAL) {
		xc_warn("cannot detach the dispatcher link of ifindex %d: %s; the chain "
			"and its state are left as they were\n", st->store.ifindex,
			strerror(-err));
		return err;
	}
	if (!err) {
		xc_fault(XC_FAULT_LINK_DETACH, "dispatcher");
		xc_wait_inflight(); /* packets inside still run the whole chain */
	}
	return 0;
}

/* An adopted chain (no link): take its dispatcher off the interface by
 * netlink, only if it still runs (XDP_FLAGS_REPLACE naming it). */
static int detach_netlink(struct xc_state *st)
{
	int err;

	err = xc_fail(XC_FAIL_LINK_DETACH);
	if (!err)
		err = xc_xdp_swap(st->store.ifindex, -1, st->chain.disp_fd, st->chain.meta.mode);
	if (err == -EEXIST)
		return 0; /* replaced meanwhile: nothing of ours runs */
	if (err) {
		xc_warn("cannot detach the dispatcher of ifindex %d: %s; the chain and its "
			"state are left as they were\n", st->store.ifindex, strerror(-err));
		return err;
	}
	xc_fault(XC_FAULT_LINK_DETACH, "dispatcher");
	xc_wait_inflight();
	return 0;
}

int xc_remove_all(struct xc_state *st)
{
	int err = 0, fd;

	if (st->chain.have && st->chain.link_fd < 0) {
		err = detach_netlink(st);
	} else if (st->chain.have) {
		err = detach_link(st, st->chain.link_fd);
	} else if (st->chain.other_version && !st->chain.away_link) {
		/* A chain of another protocol version (reader.c): its link
		 * the same way, then everything its directory holds. */
		fd = xc_get_at(st, "dispatcher");
		if (fd >= 0) {
			err = detach_link(st, fd);
			close(fd);
		}
	}
	if (err)
		return err;
	xc_state_removed(st);
	xc_state_gc(st, NULL, NULL);
	xc_state_dir_remove(st);
	return 0;
}
