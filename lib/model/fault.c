// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * Crash injection for the crash-safety tests (tests/kernel/suite-crash.sh).
 * Compiled only with meson -Dfault_injection=true; otherwise xc_fault() is
 * an empty inline (lib/model.h) and none of this exists.
 *
 *   XDPCHAIN_FAULT=STEP[:N]  the process kills itself with SIGKILL right
 *                            after the N-th (default 1st) time it passes
 *                            STEP, so no cleanup of any kind runs
 *   XDPCHAIN_FAULT=trace     print "xdpchain-fault: STEP N DETAIL" on
 *                            stderr at every step passed
 *   XDPCHAIN_FAULT=list      print "STEP BACKEND" for every step (BACKEND:
 *                            the backend whose transactions pass it, or
 *                            "any") and exit 0 before main() runs
 *   XDPCHAIN_FAIL=CALL:ERRNO[:N]
 *                            the N-th (default: every) time the library
 *                            is about to make CALL, it takes the call as
 *                            failed with ERRNO (a number or a name such
 *                            as EPERM) instead; CALL: link-detach,
 *                            link-info (enum xc_fail_call)
 *   XDPCHAIN_FORGE_VERSION=N the dispatchers the process loads claim
 *                            on-bpffs protocol version N in their
 *                            metadata: a chain of another version, as
 *                            another release of xdpchain would leave it
 *                            (tests/kernel/suite-badinput.sh)
 * The variables are read with secure_getenv(): a set-uid caller cannot be
 * made to crash or fail.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "model/model.h"

static const struct {
	const char *name;
	const char *backend;
} steps[XC_FAULT__MAX] = {
	[XC_FAULT_PROG_LOAD] = { "prog-load", "any" },
	[XC_FAULT_DISP_LOAD] = { "disp-load", "any" },
	[XC_FAULT_PIN] = { "pin", "any" },
	[XC_FAULT_TAIL_UPDATE] = { "tail-update", "tailcall" },
	[XC_FAULT_EXT_LINK] = { "ext-link", "freplace" },
	[XC_FAULT_LINK_CREATE] = { "link-create", "any" },
	[XC_FAULT_SWAP] = { "swap", "any" },
	[XC_FAULT_LINK_DETACH] = { "link-detach", "any" },
	[XC_FAULT_UNPIN] = { "unpin", "any" },
	[XC_FAULT_VACATE] = { "vacate", "any" },
	[XC_FAULT_APPEND] = { "append", "any" },
	[XC_FAULT_ADOPT] = { "adopt", "any" },
	[XC_FAULT_RELOCATE] = { "relocate", "any" },
};

static int armed = -1;          /* step to crash at, -1: none */
static unsigned long armed_n = 1;
static bool tracing;
static unsigned long passed[XC_FAULT__MAX];

__attribute__((constructor)) static void fault_init(void)
{
	const char *env = secure_getenv("XDPCHAIN_FAULT");
	char name[32];
	size_t len;

	if (!env || !*env)
		return;
	if (!strcmp(env, "list")) {
		for (int i = 0; i < XC_FAULT__MAX; i++)
			printf("%s %s\n", steps[i].name, steps[i].backend);
		fflush(stdout);
		_exit(0);
	}
	if (!strcmp(env, "trace")) {
		tracing = true;
		return;
	}
	len = strcspn(env, ":");
	snprintf(name, sizeof(name), "%.*s", (int)len, env);
	if (env[len] == ':')
		armed_n = strtoul(env + len + 1, NULL, 10);
	for (int i = 0; i < XC_FAULT__MAX; i++)
		if (!strcmp(name, steps[i].name))
			armed = i;
	if (armed < 0 || !armed_n) {
		/* A typo must not let a test pass without injecting. */
		fprintf(stderr, "xdpchain: XDPCHAIN_FAULT=%s: unknown step (XDPCHAIN_FAULT=list "
			"shows them)\n", env);
		_exit(125);
	}
}

static const char *const calls[XC_FAIL__MAX] = {
	[XC_FAIL_LINK_DETACH] = "link-detach",
	[XC_FAIL_LINK_INFO] = "link-info",
};
static const struct {
	const char *name;
	int err;
} errnos[] = {
	{ "EPERM", EPERM }, { "EACCES", EACCES }, { "EMFILE", EMFILE },
	{ "ENOMEM", ENOMEM }, { "EIO", EIO }, { "EBUSY", EBUSY },
};
static int fail_call = -1, fail_err;
static unsigned long fail_n, fail_seen;

/* XDPCHAIN_FAIL=CALL:ERRNO[:N] */
__attribute__((constructor)) static void fail_init(void)
{
	const char *env = secure_getenv("XDPCHAIN_FAIL");
	char name[32], err[16];
	unsigned long n = 0;
	int k;

	if (!env || !*env)
		return;
	k = sscanf(env, "%31[^:]:%15[^:]:%lu", name, err, &n);
	for (int i = 0; k >= 2 && i < XC_FAIL__MAX; i++)
		if (!strcmp(name, calls[i]))
			fail_call = i;
	fail_err = atoi(err);
	for (size_t i = 0; k >= 2 && i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (!strcmp(err, errnos[i].name))
			fail_err = errnos[i].err;
	fail_n = n;
	if (fail_call < 0 || fail_err <= 0 || (k == 3 && !n)) {
		/* A typo must not let a test pass without injecting. */
		fprintf(stderr, "xdpchain: XDPCHAIN_FAIL=%s: expected CALL:ERRNO[:N] with CALL "
			"one of link-detach, link-info\n", env);
		_exit(125);
	}
}

int xc_fail(enum xc_fail_call call)
{
	if ((int)call != fail_call)
		return 0;
	fail_seen++;
	return !fail_n || fail_seen == fail_n ? -fail_err : 0;
}

void xc_fault_step(enum xc_fault_step step, const char *detail)
{
	unsigned long n = ++passed[step];

	if (tracing)
		fprintf(stderr, "xdpchain-fault: %s %lu %s\n", steps[step].name, n,
			detail ? detail : "-");
	if ((int)step == armed && n == armed_n)
		raise(SIGKILL);
}

__u32 xc_forged_version(__u32 version)
{
	const char *env = secure_getenv("XDPCHAIN_FORGE_VERSION");

	return env && *env ? (__u32)strtoul(env, NULL, 10) : version;
}
