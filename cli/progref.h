/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* A program of an interface's chain named on the command line by NAME or
 * ID (attach --before/--after, dump --program). */
#ifndef XDPCHAIN_CLI_PROGREF_H
#define XDPCHAIN_CLI_PROGREF_H

#include <linux/types.h>
#include "cli.h"

/* arg: all digits, a kernel program id (not looked up: the caller or the
 * library says whether it is in the chain); else a name that exactly one
 * program of ifindex's chain has. *id gets the id; returns 0 or a
 * CLI_EXIT_* code after "IFNAME: OPT ARG: why". */
int progref_id(struct cli_ctx *ctx, int ifindex, const char *ifname, const char *opt,
	       const char *arg, __u32 *id);

#endif
