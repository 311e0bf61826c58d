// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* xdpchain_gc() (layer 5): collect what no running chain uses
 * (collect.c does it). */
#include "store/store.h"
#include "mutate/mutate.h"
#include "api/api.h"

int xdpchain_gc(int ifindex, const struct xdpchain_gc_opts *opts)
{
	char root[256];
	__u64 ino;
	int err;

	if (ifindex < 0 || !XC_OPTS_VALID(opts, xdpchain_gc_opts))
		return xc_err(-EINVAL);
	err = xc_resolve_root(XC_OPTS_GET(opts, bpffs_root, NULL), root, sizeof(root));
	/* A root that is not on bpffs (ip netns exec's private /sys, a
	 * wrong --root) holds no state: say so, never "nothing to collect".
	 * Not for status's quiet collection of vanished interfaces. */
	if (!err && !XC_OPTS_GET(opts, vanished_only, false) && xc_store_root_check(root))
		err = -ENOTSUP;
	if (!err)
		err = xc_netns_ino(&ino);
	if (!err)
		err = xc_collect(root, ino, ifindex, XC_OPTS_GET(opts, vanished_only, false),
				 XC_OPTS_GET(opts, removed, NULL), XC_OPTS_GET(opts, ctx, NULL));
	return xc_err(err);
}
