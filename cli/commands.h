/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* The command table (commands.c): main.c dispatches through it, help
 * prints it. */
#ifndef XDPCHAIN_CLI_COMMANDS_H
#define XDPCHAIN_CLI_COMMANDS_H

#include <stdio.h>
#include "cli.h"

struct cmd {
	const char *name;
	cli_cmd_fn fn;
	const char *args; /* lines of the synopsis after the name */
	const char *help; /* indented by 4 */
};

/* The command called name, or NULL. */
const struct cmd *cli_find_cmd(const char *name);
/* Every command's synopsis, the global options and the exit codes. */
void cli_usage_all(FILE *out);
/* Help (c NULL: all of it) as text, or as {"usage": "..."} in json mode. */
int cli_print_help(struct cli_ctx *ctx, const struct cmd *c);

#endif
