// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* xdpchain attach IFACE FILE [options] */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <xdpchain/xdpchain.h>
#include "cli.h"
#include "json.h"
#include "opts.h"

enum { OPT_REPLACE_FOREIGN = 256, OPT_EXPECT_REVISION };

static void print_result(struct cli_ctx *ctx, const char *ifname, int ifindex,
			 const struct xdpchain_prog *prog)
{
	struct xdpchain_chain *chain = xdpchain_chain__get(ifindex, &(struct xdpchain_query_opts){
		.sz = sizeof(struct xdpchain_query_opts), .bpffs_root = ctx->root });
	unsigned int pos = 0, n = chain ? xdpchain_chain__nr_progs(chain) : 0;
	const struct xdpchain_entry *e = NULL;
	char verdicts[64];

	for (unsigned int i = 0; i < n; i++) {
		const struct xdpchain_entry *x = xdpchain_chain__entry(chain, i);

		if (xdpchain_entry__id(x) == xdpchain_prog__id(prog)) {
			e = x;
			pos = i + 1;
		}
	}
	xdpchain_verdicts_format(xdpchain_prog__continue_on(prog), verdicts, sizeof(verdicts));
	if (ctx->json) {
		json_start_object(ctx->jw);
		json_kv_string(ctx->jw, "ifname", ifname);
		json_kv_int(ctx->jw, "ifindex", ifindex);
		json_kv_uint(ctx->jw, "id", xdpchain_prog__id(prog));
		json_kv_string(ctx->jw, "name", xdpchain_prog__name(prog));
		json_kv_int(ctx->jw, "priority", xdpchain_prog__priority(prog));
		json_key(ctx->jw, "continue_on");
		json_verdicts(ctx->jw, xdpchain_prog__continue_on(prog));
		json_kv_uint(ctx->jw, "position", pos);
		json_kv_uint(ctx->jw, "revision", chain ? xdpchain_chain__revision(chain) : 0);
		json_kv_string(ctx->jw, "backend",
			       xdpchain_backend_str(e ? xdpchain_entry__backend(e)
						      : XDPCHAIN_BACKEND_AUTO));
		json_end_object(ctx->jw);
	} else {
		printf("attached %s (id %u) to %s at position %u of %u, priority %d, "
		       "continue on %s, %s slot, revision %llu\n",
		       xdpchain_prog__name(prog), xdpchain_prog__id(prog), ifname, pos, n,
		       xdpchain_prog__priority(prog), verdicts,
		       xdpchain_backend_str(e ? xdpchain_entry__backend(e) : XDPCHAIN_BACKEND_AUTO),
		       chain ? (unsigned long long)xdpchain_chain__revision(chain) : 0ULL);
	}
	xdpchain_chain__free(chain);
}

/* "id:N" or "pinned:PATH": a program some application already loaded. */
static struct xdpchain_prog *open_loaded(struct cli_ctx *ctx, const char *spec, int *rc)
{
	struct xdpchain_prog *prog;
	__u64 id;
	int fd;

	if (!strncmp(spec, "id:", 3)) {
		*rc = opt_u64(ctx, "program id", spec + 3, &id);
		if (*rc)
			return NULL;
		fd = id > 0xffffffffULL ? -1 : bpf_prog_get_fd_by_id((__u32)id);
	} else {
		fd = bpf_obj_get(spec + 7);
	}
	*rc = CLI_EXIT_FAIL;
	if (fd < 0) {
		cli_error(ctx, "%s: cannot get the program: %s", spec, strerror(errno));
		return NULL;
	}
	prog = xdpchain_prog__from_fd(fd);
	if (!prog)
		cli_error(ctx, "%s: %s", spec, errno == EINVAL ? "not an XDP program" : strerror(errno));
	close(fd);
	return prog;
}

int cmd_attach(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "program", required_argument, NULL, 'p' },
		{ "priority", required_argument, NULL, 'P' },
		{ "continue-on", required_argument, NULL, 'c' },
		{ "owner", required_argument, NULL, 'o' },
		{ "mode", required_argument, NULL, 'm' },
		{ "backend", required_argument, NULL, 'b' },
		{ "replace-foreign", no_argument, NULL, OPT_REPLACE_FOREIGN },
		{ "expect-revision", required_argument, NULL, OPT_EXPECT_REVISION },
		{},
	};
	XDPCHAIN_OPTS(xdpchain_attach_opts, ao, .bpffs_root = ctx->root);
	XDPCHAIN_OPTS(xdpchain_open_opts, oo);
	const char *owner = NULL;
	struct xdpchain_prog *prog;
	bool has_prio = false, has_cont = false;
	int c, ret, ifindex, prio = 0, err;
	__u32 cont = 0;

	while ((c = getopt_long(argc, argv, "p:P:c:o:m:b:", longopts, NULL)) != -1) {
		ret = 0;
		switch (c) {
		case 'p':
			oo.prog_name = optarg;
			break;
		case 'P':
			ret = opt_priority(ctx, optarg, &prio);
			has_prio = true;
			break;
		case 'c':
			ret = opt_verdicts(ctx, optarg, &cont);
			has_cont = true;
			break;
		case 'o':
			owner = optarg;
			break;
		case 'm':
			ret = opt_mode(ctx, optarg, &ao.mode);
			break;
		case 'b':
			ret = opt_backend(ctx, optarg, &ao.backend);
			break;
		case OPT_REPLACE_FOREIGN:
			ao.replace_foreign = true;
			break;
		case OPT_EXPECT_REVISION:
			ret = opt_u64(ctx, "revision", optarg, &ao.expected_revision);
			ao.expect_revision_set = true;
			break;
		default:
			cli_error(ctx, "invalid option (see 'xdpchain help attach')");
			return CLI_EXIT_USAGE;
		}
		if (ret)
			return ret;
	}
	if (argc - optind != 2) {
		cli_error(ctx, "expected IFACE and FILE (see 'xdpchain help attach')");
		return CLI_EXIT_USAGE;
	}
	ret = opt_ifindex(ctx, argv[optind], &ifindex);
	if (ret)
		return ret;
	if (ao.mode == XDPCHAIN_MODE_HW) {
		cli_error(ctx, "hardware offload is not supported by xdpchain: a dispatcher "
			  "calling other programs cannot be offloaded; use native or skb");
		return CLI_EXIT_FAIL;
	}
	if (!strncmp(argv[optind + 1], "id:", 3) || !strncmp(argv[optind + 1], "pinned:", 7)) {
		prog = open_loaded(ctx, argv[optind + 1], &ret);
		if (!prog)
			return ret;
	} else if (!(prog = xdpchain_prog__open_file(argv[optind + 1], &oo))) {
		err = errno;
		if (oo.prog_name && err == ENOENT)
			cli_error(ctx, "%s: program '%s' not found or not an XDP program",
				  argv[optind + 1], oo.prog_name);
		else
			cli_error(ctx, "%s: cannot open: %s", argv[optind + 1], strerror(err));
		return CLI_EXIT_FAIL;
	}
	if (has_prio)
		xdpchain_prog__set_priority(prog, prio);
	if (has_cont)
		xdpchain_prog__set_continue_on(prog, cont);
	if (owner && xdpchain_prog__set_owner(prog, owner)) {
		cli_error(ctx, "invalid owner '%s' (at most 31 printable characters, no spaces)",
			  owner);
		xdpchain_prog__close(prog);
		return CLI_EXIT_USAGE;
	}
	err = xdpchain_attach(prog, ifindex, &ao);
	if (err) {
		cli_error(ctx, "%s: cannot attach %s: %s", argv[optind],
			  xdpchain_prog__name(prog), strerror(-err));
		xdpchain_prog__close(prog);
		return CLI_EXIT_FAIL;
	}
	print_result(ctx, argv[optind], ifindex, prog);
	xdpchain_prog__close(prog);
	return CLI_EXIT_OK;
}
