/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* Argument parsing helpers shared by the CLI commands. Each reports a
 * usage error through cli_error() naming the bad value and returns
 * CLI_EXIT_USAGE, or 0. */
#ifndef XDPCHAIN_CLI_OPTS_H
#define XDPCHAIN_CLI_OPTS_H

#include <linux/types.h>
#include <xdpchain/xdpchain.h>
#include "cli.h"

int opt_ifindex(struct cli_ctx *ctx, const char *ifname, int *ifindex);
int opt_priority(struct cli_ctx *ctx, const char *str, int *priority);
int opt_verdicts(struct cli_ctx *ctx, const char *str, __u32 *mask);
int opt_mode(struct cli_ctx *ctx, const char *str, enum xdpchain_mode *mode);
int opt_backend(struct cli_ctx *ctx, const char *str, enum xdpchain_backend *backend);
int opt_u64(struct cli_ctx *ctx, const char *what, const char *str, __u64 *v);
/* Run the JSON list of verdict names for a mask. */
struct json_writer;
void json_verdicts(struct json_writer *w, __u32 mask);

#endif
