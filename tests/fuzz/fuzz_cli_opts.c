// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Fuzz target: the CLI's argument parsers (cli/opts.c), which take
 * command-line strings as they come and put them into error messages.
 * Input: one argument. A usage error must leave a terminated error
 * message naming the command; a success must leave none. */
#include <stdbool.h>
#include "cli.h"
#include "opts.h"
#include "fuzz.h"

static struct cli_ctx ctx;

static void reset(void)
{
	memset(&ctx, 0, sizeof(ctx));
	ctx.json = true; /* keep the message in ctx.error, print nothing */
	ctx.cmd = "attach";
}

static void outcome(int ret)
{
	FUZZ_ASSERT(ret == 0 || ret == CLI_EXIT_USAGE);
	FUZZ_ASSERT(!ret == !ctx.has_error);
	if (ret) {
		FUZZ_ASSERT(memchr(ctx.error, '\0', sizeof(ctx.error)));
		FUZZ_ASSERT(!strncmp(ctx.error, "attach: ", 8));
	}
	reset();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum xdpchain_backend backend;
	enum xdpchain_mode mode;
	char *s = fuzz_cstr(data, size);
	__u64 u64;
	__u32 u32;
	int prio, ret;

	if (!s)
		return 0;
	reset();
	outcome(opt_priority(&ctx, s, &prio));
	outcome(opt_verdicts(&ctx, s, &u32));
	outcome(opt_mode(&ctx, s, &mode));
	outcome(opt_backend(&ctx, s, &backend));
	outcome(opt_u64(&ctx, "count", s, &u64));
	u32 = 0;
	ret = opt_prog_id(&ctx, s, &u32);
	FUZZ_ASSERT(ret || u32); /* 0 is not a program id */
	outcome(ret);
	if (opt_all_digits(s))
		FUZZ_ASSERT(*s);
	free(s);
	return 0;
}
