// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Error reporting of the CLI (see cli.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include "cli.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

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

/* Whether the calling thread has capability cap in its effective set. */
static bool has_cap(int cap)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};

	if (syscall(SYS_capget, &hdr, data))
		return geteuid() == 0;
	return data[cap / 32].effective & (1u << (cap % 32));
}

/*
 * EPERM/EACCES: name the capabilities the process lacks (docs/security.md
 * lists what each command needs), else the other usual causes.
 */
static const char *perm_hint(void)
{
	static const struct { int cap; const char *name; } caps[] = {
		{ CAP_BPF, "CAP_BPF" },
		{ CAP_NET_ADMIN, "CAP_NET_ADMIN" },
		{ CAP_PERFMON, "CAP_PERFMON" },
	};
	static char buf[400];
	char list[64] = "";
	size_t n = 0;

	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		if (has_cap(caps[i].cap))
			continue;
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", n ? ", " : "",
				      caps[i].name);
	}
	if (n) {
		snprintf(buf, sizeof(buf), " (missing %s: status needs CAP_BPF; attach and "
			 "detach need CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON)", list);
		return buf;
	}
	if (geteuid())
		return " (can this user write the state root on bpffs? its directories are "
		       "mode 0700, for their owner only)";
	return " (refused by the verifier (its log is above), a security module or "
	       "lockdown)";
}

const char *cli_errno_hint(int err)
{
	switch (err) {
	case EPERM:
	case EACCES:
		return perm_hint();
	case ESTALE:
		return " (the chain's revision is not the expected one: someone changed it)";
	case EBUSY:
		return " (another process changed the chain at the same time: try again)";
	default:
		return "";
	}
}
