// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * libxdp's pins that an adoption of its dispatcher left (layer 3): the
 * adoption removes them right after its swap, still under libxdp's lock;
 * a crash between the two leaves a directory dispatch-<ifindex>-<id> of
 * a dispatcher that runs nowhere, holding it and links of our programs
 * to it (docs/protocol.md, 7a). libxdp would not read it, but it holds
 * kernel objects and misleads whoever looks. Every writer and gc that
 * finds an adopted chain (netlink-attached) repairs it here, next to the
 * orphans of our own state: the evidence (libxdp.c, xc_libxdp_collect())
 * is our chain's programs in it and its dispatcher not running.
 */
#include <stdio.h>
#include "kobj/kobj.h"
#include "store/store.h"
#include "reader/reader.h"

struct left_ctx {
	struct xc_gc_report *rep;
};

static void removed(const char *dir, const char *name, void *ctx)
{
	struct left_ctx *l = ctx;

	if (l->rep)
		l->rep->fn(l->rep, dir, name);
}

void xc_state_libxdp_left(struct xc_state *st, struct xc_gc_report *rep)
{
	__u32 ids[XDPCHAIN_MAX_SLOTS];
	struct left_ctx l = { .rep = rep };
	char ifname[IF_NAMESIZE];
	unsigned int n = 0;
	int err;

	/* Only an adopted chain (no link: netlink-attached) can have been
	 * libxdp's. */
	if (!st->chain.have || st->chain.link_fd >= 0)
		return;
	for (unsigned int i = 0; i < st->chain.meta.nr_progs && n < XDPCHAIN_MAX_SLOTS; i++)
		ids[n++] = st->chain.meta.slots[i].prog_id;
	/* libxdp's bpffs as the adoption's default: $LIBXDP_BPFFS, else
	 * /sys/fs/bpf (an adoption given another one is repaired by a
	 * writer or gc that sees it there). */
	err = xc_libxdp_collect(NULL, st->store.ifindex, st->chain.disp_id, ids, n, removed, &l);
	if (err < 0)
		xc_warn("%s: cannot remove libxdp's pins that an adoption left: %s\n",
			xc_ifname(st->store.ifindex, ifname), strerror(-err));
	else if (err > 0)
		xc_info("%s: removed libxdp's pins of %d dispatcher(s) that an adoption left\n",
			xc_ifname(st->store.ifindex, ifname), err);
}
