// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* xdpchain detach IFACE (ID|NAME|--all) */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <xdpchain/xdpchain.h>
#include "cli.h"
#include "json.h"
#include "opts.h"

enum { OPT_ALL = 256, OPT_EXPECT_REVISION };

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

int cmd_detach(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, OPT_ALL },
		{ "expect-revision", required_argument, NULL, OPT_EXPECT_REVISION },
		{},
	};
	XDPCHAIN_OPTS(xdpchain_detach_opts, dopts, .bpffs_root = ctx->root);
	const char *ifname, *what = NULL;
	bool all = false;
	int c, ret, ifindex, err;
	__u64 id = 0;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_ALL:
			all = true;
			break;
		case OPT_EXPECT_REVISION:
			ret = opt_u64(ctx, "revision", optarg, &dopts.expected_revision);
			if (ret)
				return ret;
			dopts.expect_revision_set = true;
			break;
		default:
			cli_error(ctx, "invalid option (see 'xdpchain help detach')");
			return CLI_EXIT_USAGE;
		}
	}
	if (argc - optind != (all ? 1 : 2)) {
		cli_error(ctx, "expected IFACE and one of ID, NAME or --all");
		return CLI_EXIT_USAGE;
	}
	ifname = argv[optind];
	ret = opt_ifindex(ctx, ifname, &ifindex);
	if (ret)
		return ret;
	if (all) {
		err = xdpchain_detach_all(ifindex, &dopts);
	} else {
		what = argv[optind + 1];
		if (all_digits(what)) {
			ret = opt_u64(ctx, "program id", what, &id);
			if (ret)
				return ret;
			if (id > 0xffffffffULL) {
				cli_error(ctx, "program id '%s' is out of range", what);
				return CLI_EXIT_USAGE;
			}
			err = xdpchain_detach_id(ifindex, (__u32)id, &dopts);
		} else {
			err = xdpchain_detach_name(ifindex, what, &dopts);
		}
	}
	if (err) {
		cli_error(ctx, "%s: cannot detach %s: %s", ifname, all ? "the chain" : what,
			  strerror(-err));
		return CLI_EXIT_FAIL;
	}
	if (ctx->json) {
		json_start_object(ctx->jw);
		json_kv_string(ctx->jw, "ifname", ifname);
		json_kv_int(ctx->jw, "ifindex", ifindex);
		json_kv_string(ctx->jw, "detached", all ? "all" : what);
		json_end_object(ctx->jw);
	} else {
		printf("detached %s from %s\n", all ? "the whole chain" : what, ifname);
	}
	return CLI_EXIT_OK;
}
