// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Removing a chain (layer 4): its last program left, or detach --all. */
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>
#include "mutate.h"

int xc_remove_all(struct xc_state *st)
{
	int err;

	if (st->have) {
		err = xc_fail(XC_FAIL_LINK_DETACH);
		if (!err && bpf_link_detach(st->link_fd))
			err = -errno;
		/* EINVAL: a kernel without BPF_LINK_DETACH (before 5.9); the
		 * unpin below drops the link's last reference, which detaches
		 * it. Any other error: the dispatcher may still run, so its
		 * state stays whole, for a retry to finish (unpinning it would
		 * leave a chain that nothing describes, or detach it behind
		 * the caller's back once the last holder lets go). */
		if (err && err != -EINVAL) {
			xc_warn("cannot detach the dispatcher link of ifindex %d: %s; the chain "
				"and its state are left as they were\n", st->ifindex,
				strerror(-err));
			return err;
		}
		if (!err) {
			xc_fault(XC_FAULT_LINK_DETACH, "dispatcher");
			xc_wait_inflight(); /* packets inside still run the whole chain */
		}
	}
	xc_state_close(st);
	xc_state_gc(st, NULL, NULL);
	xc_state_dir_remove(st);
	return 0;
}
