// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* xdpchain attach's command line (attach.h). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include "attach.h"
#include "opts.h"

enum { OPT_REPLACE_FOREIGN = 256, OPT_EXPECT_REVISION, OPT_STATS, OPT_UNTIL_EXIT, OPT_OWNER_PID,
       OPT_PIN_MAPS, OPT_BEFORE, OPT_AFTER, OPT_OBSERVER };

static const struct option longopts[] = {
	{ "program", required_argument, NULL, 'p' },
	{ "priority", required_argument, NULL, 'P' },
	{ "continue-on", required_argument, NULL, 'c' },
	{ "owner", required_argument, NULL, 'o' },
	{ "mode", required_argument, NULL, 'm' },
	{ "backend", required_argument, NULL, 'b' },
	{ "replace-foreign", no_argument, NULL, OPT_REPLACE_FOREIGN },
	{ "expect-revision", required_argument, NULL, OPT_EXPECT_REVISION },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "until-exit", no_argument, NULL, OPT_UNTIL_EXIT },
	{ "owner-pid", required_argument, NULL, OPT_OWNER_PID },
	{ "pin-maps", required_argument, NULL, OPT_PIN_MAPS },
	{ "before", required_argument, NULL, OPT_BEFORE },
	{ "after", required_argument, NULL, OPT_AFTER },
	{ "observer", no_argument, NULL, OPT_OBSERVER },
	{},
};

static int add_iface(struct cli_ctx *ctx, const char *name, struct attach_args *a)
{
	int idx, ret;

	ret = opt_ifindex(ctx, name, &idx);
	if (ret)
		return ret;
	for (int i = 0; i < a->nr_ifaces; i++) {
		if (a->ifindexes[i] == idx) {
			cli_error(ctx, "interface '%s' given twice%s%s%s", name,
				  strcmp(name, a->ifnames[i]) ? " (as '" : "",
				  strcmp(name, a->ifnames[i]) ? a->ifnames[i] : "",
				  strcmp(name, a->ifnames[i]) ? "')" : "");
			return CLI_EXIT_USAGE;
		}
	}
	if (a->nr_ifaces == a->cap_ifaces) {
		int cap = a->cap_ifaces ? 2 * a->cap_ifaces : 8;
		const char **n = realloc(a->ifnames, (size_t)cap * sizeof(*n));
		int *x = n ? realloc(a->ifindexes, (size_t)cap * sizeof(*x)) : NULL;

		if (n)
			a->ifnames = n;
		if (!x) {
			cli_error(ctx, "out of memory");
			return CLI_EXIT_FAIL;
		}
		a->ifindexes = x;
		a->cap_ifaces = cap;
	}
	a->ifnames[a->nr_ifaces] = name;
	a->ifindexes[a->nr_ifaces++] = idx;
	return 0;
}

/* One IFACE argument, copied to copy: a comma-separated list. A name that
 * itself contains a comma (Linux allows it) is taken whole if such an
 * interface exists. */
static int parse_iface_arg(struct cli_ctx *ctx, const char *arg, char *copy,
			   struct attach_args *a)
{
	char *save = NULL, *tok;
	int ret;

	strcpy(copy, arg);
	if (!strchr(copy, ',') || if_nametoindex(copy))
		return add_iface(ctx, copy, a);
	if (copy[0] == ',' || copy[strlen(copy) - 1] == ',' || strstr(copy, ",,")) {
		cli_error(ctx, "empty interface name in '%s'", arg);
		return CLI_EXIT_USAGE;
	}
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		ret = add_iface(ctx, tok, a);
		if (ret)
			return ret;
	}
	return 0;
}

/* IFACE arguments: one or more, each a comma-separated list. Every name is
 * resolved before anything is attached, so a typo changes nothing. */
static int parse_ifaces(struct cli_ctx *ctx, char **args, int n, struct attach_args *a)
{
	size_t total = 0, off = 0;
	int ret;

	for (int i = 0; i < n; i++)
		total += strlen(args[i]) + 1;
	a->ifbuf = malloc(total);
	if (!a->ifbuf) {
		cli_error(ctx, "out of memory");
		return CLI_EXIT_FAIL;
	}
	for (int i = 0; i < n; i++) {
		ret = parse_iface_arg(ctx, args[i], a->ifbuf + off, a);
		if (ret)
			return ret;
		off += strlen(args[i]) + 1;
	}
	a->ifname = a->ifnames[0];
	a->ifindex = a->ifindexes[0];
	return 0;
}

static int parse_owner_pid(struct cli_ctx *ctx, const char *arg, struct attach_args *a)
{
	__u64 pid;
	int ret = opt_u64(ctx, "owner pid", arg, &pid);

	if (ret)
		return ret;
	if (pid == 0 || pid > 0x3fffffff) {
		cli_error(ctx, "owner pid '%s' is out of range", arg);
		return CLI_EXIT_USAGE;
	}
	a->ao.owner_pid = (pid_t)pid;
	return 0;
}

/* --before/--after NAME|ID: an id as is, a name for the library to
 * resolve on each interface's chain (under its lock). */
static int parse_anchor(struct cli_ctx *ctx, const char *arg, bool after, struct attach_args *a)
{
	__u32 id;
	int ret;

	if (a->anchor) {
		cli_error(ctx, "--before and --after: a program is placed relative to one "
			  "program, given once");
		return CLI_EXIT_USAGE;
	}
	if (!*arg) {
		cli_error(ctx, "--%s: empty program name", after ? "after" : "before");
		return CLI_EXIT_USAGE;
	}
	a->anchor = arg;
	a->anchor_after = after;
	if (!opt_all_digits(arg)) {
		*(after ? &a->ao.after_name : &a->ao.before_name) = arg;
		return 0;
	}
	ret = opt_prog_id(ctx, arg, &id);
	if (!ret)
		*(after ? &a->ao.after_id : &a->ao.before_id) = id;
	return ret;
}

/* One option c with its argument arg. */
static int parse_opt(struct cli_ctx *ctx, int c, const char *arg, struct attach_args *a)
{
	switch (c) {
	case 'p':
		a->oo.prog_name = arg;
		return 0;
	case 'P':
		a->has_prio = true;
		return opt_priority(ctx, arg, &a->prio);
	case 'c':
		a->has_cont = true;
		return opt_verdicts(ctx, arg, &a->cont);
	case 'o':
		a->owner = arg;
		return 0;
	case 'm':
		return opt_mode(ctx, arg, &a->ao.mode);
	case 'b':
		return opt_backend(ctx, arg, &a->ao.backend);
	case OPT_REPLACE_FOREIGN:
		a->ao.replace_foreign = true;
		return 0;
	case OPT_EXPECT_REVISION:
		a->ao.expect_revision_set = true;
		return opt_u64(ctx, "revision", arg, &a->ao.expected_revision);
	case OPT_UNTIL_EXIT:
		/* The caller of xdpchain: the shell or daemon that ran this
		 * command, which outlives it. */
		if (!a->ao.owner_pid)
			a->ao.owner_pid = getppid();
		return 0;
	case OPT_OWNER_PID:
		return parse_owner_pid(ctx, arg, a);
	case OPT_STATS:
		a->ao.stats = true;
		return 0;
	case OPT_OBSERVER:
		a->observer = true;
		return 0;
	case OPT_BEFORE:
	case OPT_AFTER:
		return parse_anchor(ctx, arg, c == OPT_AFTER, a);
	case OPT_PIN_MAPS:
		a->pin_maps = arg;
		if (*arg)
			return 0;
		cli_error(ctx, "--pin-maps: empty directory");
		return CLI_EXIT_USAGE;
	}
	return -1; /* not an option of attach */
}

int attach_parse_args(struct cli_ctx *ctx, int argc, char **argv, struct attach_args *a)
{
	int c, ret;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:P:c:o:m:b:", longopts, NULL)) != -1) {
		ret = parse_opt(ctx, c, optarg, a);
		if (ret < 0)
			return opt_bad_option(ctx, c, argv, longopts);
		if (ret)
			return ret;
	}
	/* Accepted, it would read as if the set mattered. */
	if (a->observer && a->has_cont) {
		cli_error(ctx, "--continue-on does not apply to an observer: its verdict is ignored "
			  "(it runs after the chain has decided); drop --continue-on");
		return CLI_EXIT_USAGE;
	}
	if (argc - optind < 2) {
		cli_error(ctx, "missing %s (usage: xdpchain attach IFACE[,IFACE...] FILE "
			  "[OPTIONS])", argc - optind ? "FILE" : "IFACE and FILE");
		return CLI_EXIT_USAGE;
	}
	a->file = argv[argc - 1];
	if (!*a->file) {
		cli_error(ctx, "empty FILE");
		return CLI_EXIT_USAGE;
	}
	return parse_ifaces(ctx, argv + optind, argc - optind - 1, a);
}
