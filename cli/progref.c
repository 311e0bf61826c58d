// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* NAME|ID arguments naming a program of a chain (progref.h). */
#include <errno.h>
#include <xdpchain/xdpchain.h>
#include "api/internal.h" /* xc_chain_find_name(): the library's resolution */
#include "opts.h"
#include "progref.h"

int progref_id(struct cli_ctx *ctx, const struct xdpchain_chain *chain, const char *ifname,
	       const char *opt, const char *arg, __u32 *id)
{
	int err;

	if (opt_all_digits(arg))
		return opt_prog_id(ctx, arg, id);
	err = chain ? xc_chain_find_name(chain, arg, id) : -ENOENT;
	if (!err)
		return 0;
	progref_error(ctx, ifname, opt, arg, err);
	return CLI_EXIT_FAIL;
}

void progref_error(struct cli_ctx *ctx, const char *ifname, const char *opt, const char *arg,
		   int err)
{
	cli_error(ctx, "%s: %s %s: %s", ifname, opt, arg,
		  err == -EEXIST ? "several programs have that name: give its id"
				 : "no program of that name in the chain (see 'xdpchain status')");
}
