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

static bool lib_warned;

void cli_note_lib_warning(void)
{
	lib_warned = true;
}

bool cli_lib_warned(void)
{
	return lib_warned;
}

enum { NEED_BPF = 1, NEED_NET_ADMIN = 2, NEED_PERFMON = 4 };

/* The capabilities a command needs, as docs/security.md lists them: the
 * hint names only those of them that are missing (detach needs no
 * CAP_PERFMON: naming it sent people after the wrong one). */
static unsigned int cmd_needs(const char *cmd, const char **why)
{
	static const struct { const char *cmd; unsigned int needs; const char *why; } t[] = {
		{ "status", NEED_BPF, "status needs CAP_BPF" },
		{ "top", NEED_BPF, "top needs CAP_BPF" },
		{ "gc", NEED_BPF, "gc needs CAP_BPF" },
		{ "detach", NEED_BPF | NEED_NET_ADMIN, "detach needs CAP_BPF and CAP_NET_ADMIN" },
	};

	for (size_t i = 0; cmd && i < sizeof(t) / sizeof(t[0]); i++) {
		if (!strcmp(cmd, t[i].cmd)) {
			*why = t[i].why;
			return t[i].needs;
		}
	}
	*why = "it needs CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON";
	return NEED_BPF | NEED_NET_ADMIN | NEED_PERFMON;
}

/*
 * EPERM/EACCES: name the capabilities the command needs that the process
 * lacks, else the other causes; never the verifier unless it spoke (a
 * verifier's refusal comes with the library's message and its log).
 */
static const char *perm_hint(const struct cli_ctx *ctx)
{
	static const struct { int cap; unsigned int need; const char *name; } caps[] = {
		{ CAP_BPF, NEED_BPF, "CAP_BPF" },
		{ CAP_NET_ADMIN, NEED_NET_ADMIN, "CAP_NET_ADMIN" },
		{ CAP_PERFMON, NEED_PERFMON, "CAP_PERFMON" },
	};
	static char buf[400];
	const char *why;
	unsigned int needs = cmd_needs(ctx->cmd, &why);
	char list[64] = "";
	size_t n = 0;

	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		if (!(needs & caps[i].need) || has_cap(caps[i].cap))
			continue;
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", n ? ", " : "",
				      caps[i].name);
	}
	if (n) {
		snprintf(buf, sizeof(buf), " (missing %s: %s)", list, why);
		return buf;
	}
	if (lib_warned)
		return " (not a missing capability: the library's message above says why)";
	if (geteuid())
		return " (can this user write the state root on bpffs? its directories are "
		       "mode 0700, for their owner only)";
	return " (not a missing capability: a security module (SELinux, AppArmor, a BPF LSM) "
	       "or kernel lockdown refused it)";
}

const char *cli_errno_hint(const struct cli_ctx *ctx, int err)
{
	switch (err) {
	case EPERM:
	case EACCES:
		return perm_hint(ctx);
	case ESTALE:
		return " (the chain's revision is not the expected one: someone changed it)";
	case EBUSY:
		return " (another process changed the chain at the same time: try again)";
	case EPROTONOSUPPORT:
		return " (the interface's chain is of another on-bpffs protocol version: the "
		       "message above says which, and how to remove it)";
	default:
		return "";
	}
}
