// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* xdpchain gc [IFACE|IFINDEX]: collect state no running chain uses. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xdpchain/xdpchain.h>
#include "cli.h"
#include "json.h"
#include "opts.h"

#define GC_USAGE "usage: xdpchain gc [IFACE|IFINDEX]"

static void removed_cb(const char *path, const char *why, void *arg)
{
	struct cli_ctx *ctx = arg;

	if (ctx->json) {
		json_start_object(ctx->jw);
		json_kv_string(ctx->jw, "path", path);
		json_kv_string(ctx->jw, "reason", why);
		json_end_object(ctx->jw);
	} else {
		printf("removed %s (%s)\n", path, why);
	}
}

int cmd_gc(struct cli_ctx *ctx, int argc, char **argv)
{
	XDPCHAIN_OPTS(xdpchain_gc_opts, opts, .bpffs_root = ctx->root, .removed = removed_cb,
		      .ctx = ctx);
	const char *what = "all interfaces";
	int ifindex = 0, ret;
	__u64 v;

	if (argc > 1 && argv[1][0] == '-' && strcmp(argv[1], "--")) {
		cli_error(ctx, "unknown option '%s' (" GC_USAGE ")", argv[1]);
		return CLI_EXIT_USAGE;
	}
	if (argc > 1 && !strcmp(argv[1], "--")) {
		argv++;
		argc--;
	}
	if (argc > 2) {
		cli_error(ctx, "unexpected argument '%s' (" GC_USAGE ")", argv[2]);
		return CLI_EXIT_USAGE;
	}
	if (argc == 2) {
		what = argv[1];
		/* A number names an ifindex: the interface may be gone. */
		if (opt_all_digits(argv[1])) {
			ret = opt_u64(ctx, "ifindex", argv[1], &v);
			if (ret)
				return ret;
			if (!v || v > 0x7fffffff) {
				cli_error(ctx, "ifindex %s is out of range (" GC_USAGE ")", argv[1]);
				return CLI_EXIT_USAGE;
			}
			ifindex = (int)v;
		} else {
			ret = opt_ifindex(ctx, argv[1], &ifindex);
			if (ret)
				return ret;
		}
	}
	if (ctx->json) {
		json_start_object(ctx->jw);
		json_key(ctx->jw, "removed");
		json_start_array(ctx->jw);
	}
	ret = xdpchain_gc(ifindex, &opts);
	if (ret < 0) {
		cli_error(ctx, "%s: cannot collect: %s%s", what, strerror(-ret),
			  cli_errno_hint(ctx, -ret));
		return CLI_EXIT_FAIL;
	}
	if (ctx->json) {
		json_end_array(ctx->jw);
		json_kv_uint(ctx->jw, "count", (unsigned int)ret);
		json_end_object(ctx->jw);
	} else if (!ret) {
		printf("nothing to collect\n");
	} else {
		printf("%d entr%s removed\n", ret, ret == 1 ? "y" : "ies");
	}
	return CLI_EXIT_OK;
}
