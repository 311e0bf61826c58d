// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* xdpchain dump's command line (dump.h). */
#include <getopt.h>
#include <string.h>
#include <strings.h>
#include <xdpchain/xdpchain.h>
#include "api/internal.h" /* the parsers the API does not export */
#include "cli.h"
#include "dump.h"
#include "opts.h"

enum { OPT_VERDICT = 256, OPT_PROGRAM };

#define DUMP_VERDICTS "aborted, drop, pass, tx, redirect, other"

/* One word of --verdict LIST (len bytes at w) -> its bit(s); else a
 * CLI_EXIT_* code after the error. */
static int verdict_word(struct cli_ctx *ctx, const char *w, size_t len, bool alone, __u32 *m)
{
	char word[16];

	if (len == 5 && !strncasecmp(w, "other", 5)) {
		*m = 1u << XDPCHAIN_DUMP_OTHER; /* any verdict that is no XDP action */
		return 0;
	}
	if (len == 3 && !strncasecmp(w, "all", 3)) {
		if (alone) {
			*m = XDPCHAIN_DUMP_ALL;
			return 0;
		}
		cli_error(ctx, "'all' in --verdict stands alone, not in a list");
		return CLI_EXIT_USAGE;
	}
	/* A continue-on set may be empty; a capture of nothing never ends. */
	if (len == 4 && !strncasecmp(w, "none", 4)) {
		cli_error(ctx, "--verdict none would capture nothing: give the verdicts to capture "
			  "(" DUMP_VERDICTS ") or all");
		return CLI_EXIT_USAGE;
	}
	if (len && len < sizeof(word)) {
		memcpy(word, w, len);
		word[len] = '\0';
		if (!xc_verdicts_parse(word, m, NULL, NULL))
			return 0;
	}
	cli_error(ctx, "invalid verdict '%.*s' in --verdict (expected a comma-separated list of "
		  DUMP_VERDICTS "; or all alone)", (int)(len > 32 ? 32 : len), w);
	return CLI_EXIT_USAGE;
}

/* --verdict LIST: XDP actions by name, "other" (any verdict that is no
 * XDP action) or "all". Its own parser: the continue-on one names
 * --continue-on in its errors and takes "none", never "other". */
static int parse_verdicts(struct cli_ctx *ctx, const char *arg, __u32 *mask)
{
	const char *w = arg;
	size_t len;
	__u32 m;
	int ret;

	*mask = 0;
	for (;;) {
		len = strcspn(w, ",");
		ret = verdict_word(ctx, w, len, w == arg && !w[len], &m);
		if (ret)
			return ret;
		*mask |= m;
		if (!w[len])
			return 0;
		w += len + 1;
	}
}

int dump_parse_args(struct cli_ctx *ctx, int argc, char **argv, struct dump_args *a)
{
	static const struct option longopts[] = {
		{ "verdict", required_argument, NULL, OPT_VERDICT },
		{ "program", required_argument, NULL, OPT_PROGRAM },
		{ "write", required_argument, NULL, 'w' },
		{ "count", required_argument, NULL, 'c' },
		{ "snaplen", required_argument, NULL, 's' },
		{},
	};
	int c, ret;

	a->mask = XDPCHAIN_DUMP_ALL;
	a->snaplen = XDPCHAIN_DUMP_SNAPLEN_MAX;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":w:c:s:", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_VERDICT:
			ret = parse_verdicts(ctx, optarg, &a->mask);
			break;
		case OPT_PROGRAM:
			a->program = optarg;
			ret = 0;
			break;
		case 'w':
			a->file = optarg;
			ret = 0;
			break;
		case 'c':
			ret = opt_u64(ctx, "packet count", optarg, &a->count);
			if (!ret && !a->count) {
				cli_error(ctx, "invalid packet count '0': at least 1");
				ret = CLI_EXIT_USAGE;
			}
			break;
		case 's':
			ret = opt_u64(ctx, "snap length", optarg, &a->snaplen);
			if (!ret && (!a->snaplen || a->snaplen > XDPCHAIN_DUMP_SNAPLEN_MAX)) {
				cli_error(ctx, "invalid snap length '%s': 1 to %u bytes", optarg,
					  XDPCHAIN_DUMP_SNAPLEN_MAX);
				ret = CLI_EXIT_USAGE;
			}
			break;
		default:
			return opt_bad_option(ctx, c, argv, longopts);
		}
		if (ret)
			return ret;
	}
	if (argc - optind == 1)
		return 0;
	if (argc - optind > 1)
		cli_error(ctx, "unexpected argument '%s' (" DUMP_USAGE ")", argv[optind + 1]);
	else
		cli_error(ctx, "missing IFACE (" DUMP_USAGE ")");
	return CLI_EXIT_USAGE;
}
