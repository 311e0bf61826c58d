// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* The CLI's argument parsers: usage errors name the bad value and map to
 * exit status 2; good values parse exactly. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "opts.h"
#include "check.h"

static char last_error[1024];

/* The CLI's cli_error() lives in main.c; record the message instead. */
void cli_error(struct cli_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
}

static int quiet(enum xdpchain_print_level l, const char *f, va_list a)
{
	return 0;
}

int main(void)
{
	struct cli_ctx ctx = { .cmd = "attach" };
	enum xdpchain_backend be;
	enum xdpchain_mode mode;
	__u32 mask;
	__u64 u;
	int prio, idx;

	xdpchain_set_print(quiet);
	CHECK(opt_priority(&ctx, "-7", &prio) == 0 && prio == -7);
	CHECK(opt_priority(&ctx, "12x", &prio) == CLI_EXIT_USAGE);
	CHECK(strstr(last_error, "'12x'") && strstr(last_error, "lower number runs first"));
	CHECK(opt_priority(&ctx, "2147483648", &prio) == CLI_EXIT_USAGE);
	CHECK(strstr(last_error, "out of range") != NULL);

	CHECK(opt_verdicts(&ctx, "pass,tx", &mask) == 0 && mask == ((1u << 2) | (1u << 3)));
	CHECK(opt_verdicts(&ctx, "pass,pas,drop", &mask) == CLI_EXIT_USAGE);
	CHECK(strstr(last_error, "invalid verdict 'pas'") != NULL);

	CHECK(opt_mode(&ctx, "skb", &mode) == 0 && mode == XDPCHAIN_MODE_SKB);
	CHECK(opt_mode(&ctx, "xdpfast", &mode) == CLI_EXIT_USAGE && strstr(last_error, "'xdpfast'"));
	CHECK(opt_backend(&ctx, "tailcall", &be) == 0 && be == XDPCHAIN_BACKEND_TAILCALL);
	CHECK(opt_backend(&ctx, "mixed", &be) == CLI_EXIT_USAGE);

	CHECK(opt_u64(&ctx, "revision", "42", &u) == 0 && u == 42);
	CHECK(opt_u64(&ctx, "revision", "-1", &u) == CLI_EXIT_USAGE);
	CHECK(opt_u64(&ctx, "revision", "", &u) == CLI_EXIT_USAGE);
	CHECK(opt_u64(&ctx, "revision", "99999999999999999999999", &u) == CLI_EXIT_USAGE);

	CHECK(opt_ifindex(&ctx, "lo", &idx) == 0 && idx == 1);
	CHECK(opt_ifindex(&ctx, "no-such-if0", &idx) == CLI_EXIT_USAGE);
	CHECK(strstr(last_error, "interface 'no-such-if0' not found") != NULL);
	CHECK(opt_ifindex(&ctx, "a-name-longer-than-ifnamsiz", &idx) == CLI_EXIT_USAGE);
	return check_report("test_cli_opts");
}
