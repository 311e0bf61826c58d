// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Removing a chain (layer 4): its last program left, or detach --all. */
#include <string.h>
#include <bpf/bpf.h>
#include "mutate.h"

int xc_remove_all(struct xc_state *st)
{
	if (st->have && bpf_link_detach(st->link_fd) && errno != EINVAL) {
		xc_warn("cannot detach the dispatcher link: %s\n", strerror(errno));
	} else if (st->have) {
		xc_fault(XC_FAULT_LINK_DETACH, "dispatcher");
		xc_wait_inflight(); /* packets inside still run the whole chain */
	}
	xc_state_close(st);
	xc_state_gc(st, NULL, NULL);
	xc_state_dir_remove(st);
	return 0;
}
