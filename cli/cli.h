/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* Shared declarations of the xdpchain CLI: context, command handlers,
 * error reporting and exit codes. */
#ifndef XDPCHAIN_CLI_H
#define XDPCHAIN_CLI_H

#include <stdbool.h>

/* Exit codes, documented in README and xdpchain help. */
#define CLI_EXIT_OK 0
#define CLI_EXIT_FAIL 1
#define CLI_EXIT_USAGE 2
/* attach: done, but a program does not run yet (libxdpchain EINPROGRESS). */
#define CLI_EXIT_PENDING 3

#define CLI_ERROR_MAX 1024

struct json_writer;

struct cli_ctx {
	bool json;               /* -j/--json: stdout is one JSON document */
	bool streaming;          /* json: the command writes JSON Lines itself (jsonl.h) */
	int verbose;             /* -v: library INFO/DEBUG logs on stderr */
	const char *root;        /* -r/--root: bpffs state root, or NULL */
	/* --libxdp-bpffs: libxdp's bpffs (checked, and in $LIBXDP_BPFFS for
	 * libxdp's API and the library), or NULL. */
	const char *libxdp_bpffs;
	struct json_writer *jw;  /* valid while a command runs with json */
	const char *cmd;         /* name of the running command */
	/* json mode: the first cli_error() message, "<cmd>: <message>";
	 * main prints it as {"error": "..."} instead of the command's
	 * (discarded) output. */
	bool has_error;
	char error[CLI_ERROR_MAX];
};

/* argv[0] is the command name; returns a CLI_EXIT_* code. Commands parse
 * their options with getopt_long() (optind is reset for them). In json
 * mode they write exactly one value to ctx->jw and nothing else to
 * stdout. */
typedef int (*cli_cmd_fn)(struct cli_ctx *ctx, int argc, char **argv);

int cmd_attach(struct cli_ctx *ctx, int argc, char **argv);
int cmd_detach(struct cli_ctx *ctx, int argc, char **argv);
int cmd_adopt(struct cli_ctx *ctx, int argc, char **argv);
int cmd_status(struct cli_ctx *ctx, int argc, char **argv);
int cmd_stats(struct cli_ctx *ctx, int argc, char **argv);
int cmd_top(struct cli_ctx *ctx, int argc, char **argv);
int cmd_metrics(struct cli_ctx *ctx, int argc, char **argv);
int cmd_trace(struct cli_ctx *ctx, int argc, char **argv);
int cmd_dump(struct cli_ctx *ctx, int argc, char **argv);
int cmd_gc(struct cli_ctx *ctx, int argc, char **argv);
int cmd_apply(struct cli_ctx *ctx, int argc, char **argv);
int cmd_version(struct cli_ctx *ctx, int argc, char **argv);
int cmd_help(struct cli_ctx *ctx, int argc, char **argv);

/* "Error: <cmd>: <message>" on stderr (or {"error": "<cmd>: <message>"}
 * as the JSON document in json mode; the first error wins). */
void cli_error(struct cli_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A parenthesised hint for errors any library call may return of the
 * running command (" (missing CAP_BPF: ...)"), or "" (err is a positive
 * errno). */
const char *cli_errno_hint(const struct cli_ctx *ctx, int err);

/* The library printed a warning for this command (main's print callback
 * notes it): hints then point at it rather than guess. */
void cli_note_lib_warning(void);
bool cli_lib_warned(void);

#endif
