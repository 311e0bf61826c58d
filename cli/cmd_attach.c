// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* xdpchain attach IFACE[,IFACE...] FILE [options]: one program, added to
 * the chain of each interface (each its own transaction), all or nothing.
 * Its arguments, program and messages are in attach_*.c (attach.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xdpchain/xdpchain.h>
#include "attach.h"
#include "format.h"
#include "json.h"

/* After a failure on interface "failed": take the program back off the
 * interfaces done before (by its kernel id, so only what this command
 * attached), and say where that worked and where it did not. */
static void roll_back(struct cli_ctx *ctx, struct attach_args *a, int failed,
		      struct xdpchain_prog **progs)
{
	XDPCHAIN_OPTS(xdpchain_detach_opts, dopts, .bpffs_root = ctx->root);
	char undone[512] = "", kept[512] = "";
	size_t nu = 0, nk = 0;

	for (int i = failed - 1; i >= 0; i--) {
		int err = xdpchain_detach_id(a->ifindexes[i], xdpchain_prog__id(progs[i]), &dopts);

		if (!err)
			fmt_append(undone, sizeof(undone), &nu, "%s%s", nu ? ", " : "",
				   a->ifnames[i]);
		else
			fmt_append(kept, sizeof(kept), &nk, "%s%s (%s)", nk ? ", " : "",
				   a->ifnames[i], strerror(-err));
	}
	if (!failed)
		return;
	if (!kept[0])
		attach_report_more(ctx, "rolled back: detached it again from %s, whose chains run "
				   "what they ran before (at new revisions)", undone);
	else
		attach_report_more(ctx, "rollback failed: the program stays attached on %s%s%s",
				   kept, undone[0] ? "; detached again from " : "", undone);
}

/* What the arguments cannot ask for together. */
static int check_args(struct cli_ctx *ctx, const struct attach_args *a)
{
	if (a->ao.mode == XDPCHAIN_MODE_HW) {
		cli_error(ctx, "%s: hardware offload is not supported by xdpchain (a dispatcher "
			  "that calls other programs cannot be offloaded); use native or skb",
			  a->ifname);
		return CLI_EXIT_FAIL;
	}
	if (attach_is_loaded_spec(a->file) && (a->oo.prog_name || a->pin_maps)) {
		cli_error(ctx, "%s applies to an ELF file, not to %s",
			  a->oo.prog_name ? "--program" : "--pin-maps", a->file);
		return CLI_EXIT_USAGE;
	}
	if (a->pin_maps && a->nr_ifaces > 1) {
		/* Each interface runs its own instance, with its own maps. */
		cli_error(ctx, "--pin-maps takes one interface (each interface gets its own "
			  "instance of the program and its own maps)");
		return CLI_EXIT_USAGE;
	}
	return 0;
}

/* Several interfaces: a foreign program refuses the attach; find it on
 * any interface before changing one, so that nothing needs rolling back.
 * The chain is read only where an XDP program runs. */
static int check_foreign(struct cli_ctx *ctx, const struct attach_args *a)
{
	XDPCHAIN_OPTS(xdpchain_query_opts, qo, .bpffs_root = ctx->root);

	for (int i = 0; a->nr_ifaces > 1 && !a->ao.replace_foreign && i < a->nr_ifaces; i++) {
		struct xdpchain_chain *c;
		char name[64] = "";
		__u32 id = 0;

		if (xdpchain_foreign_prog(a->ifindexes[i], &id, name, sizeof(name)) || !id)
			continue;
		c = xdpchain_chain__get(a->ifindexes[i], &qo);
		xdpchain_chain__free(c);
		if (c)
			continue;
		cli_error(ctx, "%s already runs XDP program id %u name '%s', not attached by "
			  "xdpchain; nothing attached anywhere (--replace-foreign replaces it)",
			  a->ifnames[i], id, name);
		return CLI_EXIT_FAIL;
	}
	return 0;
}

/* One transaction per interface, in the order given; returns 0 or the
 * exit code, *done the interfaces where it joined, *pending how many of
 * them do not run it yet. */
static int attach_each(struct cli_ctx *ctx, struct attach_args *a, struct xdpchain_prog **progs,
		       int *done, unsigned int *pending)
{
	int ret = 0, err, i;

	for (i = 0; i < a->nr_ifaces; i++) {
		a->ifname = a->ifnames[i];
		a->ifindex = a->ifindexes[i];
		progs[i] = attach_open_prog(ctx, a, &ret);
		if (!progs[i])
			break;
		err = xdpchain_attach(progs[i], a->ifindex, &a->ao);
		/* Joined, not running yet (the library said why): the attach
		 * stands, the exit status says so. */
		if (err == -EINPROGRESS) {
			(*pending)++;
			err = 0;
		}
		if (err) {
			attach_error(ctx, a, progs[i], -err);
			ret = CLI_EXIT_FAIL;
			break;
		}
		if (a->pin_maps && (ret = attach_pin_maps(ctx, a, progs[i]))) {
			i++; /* attached: rolled back with the others */
			break;
		}
	}
	*done = i;
	return ret;
}

static int run(struct cli_ctx *ctx, struct attach_args *a, struct xdpchain_prog **progs)
{
	unsigned int pending = 0;
	int ret, done;

	ret = check_args(ctx, a);
	if (!ret && a->pin_maps && !(ret = attach_make_pin_dir(ctx, a)))
		a->oo.pin_root_path = a->pin_maps;
	if (!ret)
		ret = check_foreign(ctx, a);
	if (ret)
		return ret;
	ret = attach_each(ctx, a, progs, &done, &pending);
	if (ret) {
		/* All or nothing: the exit status 1 means nothing changed. */
		roll_back(ctx, a, done, progs);
		if (a->made_dir)
			rmdir(a->pin_maps); /* if empty: nothing was pinned there */
		return ret;
	}
	/* JSON: one shape whatever the number of interfaces, an array of
	 * one object per interface. */
	if (ctx->json)
		json_start_array(ctx->jw);
	for (int i = 0; i < a->nr_ifaces; i++) {
		a->ifname = a->ifnames[i];
		a->ifindex = a->ifindexes[i];
		attach_print_result(ctx, a, progs[i]);
	}
	if (ctx->json)
		json_end_array(ctx->jw);
	if (!pending)
		return 0;
	fprintf(stderr, "xdpchain: attached, but %u program%s not run yet (exit status %d; "
		"'xdpchain status' shows when it does)\n", pending, pending == 1 ? " does" : "s do",
		CLI_EXIT_PENDING);
	return CLI_EXIT_PENDING;
}

int cmd_attach(struct cli_ctx *ctx, int argc, char **argv)
{
	struct xdpchain_prog **progs = NULL;
	struct attach_args a;
	int ret, i;

	/* memset: the library checks that bytes it does not know are 0. */
	memset(&a, 0, sizeof(a));
	a.oo.sz = sizeof(a.oo);
	a.ao.sz = sizeof(a.ao);
	a.ao.bpffs_root = ctx->root;
	ret = attach_parse_args(ctx, argc, argv, &a);
	if (!ret && !(progs = calloc((size_t)a.nr_ifaces, sizeof(*progs)))) {
		cli_error(ctx, "out of memory");
		ret = CLI_EXIT_FAIL;
	}
	if (!ret)
		ret = run(ctx, &a, progs);
	for (i = 0; progs && i < a.nr_ifaces; i++)
		xdpchain_prog__close(progs[i]);
	free(progs);
	for (i = 0; i < a.npinned; i++)
		free(a.pinned[i]);
	free(a.pinned);
	free(a.ifbuf);
	free(a.ifnames);
	free(a.ifindexes);
	return ret;
}
