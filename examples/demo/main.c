// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * xdpchain-demo: a tutorial and an end-to-end test of libxdpchain, not a
 * management command (./demo.sh builds and runs it). This file is its
 * command line: options, help and exit status, and the scene around the
 * story of demo.c: bpffs, signals, the namespace made and removed.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <xdpchain/xdpchain.h>
#include "demo.h"

/* Exit status, as the xdpchain CLI's. */
#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2

#define SEE_HELP " (see '" DEMO_NAME " --help')"

static const struct option longopts[] = {
	{ "backend", required_argument, NULL, 'b' },
	{ "mode", required_argument, NULL, 'm' },
	{ "keep", no_argument, NULL, 'k' },
	{ "help", no_argument, NULL, 'h' },
	{},
};

static void usage(void)
{
	printf("Usage: " DEMO_NAME " [-b|--backend auto|freplace|tailcall] [-m|--mode native|skb]\n"
	       "                     [-k|--keep]\n"
	       "Build a chain of three example programs on a veth pair in a private network\n"
	       "namespace, send real packets through it, show what each program did (they\n"
	       "run in priority order, lower number first), then clean up. Every number is\n"
	       "checked. Run it as root; ./demo.sh builds it and runs it with its arguments.\n"
	       "  -b, --backend B  auto (default), freplace or tailcall\n"
	       "  -m, --mode M     native (default) or skb\n"
	       "  -k, --keep       leave the namespace and its chain, and say how to look at\n"
	       "                   them with xdpchain and clean up\n"
	       "  -h, --help       show this help\n"
	       "State: " DEMO_ROOT " (a BPF filesystem is mounted on /sys/fs/bpf if\n"
	       "there is none). Exit status: 0 the demo passed, 1 it failed, 2 usage error.\n");
}

/* Whether the long option arg (after "--", len characters) is the one
 * with value val. */
static bool spells(const char *arg, size_t len, int val)
{
	for (const struct option *o = longopts; o->name; o++)
		if (o->val == val && strlen(o->name) == len && !strncmp(o->name, arg, len))
			return true;
	return false;
}

/* Say what getopt_long() rejected (c: '?', or ':' for a missing value). */
static int bad_option(int c, char **argv)
{
	const char *arg = argv[optind - 1];
	size_t len = strncmp(arg, "--", 2) ? 0 : strcspn(arg + 2, "=");
	/* A long option is at fault unless getopt names a short one that
	 * arg does not spell (an unknown letter in a later "-xyz"). */
	bool is_long = len && (!optopt || spells(arg + 2, len, optopt));

	if (is_long && c == ':')
		demo_error("option '--%.*s' requires an argument" SEE_HELP, (int)len, arg + 2);
	else if (is_long && optopt)
		demo_error("option '--%.*s' does not take an argument" SEE_HELP, (int)len, arg + 2);
	else if (is_long)
		demo_error("unknown or ambiguous option '--%.*s'" SEE_HELP, (int)len, arg + 2);
	else if (c == ':')
		demo_error("option '-%c' requires an argument" SEE_HELP, optopt);
	else
		demo_error("unknown option '-%c'" SEE_HELP, optopt);
	return EXIT_USAGE;
}

/* 0, -1 after --help, or EXIT_USAGE (said why). */
static int parse_args(int argc, char **argv, struct demo *d, bool *keep_it)
{
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":b:m:kh", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (xdpchain_backend_parse(optarg, &d->backend)) {
				demo_error("invalid backend '%s' (expected auto, freplace or "
					   "tailcall)", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'm':
			if (xdpchain_mode_parse(optarg, &d->mode)) {
				demo_error("invalid mode '%s' (expected native, drv, skb, generic "
					   "or hw)", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'k':
			*keep_it = true;
			break;
		case 'h':
			usage();
			return -1;
		default:
			return bad_option(c, argv);
		}
	}
	if (optind < argc) {
		demo_error("unexpected argument '%s'" SEE_HELP, argv[optind]);
		return EXIT_USAGE;
	}
	if (d->mode != XDPCHAIN_MODE_NATIVE && d->mode != XDPCHAIN_MODE_SKB) {
		demo_error("--mode: the demo runs in native or skb mode");
		return EXIT_USAGE;
	}
	return 0;
}

/* Root, a bpffs, and what is going to run. */
static int prepare(const struct demo *d)
{
	bool mounted;
	int err;

	if (geteuid() != 0) {
		demo_error("the demo creates a network namespace and attaches XDP programs: "
			   "run it as root");
		return -1;
	}
	err = demo_bpffs_ensure(&mounted);
	if (err) {
		demo_error("cannot mount a BPF filesystem on /sys/fs/bpf: %s", strerror(-err));
		return -1;
	}
	if (mounted)
		printf("Mounted a BPF filesystem on /sys/fs/bpf (it was not mounted); it stays\n");
	printf(DEMO_NAME ": %s mode, backend %s", xdpchain_mode_str(d->mode),
	       xdpchain_backend_str(d->backend));
	if (d->backend == XDPCHAIN_BACKEND_AUTO)
		printf(" (%s on this kernel)", xdpchain_backend_str(xdpchain_probe_backend()));
	printf("\n");
	return 0;
}

/* The narrative is all on stdout: a write that failed fails the demo. */
static int finish(int ret)
{
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "Error: cannot write to stdout: %s\n", strerror(errno));
		return ret ? ret : EXIT_FAIL;
	}
	return ret;
}

int main(int argc, char **argv)
{
	bool keep_it = false;
	struct demo d;
	int ret, err;

	demo_log_init();
	demo_init(&d);
	ret = parse_args(argc, argv, &d, &keep_it);
	if (ret)
		return finish(ret < 0 ? EXIT_OK : ret);
	/* The story on stdout and errors on stderr stay in order when both
	 * go to one log file. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (prepare(&d))
		return finish(EXIT_FAIL);
	err = demo_catch_signals();
	if (err) {
		demo_error("cannot catch signals: %s", strerror(-err));
		return finish(EXIT_FAIL);
	}
	ret = demo_setup(&d) || demo_interrupted(&d) ? -1 : demo_run(&d);
	if (!ret && keep_it)
		ret = demo_keep(&d);
	else if (demo_teardown(&d, !ret))
		ret = -1;
	demo_restore_signals();
	if (ret)
		return finish(EXIT_FAIL);
	printf("\nDemo passed: every number is what the chain should produce.\n");
	return finish(EXIT_OK);
}
