// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* xdpchain detach IFACE (ID|NAME|--all) [--expect-revision N] */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <xdpchain/xdpchain.h>
#include "api/internal.h" /* xc_chain_find_name() */
#include "cli.h"
#include "json.h"
#include "opts.h"
#include "pins.h"

enum { OPT_ALL = 256, OPT_EXPECT_REVISION, OPT_FORCE };

#define DETACH_USAGE "usage: xdpchain detach IFACE (ID|NAME|--all) [--expect-revision N] [--force]"

struct detach_args {
	const char *ifname;
	int ifindex;
	bool all;
	const char *target; /* ID or NAME as given */
	bool by_id;
	__u32 id;
	struct xdpchain_detach_opts dopts;
};

/* What the chain looked like before and after, for the report. */
struct detach_view {
	bool had_chain;       /* before: a chain existed (or unknown: true) */
	unsigned int before;  /* programs before */
	char name[64];        /* the target's name, if known */
	__u32 id;             /* the target's id, if known (0: not) */
	bool after_known;     /* after: the chain could be read (or is gone) */
	bool chain_left;      /* after: a chain still exists */
	unsigned int left;    /* programs after */
	__u64 revision;       /* after */
	/* The pins of the maps the leaving programs declared
	 * LIBBPF_PIN_BY_NAME (in the state root's map directory): a detach
	 * leaves them, shared by design, and says where they are. */
	struct pin_list pins;
};

static int parse_args(struct cli_ctx *ctx, int argc, char **argv, struct detach_args *a)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, OPT_ALL },
		{ "expect-revision", required_argument, NULL, OPT_EXPECT_REVISION },
		{ "force", no_argument, NULL, OPT_FORCE },
		{},
	};
	int c, ret, nargs;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_ALL:
			a->all = true;
			break;
		case OPT_FORCE:
			a->dopts.force = true;
			break;
		case OPT_EXPECT_REVISION:
			ret = opt_u64(ctx, "revision", optarg, &a->dopts.expected_revision);
			if (ret)
				return ret;
			a->dopts.expect_revision_set = true;
			break;
		default:
			return opt_bad_option(ctx, c, argv, longopts);
		}
	}
	nargs = argc - optind;
	if (nargs < 1 || (!a->all && nargs < 2)) {
		cli_error(ctx, "missing %s (" DETACH_USAGE ")",
			  nargs ? "ID, NAME or --all" : "IFACE and one of ID, NAME or --all");
		return CLI_EXIT_USAGE;
	}
	if (a->all && nargs > 1) {
		cli_error(ctx, "--all and a program ('%s') exclude each other (" DETACH_USAGE ")",
			  argv[optind + 1]);
		return CLI_EXIT_USAGE;
	}
	if (nargs > 2) {
		cli_error(ctx, "unexpected argument '%s' (" DETACH_USAGE ")", argv[optind + 2]);
		return CLI_EXIT_USAGE;
	}
	a->ifname = argv[optind];
	if (!a->all) {
		a->target = argv[optind + 1];
		if (!*a->target) {
			cli_error(ctx, "empty program name (" DETACH_USAGE ")");
			return CLI_EXIT_USAGE;
		}
		a->by_id = opt_all_digits(a->target);
		if (a->by_id && (ret = opt_prog_id(ctx, a->target, &a->id)))
			return ret;
	}
	return opt_ifindex(ctx, a->ifname, &a->ifindex);
}

/* Before detaching: how many programs, the target's id and name, and the
 * map pins the leaving programs use (a best effort for the report; the
 * library decides). */
static void look_before(struct cli_ctx *ctx, const struct detach_args *a, struct detach_view *v)
{
	XDPCHAIN_OPTS(xdpchain_query_opts, qo, .bpffs_root = ctx->root);
	struct xdpchain_chain *c = xdpchain_chain__get(a->ifindex, &qo);

	v->had_chain = c || errno != ENOENT;
	if (!c)
		return;
	v->before = xdpchain_chain__nr_progs(c);
	/* A name as the library resolves it (ambiguous: it will say so). */
	if (a->target && !a->by_id && !xc_chain_find_name(c, a->target, &v->id))
		snprintf(v->name, sizeof(v->name), "%s", a->target);
	for (unsigned int i = 0; i < v->before && a->by_id; i++) {
		const struct xdpchain_entry *e = xdpchain_chain__entry(c, i);

		if (e && xdpchain_entry__id(e) == a->id) {
			snprintf(v->name, sizeof(v->name), "%s", xdpchain_entry__name(e));
			v->id = a->id;
		}
	}
	xdpchain_chain__free(c);
	if (a->all || v->id)
		xdpchain_pinned_maps(a->ifindex, a->all ? 0 : v->id, pins_add_cb, &v->pins, &qo);
}

static int look_after(struct cli_ctx *ctx, const struct detach_args *a, struct detach_view *v)
{
	XDPCHAIN_OPTS(xdpchain_query_opts, qo, .bpffs_root = ctx->root);
	struct xdpchain_chain *c = xdpchain_chain__get(a->ifindex, &qo);

	if (!c && errno != ENOENT)
		return -errno;
	v->after_known = true;
	if (!c)
		return 0;
	v->chain_left = true;
	v->left = xdpchain_chain__nr_progs(c);
	v->revision = xdpchain_chain__revision(c);
	xdpchain_chain__free(c);
	return 0;
}

static void detach_error(struct cli_ctx *ctx, const struct detach_args *a,
			 const struct detach_view *v, int err)
{
	const char *what = a->all ? "the chain" : a->target;
	char hint[160];

	if (err == ENOENT && !v->had_chain)
		snprintf(hint, sizeof(hint), " (no xdpchain chain on %s)", a->ifname);
	else if (err == ENOENT && !a->all)
		snprintf(hint, sizeof(hint), " (no program %s%s in the chain: see 'xdpchain "
			 "status %s')", a->by_id ? "with id " : "named ", a->target, a->ifname);
	else if (err == EEXIST && !a->by_id && !a->all)
		snprintf(hint, sizeof(hint), " (several programs are named %s: detach by id)",
			 a->target);
	else if (err == ENOTEMPTY)
		snprintf(hint, sizeof(hint), " (other programs are placed relative to it, named "
			 "above: detach them first, or --force: they then keep their own "
			 "priorities)");
	else if (err == ESTALE)
		snprintf(hint, sizeof(hint), " (the chain's revision is not %llu)",
			 (unsigned long long)a->dopts.expected_revision);
	else
		snprintf(hint, sizeof(hint), "%s", cli_errno_hint(ctx, err));
	cli_error(ctx, "%s: cannot detach %s: %s%s", a->ifname, what, strerror(err), hint);
}

static void print_result(struct cli_ctx *ctx, const struct detach_args *a,
			 const struct detach_view *v)
{
	struct json_writer *w = ctx->jw;
	__u32 id = a->by_id ? a->id : v->id;
	char what[128];

	if (ctx->json) {
		json_start_object(w);
		json_kv_string(w, "ifname", a->ifname);
		json_kv_int(w, "ifindex", a->ifindex);
		json_kv_bool(w, "all", a->all);
		if (id)
			json_kv_uint(w, "id", id);
		else
			json_kv_null(w, "id");
		if (!a->all)
			json_kv_string(w, "name", v->name[0] ? v->name : a->by_id ? NULL : a->target);
		else
			json_kv_null(w, "name");
		if (v->after_known)
			json_kv_uint(w, "remaining", v->left);
		else
			json_kv_null(w, "remaining");
		if (v->chain_left)
			json_kv_uint(w, "revision", v->revision);
		else
			json_kv_null(w, "revision");
		pins_json(w, "pinned_maps", &v->pins);
		json_end_object(w);
		return;
	}
	if (a->all)
		snprintf(what, sizeof(what), "all programs (%u)", v->before);
	else if (v->name[0] && v->id)
		snprintf(what, sizeof(what), "%s (id %u)", v->name, v->id);
	else if (a->by_id)
		snprintf(what, sizeof(what), "program id %u", a->id);
	else
		snprintf(what, sizeof(what), "%s", a->target);
	if (!v->after_known)
		printf("detached %s from %s\n", what, a->ifname);
	else if (v->chain_left)
		printf("detached %s from %s; %u program%s left, revision %llu\n", what, a->ifname,
		       v->left, v->left == 1 ? "" : "s", (unsigned long long)v->revision);
	else
		printf("detached %s from %s; dispatcher and state removed\n", what, a->ifname);
	pins_print(&v->pins, "", "kept pinned map", PINS_KEPT_NOTE);
}

int cmd_detach(struct cli_ctx *ctx, int argc, char **argv)
{
	struct detach_view v;
	struct detach_args a;
	int ret, err;

	/* memset: the library checks that bytes it does not know are 0. */
	memset(&a, 0, sizeof(a));
	memset(&v, 0, sizeof(v));
	a.dopts.sz = sizeof(a.dopts);
	a.dopts.bpffs_root = ctx->root;
	ret = parse_args(ctx, argc, argv, &a);
	if (ret)
		return ret;
	look_before(ctx, &a, &v);
	if (a.all)
		err = xdpchain_detach_all(a.ifindex, &a.dopts);
	else if (a.by_id)
		err = xdpchain_detach_id(a.ifindex, a.id, &a.dopts);
	else
		err = xdpchain_detach_name(a.ifindex, a.target, &a.dopts);
	if (err) {
		detach_error(ctx, &a, &v, -err);
		pins_free(&v.pins);
		return CLI_EXIT_FAIL;
	}
	err = look_after(ctx, &a, &v);
	if (err)
		fprintf(stderr, "xdpchain: %s: detached, but cannot read the chain back: %s\n",
			a.ifname, strerror(-err));
	print_result(ctx, &a, &v);
	pins_free(&v.pins);
	return CLI_EXIT_OK;
}
