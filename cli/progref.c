// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* NAME|ID arguments naming a program of a chain (progref.h). */
#include <string.h>
#include <xdpchain/xdpchain.h>
#include "opts.h"
#include "progref.h"

int progref_id(struct cli_ctx *ctx, int ifindex, const char *ifname, const char *opt,
	       const char *arg, __u32 *id)
{
	XDPCHAIN_OPTS(xdpchain_query_opts, qo, .bpffs_root = ctx->root);
	struct xdpchain_chain *c;
	unsigned int found = 0;

	if (opt_all_digits(arg))
		return opt_prog_id(ctx, arg, id);
	c = xdpchain_chain__get(ifindex, &qo);
	for (unsigned int i = 0; c && i < xdpchain_chain__nr_progs(c); i++) {
		const struct xdpchain_entry *e = xdpchain_chain__entry(c, i);

		if (!strcmp(xdpchain_entry__name(e), arg)) {
			found++;
			*id = xdpchain_entry__id(e);
		}
	}
	xdpchain_chain__free(c);
	if (found == 1)
		return 0;
	cli_error(ctx, "%s: %s %s: %s", ifname, opt, arg,
		  found ? "several programs have that name: give its id"
			: "no program of that name in the chain (see 'xdpchain status')");
	return CLI_EXIT_FAIL;
}
