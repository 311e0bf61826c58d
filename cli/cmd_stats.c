// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* xdpchain stats IFACE on|off [--expect-revision N] */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <xdpchain/xdpchain.h>
#include "cli.h"
#include "json.h"
#include "opts.h"

enum { OPT_EXPECT_REVISION = 256 };

#define STATS_USAGE "usage: xdpchain stats IFACE on|off [--expect-revision N]"

int cmd_stats(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "expect-revision", required_argument, NULL, OPT_EXPECT_REVISION },
		{},
	};
	XDPCHAIN_OPTS(xdpchain_stats_opts, so, .bpffs_root = ctx->root);
	XDPCHAIN_OPTS(xdpchain_query_opts, qo, .bpffs_root = ctx->root);
	struct xdpchain_chain *c;
	const char *ifname, *what;
	int ch, ret, ifindex, err;
	bool on;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		if (ch != OPT_EXPECT_REVISION)
			return opt_bad_option(ctx, ch, argv, longopts);
		ret = opt_u64(ctx, "revision", optarg, &so.expected_revision);
		if (ret)
			return ret;
		so.expect_revision_set = true;
	}
	if (argc - optind != 2) {
		if (argc - optind > 2)
			cli_error(ctx, "unexpected argument '%s' (" STATS_USAGE ")",
				  argv[optind + 2]);
		else
			cli_error(ctx, "missing %s (" STATS_USAGE ")",
				  argc - optind ? "on or off" : "IFACE and on or off");
		return CLI_EXIT_USAGE;
	}
	ifname = argv[optind];
	what = argv[optind + 1];
	if (!strcmp(what, "on")) {
		on = true;
	} else if (!strcmp(what, "off")) {
		on = false;
	} else {
		cli_error(ctx, "'%s' is neither on nor off (" STATS_USAGE ")", what);
		return CLI_EXIT_USAGE;
	}
	ret = opt_ifindex(ctx, ifname, &ifindex);
	if (ret)
		return ret;
	err = xdpchain_set_stats(ifindex, on, &so);
	if (err) {
		err = -err;
		cli_error(ctx, "%s: cannot switch the counters %s: %s%s", ifname, what,
			  strerror(err), err == ENOENT ? " (there is no chain: attach a program "
			  "first, with --stats to count from the start)" : cli_errno_hint(ctx, err));
		return CLI_EXIT_FAIL;
	}
	c = xdpchain_chain__get(ifindex, &qo);
	if (ctx->json) {
		json_start_object(ctx->jw);
		json_kv_string(ctx->jw, "ifname", ifname);
		json_kv_int(ctx->jw, "ifindex", ifindex);
		json_kv_bool(ctx->jw, "stats", c ? xdpchain_chain__stats(c) : on);
		if (c)
			json_kv_uint(ctx->jw, "revision", xdpchain_chain__revision(c));
		else
			json_kv_null(ctx->jw, "revision");
		json_end_object(ctx->jw);
	} else if (c) {
		printf("%s: counters %s, revision %llu\n", ifname,
		       xdpchain_chain__stats(c) ? "on" : "off",
		       (unsigned long long)xdpchain_chain__revision(c));
	} else {
		printf("%s: counters %s\n", ifname, what);
	}
	xdpchain_chain__free(c);
	return CLI_EXIT_OK;
}
