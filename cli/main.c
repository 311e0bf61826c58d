// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* xdpchain: the command line. Global options, the command table, errors. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <xdpchain/xdpchain.h>
#include "cli.h"
#include "config.h"
#include "json.h"

static const struct cmd {
	const char *name;
	cli_cmd_fn fn;
	const char *usage;
} cmds[] = {
	{ "attach", cmd_attach,
	  "attach IFACE FILE [-p|--program NAME] [-P|--priority N] [-c|--continue-on LIST]\n"
	  "              [-o|--owner LABEL] [-m|--mode native|skb] [-b|--backend auto|freplace|tailcall]\n"
	  "              [--replace-foreign] [--expect-revision N]\n"
	  "      Add the XDP program NAME (default: the first) of FILE to IFACE's chain.\n"
	  "      FILE may be id:N or pinned:PATH for a program already loaded as XDP; it\n"
	  "      joins through a tail-call slot.\n"
	  "      Priority: lower number runs first (default 50, or the file's .xdp_run_config).\n"
	  "      LIST: verdicts after which the next program runs: aborted,drop,pass,tx,redirect,\n"
	  "      all or none (default pass). The mode of a new chain defaults to native." },
	{ "detach", cmd_detach,
	  "detach IFACE (ID|NAME|--all) [--expect-revision N]\n"
	  "      Remove one program (by kernel id or by name) or, with --all, the dispatcher,\n"
	  "      every program and all state of IFACE. The others keep running." },
	{ "status", cmd_status,
	  "status [IFACE]\n"
	  "      Show the chain in run order (lower priority number runs first), for IFACE or\n"
	  "      for every interface with an XDP program." },
	{ "demo", cmd_demo,
	  "demo [--backend auto|freplace|tailcall] [--mode native|skb] [--keep]\n"
	  "      Build a chain of three example programs on a veth pair in a private network\n"
	  "      namespace, send real packets through it, show what each program did, clean up." },
	{ "version", cmd_version, "version\n      Show versions and the backend this kernel allows." },
	{ "help", cmd_help, "help [COMMAND]\n      Show this help, or one command's." },
};
#define NR_CMDS (sizeof(cmds) / sizeof(cmds[0]))

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: xdpchain [-j|--json] [-r|--root DIR] [-v|--verbose] COMMAND [ARGS]\n"
		"Share one interface's XDP hook between independent programs.\n\n"
		"Commands:\n");
	for (size_t i = 0; i < NR_CMDS; i++)
		fprintf(out, "  %s\n", cmds[i].usage);
	fprintf(out,
		"\nGlobal options:\n"
		"  -j, --json      print one JSON document on stdout (errors: {\"error\": \"...\"})\n"
		"  -r, --root DIR  bpffs state root (default $" XDPCHAIN_ROOT_ENV " or "
		XDPCHAIN_DEFAULT_ROOT ")\n"
		"  -v, --verbose   log what the library does (twice: debug)\n"
		"\nExit status: 0 success, 1 failure (nothing changed unless said), 2 usage error.\n");
}

void cli_error(struct cli_ctx *ctx, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ctx->json) {
		struct json_writer w;

		json_init(&w, stdout);
		json_start_object(&w);
		json_kv_string(&w, "error", msg);
		json_end_object(&w);
	} else {
		fprintf(stderr, "Error: %s: %s\n", ctx->cmd ? ctx->cmd : "xdpchain", msg);
	}
}

static int verbosity;

/* libbpf's own messages: warnings (the verifier log among them) always,
 * the rest with -v. */
static int libbpf_print_cb(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if ((level == LIBBPF_INFO && verbosity < 1) || (level == LIBBPF_DEBUG && verbosity < 2))
		return 0;
	return vfprintf(stderr, fmt, args);
}

static int print_cb(enum xdpchain_print_level level, const char *fmt, va_list args)
{
	if ((level == XDPCHAIN_INFO && verbosity < 1) ||
	    (level == XDPCHAIN_DEBUG && verbosity < 2))
		return 0;
	fputs("xdpchain: ", stderr);
	return vfprintf(stderr, fmt, args);
}

int cmd_help(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc > 1) {
		for (size_t i = 0; i < NR_CMDS; i++) {
			if (!strcmp(argv[1], cmds[i].name)) {
				printf("Usage: xdpchain [-j] [-r DIR] %s\n", cmds[i].usage);
				return CLI_EXIT_OK;
			}
		}
		cli_error(ctx, "unknown command '%s'", argv[1]);
		return CLI_EXIT_USAGE;
	}
	usage(stdout);
	return CLI_EXIT_OK;
}

int cmd_version(struct cli_ctx *ctx, int argc, char **argv)
{
	enum xdpchain_backend be = xdpchain_probe_backend();

	if (argc > 1) {
		cli_error(ctx, "unexpected argument '%s'", argv[1]);
		return CLI_EXIT_USAGE;
	}
	if (ctx->json) {
		json_start_object(ctx->jw);
		json_kv_string(ctx->jw, "version", XDPCHAIN_VERSION);
		json_kv_string(ctx->jw, "library", xdpchain_version());
		json_kv_string(ctx->jw, "auto_backend", xdpchain_backend_str(be));
		json_end_object(ctx->jw);
	} else {
		printf("xdpchain %s (libxdpchain %s)\n", XDPCHAIN_VERSION, xdpchain_version());
		printf("backend auto: %s on this kernel\n", xdpchain_backend_str(be));
	}
	return CLI_EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "root", required_argument, NULL, 'r' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{},
	};
	struct cli_ctx ctx = {};
	struct json_writer jw;
	int c, ret;

	json_init(&jw, stdout);
	ctx.jw = &jw;
	/* "+": stop at the command; its options are its own. */
	while ((c = getopt_long(argc, argv, "+jr:vhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			ctx.json = true;
			break;
		case 'r':
			ctx.root = optarg;
			break;
		case 'v':
			ctx.verbose++;
			break;
		case 'h':
			usage(stdout);
			return CLI_EXIT_OK;
		case 'V':
			return cmd_version(&ctx, 1, argv);
		default:
			usage(stderr);
			return CLI_EXIT_USAGE;
		}
	}
	verbosity = ctx.verbose;
	xdpchain_set_print(print_cb);
	libbpf_set_print(libbpf_print_cb);
	if (optind >= argc) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	for (size_t i = 0; i < NR_CMDS; i++) {
		if (strcmp(argv[optind], cmds[i].name))
			continue;
		int first = optind;

		ctx.cmd = cmds[i].name;
		/* Commands parse their own argv with getopt; 0 makes glibc
		 * reinitialise its state. */
		optind = 0;
		ret = cmds[i].fn(&ctx, argc - first, argv + first);
		fflush(stdout);
		return ret;
	}
	cli_error(&ctx, "unknown command '%s' (try 'xdpchain help')", argv[optind]);
	return CLI_EXIT_USAGE;
}
