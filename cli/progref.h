/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* A program of an interface's chain named on the command line by NAME or
 * ID (dump --program; attach --before/--after leave it to the library). */
#ifndef XDPCHAIN_CLI_PROGREF_H
#define XDPCHAIN_CLI_PROGREF_H

#include <linux/types.h>
#include "cli.h"

struct xdpchain_chain;

/* arg: all digits, a kernel program id (not looked up: the caller or the
 * library says whether it is in the chain); else a name that exactly one
 * program of chain (the caller's snapshot; NULL: none) has, as the library
 * resolves names. *id gets the id; returns 0 or a CLI_EXIT_* code after
 * "IFNAME: OPT ARG: why". */
int progref_id(struct cli_ctx *ctx, const struct xdpchain_chain *chain, const char *ifname,
	       const char *opt, const char *arg, __u32 *id);
/* "IFNAME: OPT NAME: why" for a name that resolved to no program (err
 * -ENOENT) or to several (-EEXIST), as the library resolves names (also
 * xdpchain_attach_opts.before_name). */
void progref_error(struct cli_ctx *ctx, const char *ifname, const char *opt, const char *arg,
		   int err);

#endif
