// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* xdpchain status [IFACE] */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include <xdpchain/xdpchain.h>
#include "cli.h"
#include "format.h"
#include "json.h"
#include "bpffs.h"
#include "libxdp.h"
#include "opts.h"
#include "status_chain.h"

#define STATUS_USAGE "usage: xdpchain status [IFACE] [--libxdp-bpffs DIR]"

/* libxdp's dispatcher: its programs, read-only (xdpchain never changes
 * another manager's chain). */
static void show_libxdp(struct cli_ctx *ctx, const char *ifname, int ifindex,
			const struct libxdp_view *v)
{
	struct json_writer *w = ctx->jw;
	char cont[64];

	if (!ctx->json) {
		printf("%s (ifindex %d): libxdp dispatcher id %u (managed by libxdp, not by "
		       "xdpchain; shown read-only)\n", ifname, ifindex, v->dispatcher_id);
		if (v->layout)
			printf("  (layout version %u of libxdp's dispatcher, newer than this system's "
			       "libxdp reads: read by xdpchain, as adopt reads it)\n", v->layout);
		if (!v->progs_read)
			printf("  (libxdp cannot read its programs: they are pinned in bpffs, under "
			       "$LIBXDP_BPFFS/xdp (default /sys/fs/bpf/xdp), and need "
			       "CAP_SYS_ADMIN)\n");
		if (v->nr_progs)
			printf("  %-3s  %-8s  %-16s  %8s  %s\n", "POS", "ID", "NAME", "PRIORITY",
			       "CONTINUE-ON");
		for (unsigned int i = 0; i < v->nr_progs; i++) {
			fmt_verdicts(v->progs[i].actions, cont, sizeof(cont));
			printf("  %-3u  %-8u  %-16s  %8u  %s\n", i + 1, v->progs[i].id,
			       v->progs[i].name, v->progs[i].priority, cont);
		}
		return;
	}
	json_start_object(w);
	json_kv_string(w, "ifname", ifname);
	json_kv_int(w, "ifindex", ifindex);
	json_kv_string(w, "manager", "libxdp");
	json_kv_bool(w, "read_only", true);
	json_kv_uint(w, "dispatcher_id", v->dispatcher_id);
	json_key(w, "foreign");
	json_start_object(w);
	json_kv_uint(w, "id", v->dispatcher_id);
	json_kv_string(w, "name", LIBXDP_DISPATCHER_NAME);
	json_end_object(w);
	json_kv_bool(w, "xdp_frags", v->frags);
	json_kv_bool(w, "programs_complete", v->progs_read);
	/* Who read it: libxdp, or (a layout it refuses) xdpchain's reader. */
	json_kv_string(w, "read_by", v->layout ? "xdpchain" : "libxdp");
	if (v->layout)
		json_kv_uint(w, "layout_version", v->layout);
	json_key(w, "programs");
	json_start_array(w);
	for (unsigned int i = 0; i < v->nr_progs; i++) {
		json_start_object(w);
		json_kv_uint(w, "position", i + 1);
		json_kv_uint(w, "id", v->progs[i].id);
		json_kv_string(w, "name", v->progs[i].name);
		json_kv_int(w, "priority", (int)v->progs[i].priority);
		json_key(w, "continue_on");
		json_verdicts(w, v->progs[i].actions);
		json_kv_uint(w, "slot", v->progs[i].slot);
		json_end_object(w);
	}
	json_end_array(w);
	json_end_object(w);
}

/* An interface without a chain: a foreign program (id != 0) or nothing. */
static void show_other(struct cli_ctx *ctx, const char *ifname, int ifindex, __u32 id,
		       const char *name, const char *unreadable)
{
	struct json_writer *w = ctx->jw;

	if (!ctx->json) {
		if (id)
			printf("%s (ifindex %d): foreign XDP program id %u name %s (not managed by "
			       "xdpchain)\n", ifname, ifindex, id, *name ? name : "?");
		if (id && unreadable && *unreadable)
			printf("  (libxdp's dispatcher, unreadable: %s)\n", unreadable);
		else if (!id)
			printf("%s: no XDP program\n", ifname);
		return;
	}
	json_start_object(w);
	json_kv_string(w, "ifname", ifname);
	json_kv_int(w, "ifindex", ifindex);
	if (id) {
		json_key(w, "foreign");
		json_start_object(w);
		json_kv_uint(w, "id", id);
		json_kv_string(w, "name", name);
		json_end_object(w);
	}
	if (id && unreadable && *unreadable)
		json_kv_string(w, "unreadable", unreadable);
	json_key(w, "programs");
	json_start_array(w);
	json_end_array(w);
	json_end_object(w);
}

/* A chain of another on-bpffs protocol version (found, or unknown if it
 * cannot be read again): shown, never changed (only detach --all). */
static void show_version(struct cli_ctx *ctx, const char *ifname, int ifindex, int found)
{
	struct json_writer *w = ctx->jw;

	if (!ctx->json) {
		printf("%s (ifindex %d): xdpchain chain of protocol version ", ifname, ifindex);
		if (found > 0)
			printf("%d", found);
		else
			printf("?");
		printf(", which this xdpchain (protocol version %d) does not read or change; "
		       "'xdpchain detach %s --all' removes it\n", XDPCHAIN_PROTOCOL_VERSION, ifname);
		return;
	}
	json_start_object(w);
	json_kv_string(w, "ifname", ifname);
	json_kv_int(w, "ifindex", ifindex);
	json_key(w, "protocol_version");
	if (found > 0)
		json_uint(w, (unsigned int)found);
	else
		json_null_val(w);
	json_kv_int(w, "supported_protocol_version", XDPCHAIN_PROTOCOL_VERSION);
	json_kv_bool(w, "read_only", true);
	json_key(w, "programs");
	json_start_array(w);
	json_end_array(w);
	json_end_object(w);
}

/* One interface. Returns 1 if something was shown, 0 if it has no XDP
 * program and was not asked for by name, or -errno. */
static int show_iface(struct cli_ctx *ctx, const char *ifname, int ifindex, bool named)
{
	XDPCHAIN_OPTS(xdpchain_query_opts, qo, .bpffs_root = ctx->root);
	struct xdpchain_chain *c = xdpchain_chain__get(ifindex, &qo);
	char name[64] = "", why[300] = "";
	__u32 id = 0;
	int err;

	if (c) {
		if (ctx->json)
			status_chain_json(ctx->jw, ifname, ifindex, c);
		else
			status_chain_text(ifname, ifindex, c);
		xdpchain_chain__free(c);
		return 1;
	}
	if (errno == EPROTONOSUPPORT) {
		show_version(ctx, ifname, ifindex, xdpchain_chain_protocol(ifindex, &qo));
		return 1;
	}
	if (errno != ENOENT)
		return -errno;
	err = xdpchain_foreign_prog(ifindex, &id, name, sizeof(name));
	if (err)
		return err;
	if (!id && !named)
		return 0;
	if (id && !strcmp(name, LIBXDP_DISPATCHER_NAME)) {
		struct libxdp_view v;

		if (!libxdp_view_read(ifindex, id, &v, why, sizeof(why))) {
			show_libxdp(ctx, ifname, ifindex, &v);
			return 1;
		}
	}
	show_other(ctx, ifname, ifindex, id, name, why);
	return 1;
}

static int status_one(struct cli_ctx *ctx, const char *ifname)
{
	int ret, ifindex, err;

	ret = opt_ifindex(ctx, ifname, &ifindex);
	if (ret)
		return ret;
	/* A list even for one interface: one schema for scripts. */
	if (ctx->json)
		json_start_array(ctx->jw);
	err = show_iface(ctx, ifname, ifindex, true);
	if (err < 0) {
		cli_error(ctx, "%s: cannot read the XDP state: %s%s", ifname, strerror(-err),
			  cli_errno_hint(ctx, -err));
		return CLI_EXIT_FAIL;
	}
	if (ctx->json)
		json_end_array(ctx->jw);
	return CLI_EXIT_OK;
}

static int status_all(struct cli_ctx *ctx)
{
	XDPCHAIN_OPTS(xdpchain_gc_opts, gco, .bpffs_root = ctx->root, .vanished_only = true);
	struct if_nameindex *ifs, *p;
	int err, shown = 0, ret = CLI_EXIT_OK;

	/* Collect what interfaces that disappeared left behind (cheap, never
	 * waits; best effort: status reads nothing from that state). */
	xdpchain_gc(0, &gco);
	ifs = if_nameindex();
	if (!ifs) {
		cli_error(ctx, "cannot list the interfaces: %s", strerror(errno));
		return CLI_EXIT_FAIL;
	}
	if (ctx->json)
		json_start_array(ctx->jw);
	for (p = ifs; p->if_index; p++) {
		if (p->if_index > INT32_MAX)
			continue;
		err = show_iface(ctx, p->if_name, (int)p->if_index, false);
		/* Gone since if_nameindex(): not an error. */
		if (err == -ENODEV || err == -ENXIO)
			continue;
		if (err < 0) {
			cli_error(ctx, "%s: cannot read the XDP state: %s%s", p->if_name,
				  strerror(-err), cli_errno_hint(ctx, -err));
			ret = CLI_EXIT_FAIL;
			break;
		}
		shown += err;
	}
	if_freenameindex(ifs);
	if (ret)
		return ret;
	if (ctx->json)
		json_end_array(ctx->jw);
	else if (!shown)
		printf("no XDP program on any interface\n");
	return CLI_EXIT_OK;
}

int cmd_status(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "libxdp-bpffs", required_argument, NULL, 'L' },
		{},
	};
	int c, ret;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		/* libxdp's API reads its chains where $LIBXDP_BPFFS says. */
		if (c != 'L')
			return opt_bad_option(ctx, c, argv, longopts);
		ret = cli_set_libxdp_bpffs(ctx, optarg);
		if (ret)
			return ret;
	}
	if (argc - optind > 1) {
		cli_error(ctx, "unexpected argument '%s' (" STATUS_USAGE ")", argv[optind + 1]);
		return CLI_EXIT_USAGE;
	}
	if (argc - optind == 1)
		return status_one(ctx, argv[optind]);
	return status_all(ctx);
}
