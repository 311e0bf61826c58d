/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* Argument parsing helpers shared by the CLI commands. Each returns 0 or
 * reports the problem through cli_error(), naming the bad value, and
 * returns CLI_EXIT_USAGE (CLI_EXIT_FAIL where the system, not the
 * argument, is at fault). Pure code apart from opt_ifindex(). */
#ifndef XDPCHAIN_CLI_OPTS_H
#define XDPCHAIN_CLI_OPTS_H

#include <stdbool.h>
#include <getopt.h>
#include <linux/types.h>
#include <xdpchain/xdpchain.h>
#include "cli.h"

/* Interface name -> ifindex: "interface 'foo0' not found". */
int opt_ifindex(struct cli_ctx *ctx, const char *ifname, int *ifindex);
/* Strict decimal int (lower number runs first). */
int opt_priority(struct cli_ctx *ctx, const char *str, int *priority);
/* --continue-on list: "pass,drop", "all", "none". */
int opt_verdicts(struct cli_ctx *ctx, const char *str, __u32 *mask);
/* native|drv, skb|generic, hw|offload (hw is refused later, with exit 1). */
int opt_mode(struct cli_ctx *ctx, const char *str, enum xdpchain_mode *mode);
/* auto|freplace|tailcall. */
int opt_backend(struct cli_ctx *ctx, const char *str, enum xdpchain_backend *backend);
/* Unsigned decimal (digits only); what names the value in the message. */
int opt_u64(struct cli_ctx *ctx, const char *what, const char *str, __u64 *v);
/* A kernel program id: decimal, 1 to 2^32-1. */
int opt_prog_id(struct cli_ctx *ctx, const char *str, __u32 *id);
/* Whether str is non-empty and all decimal digits. */
bool opt_all_digits(const char *str);
/* Report what getopt_long() rejected: c is the '?' or ':' it returned
 * (use a ':' first in optstring so a missing argument gives ':'), argv and
 * longopts are what it was given. Always returns CLI_EXIT_USAGE. */
int opt_bad_option(struct cli_ctx *ctx, int c, char **argv, const struct option *longopts);

#endif
