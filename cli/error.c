// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Error reporting of the CLI (see cli.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

void cli_error(struct cli_ctx *ctx, const char *fmt, ...)
{
	const char *cmd = ctx->cmd ? ctx->cmd : "xdpchain";
	char msg[CLI_ERROR_MAX];
	va_list ap;
	int n;

	if (ctx->json && ctx->has_error)
		return; /* the first error is the one to report */
	/* "<cmd>: <message>", truncated to fit. */
	n = snprintf(msg, sizeof(msg), "%s: ", cmd);
	if (n < 0 || (size_t)n >= sizeof(msg))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	if (!ctx->json) {
		fprintf(stderr, "Error: %s\n", msg);
		return;
	}
	/* main() prints it as the only JSON document once the command
	 * returns, so that one is all stdout holds. */
	memcpy(ctx->error, msg, sizeof(ctx->error));
	ctx->has_error = true;
}

const char *cli_errno_hint(int err)
{
	switch (err) {
	case EPERM:
	case EACCES:
		/* As root, the cause is elsewhere (lockdown, LSM, bpffs mode). */
		return geteuid() ? " (xdpchain needs CAP_BPF, CAP_NET_ADMIN and CAP_SYS_ADMIN: "
				   "run it as root)" : "";
	case ESTALE:
		return " (the chain's revision is not the expected one: someone changed it)";
	case EBUSY:
		return " (another process changed the chain at the same time: try again)";
	default:
		return "";
	}
}
