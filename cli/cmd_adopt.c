// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* xdpchain adopt IFACE[,IFACE...] [-P|--priority N] [-c|--continue-on LIST]
 *                [--libxdp-bpffs DIR] */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xdpchain/xdpchain.h>
#include "bpffs.h"
#include "cli.h"
#include "json.h"
#include "opts.h"

#define ADOPT_USAGE "usage: xdpchain adopt IFACE[,IFACE...] [-P|--priority N] " \
		    "[-c|--continue-on LIST] [--libxdp-bpffs DIR]"

struct adopt_args {
	char *ifnames[64];
	unsigned int n;
	char *buf; /* the comma-separated lists, split in place */
	struct xdpchain_adopt_opts ao;
};

/* Every IFACE argument, comma-separated lists split. */
static int split_ifaces(struct cli_ctx *ctx, int argc, char **argv, struct adopt_args *a)
{
	size_t len = 0;
	char *p, *save = NULL, *tok;

	for (int i = optind; i < argc; i++)
		len += strlen(argv[i]) + 1;
	a->buf = malloc(len + 1);
	if (!a->buf) {
		cli_error(ctx, "%s", strerror(ENOMEM));
		return CLI_EXIT_FAIL;
	}
	p = a->buf;
	for (int i = optind; i < argc; i++)
		p += sprintf(p, "%s,", argv[i]);
	for (tok = strtok_r(a->buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (a->n == sizeof(a->ifnames) / sizeof(a->ifnames[0])) {
			cli_error(ctx, "too many interfaces (at most %zu)",
				  sizeof(a->ifnames) / sizeof(a->ifnames[0]));
			return CLI_EXIT_USAGE;
		}
		a->ifnames[a->n++] = tok;
	}
	if (!a->n) {
		cli_error(ctx, "missing IFACE (" ADOPT_USAGE ")");
		return CLI_EXIT_USAGE;
	}
	return 0;
}

static int parse_args(struct cli_ctx *ctx, int argc, char **argv, struct adopt_args *a)
{
	static const struct option longopts[] = {
		{ "priority", required_argument, NULL, 'P' },
		{ "continue-on", required_argument, NULL, 'c' },
		{ "libxdp-bpffs", required_argument, NULL, 'L' },
		{},
	};
	int c, ret;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":P:c:", longopts, NULL)) != -1) {
		switch (c) {
		case 'P':
			ret = opt_priority(ctx, optarg, &a->ao.priority);
			if (ret)
				return ret;
			a->ao.priority_set = true;
			break;
		case 'c':
			ret = opt_verdicts(ctx, optarg, &a->ao.continue_on);
			if (ret)
				return ret;
			break;
		case 'L': /* long only, as the global option */
			ret = cli_set_libxdp_bpffs(ctx, optarg);
			if (ret)
				return ret;
			a->ao.libxdp_bpffs = ctx->libxdp_bpffs;
			break;
		default:
			return opt_bad_option(ctx, c, argv, longopts);
		}
	}
	return split_ifaces(ctx, argc, argv, a);
}

static const char *adopt_hint(int err)
{
	switch (err) {
	case ENOENT:
		return " (no XDP program runs there)";
	case EEXIST:
		return " (an xdpchain chain runs there already: see 'xdpchain status')";
	case ESTALE:
		return " (the program changed meanwhile: try again)";
	case EBUSY:
		return " (a bpf_link holds the program, named above)";
	case EOPNOTSUPP:
		return " (said above why)";
	default:
		return "";
	}
}

/* The adopted chain, read back for the report: its programs (one, or
 * those of libxdp's dispatcher), in run order. */
static void report(struct cli_ctx *ctx, const char *ifname, int ifindex)
{
	XDPCHAIN_OPTS(xdpchain_query_opts, qo, .bpffs_root = ctx->root);
	struct xdpchain_chain *c = xdpchain_chain__get(ifindex, &qo);
	const struct xdpchain_entry *e = c ? xdpchain_chain__entry(c, 0) : NULL;
	unsigned int n = c ? xdpchain_chain__nr_progs(c) : 0;

	if (ctx->json) {
		json_start_object(ctx->jw);
		json_kv_string(ctx->jw, "ifname", ifname);
		json_kv_int(ctx->jw, "ifindex", ifindex);
		if (e) {
			json_kv_uint(ctx->jw, "id", xdpchain_entry__id(e));
			json_kv_string(ctx->jw, "name", xdpchain_entry__name(e));
			json_kv_uint(ctx->jw, "revision", xdpchain_chain__revision(c));
			json_key(ctx->jw, "ids");
			json_start_array(ctx->jw);
			for (unsigned int i = 0; i < n; i++)
				json_uint(ctx->jw, xdpchain_entry__id(xdpchain_chain__entry(c, i)));
			json_end_array(ctx->jw);
		}
		json_end_object(ctx->jw);
	} else if (e) {
		printf("adopted");
		for (unsigned int i = 0; i < n; i++) {
			e = xdpchain_chain__entry(c, i);
			printf("%s %s (id %u)", i ? "," : "", xdpchain_entry__name(e),
			       xdpchain_entry__id(e));
		}
		printf(" on %s: revision %llu, netlink-attached\n", ifname,
		       (unsigned long long)xdpchain_chain__revision(c));
	} else {
		printf("adopted the program on %s\n", ifname);
	}
	xdpchain_chain__free(c);
}

int cmd_adopt(struct cli_ctx *ctx, int argc, char **argv)
{
	struct adopt_args a;
	int ret, err, ifindex;

	/* memset: the library checks that bytes it does not know are 0. */
	memset(&a, 0, sizeof(a));
	a.ao.sz = sizeof(a.ao);
	a.ao.bpffs_root = ctx->root;
	a.ao.libxdp_bpffs = ctx->libxdp_bpffs;
	ret = parse_args(ctx, argc, argv, &a);
	for (unsigned int i = 0; !ret && i < a.n; i++)
		ret = opt_ifindex(ctx, a.ifnames[i], &ifindex);
	if (ret)
		goto out;
	if (ctx->json)
		json_start_array(ctx->jw);
	/* One after the other; those done stay adopted after a failure (a
	 * chain of one program runs what ran before): the error names the
	 * interface. */
	for (unsigned int i = 0; i < a.n; i++) {
		opt_ifindex(ctx, a.ifnames[i], &ifindex);
		err = xdpchain_adopt(ifindex, &a.ao);
		if (err) {
			cli_error(ctx, "%s: cannot adopt its XDP program: %s%s%s", a.ifnames[i],
				  strerror(-err), adopt_hint(-err),
				  i ? " (the interfaces before it are adopted)" : "");
			ret = CLI_EXIT_FAIL;
			break;
		}
		report(ctx, a.ifnames[i], ifindex);
	}
	if (ctx->json)
		json_end_array(ctx->jw);
out:
	free(a.buf);
	return ret;
}
