// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* xdpchain status [IFACE] */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <net/if.h>
#include <xdpchain/xdpchain.h>
#include "cli.h"
#include "json.h"
#include "opts.h"

static void fmt_time(__u64 ns, char *buf, size_t len)
{
	time_t t = (time_t)(ns / 1000000000ull);
	struct tm tm;

	if (!localtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(buf, len, "?");
}

static void show_chain_text(const char *ifname, int ifindex, const struct xdpchain_chain *c)
{
	unsigned int n = xdpchain_chain__nr_progs(c);

	printf("%s (ifindex %d): dispatcher %u, mode %s, backend %s, revision %llu, frags %s\n",
	       ifname, ifindex, xdpchain_chain__dispatcher_id(c),
	       xdpchain_mode_str(xdpchain_chain__mode(c)),
	       xdpchain_backend_str(xdpchain_chain__backend(c)),
	       (unsigned long long)xdpchain_chain__revision(c),
	       xdpchain_chain__frags(c) ? "yes" : "no");
	printf("  %-3s %-6s %-24s %8s  %-22s %-12s %-8s %s\n", "POS", "ID", "NAME", "PRIORITY",
	       "CONTINUE-ON", "OWNER", "BACKEND", "ATTACHED");
	for (unsigned int i = 0; i < n; i++) {
		const struct xdpchain_entry *e = xdpchain_chain__entry(c, i);
		char verdicts[64], when[32];

		xdpchain_verdicts_format(xdpchain_entry__continue_on(e), verdicts, sizeof(verdicts));
		fmt_time(xdpchain_entry__attach_time(e), when, sizeof(when));
		printf("  %-3u %-6u %-24s %8d  %-22s %-12s %-8s %s\n", i + 1, xdpchain_entry__id(e),
		       xdpchain_entry__name(e), xdpchain_entry__priority(e), verdicts,
		       *xdpchain_entry__owner(e) ? xdpchain_entry__owner(e) : "-",
		       xdpchain_backend_str(xdpchain_entry__backend(e)), when);
	}
}

static void show_chain_json(struct json_writer *w, const char *ifname, int ifindex,
			    const struct xdpchain_chain *c)
{
	unsigned int n = xdpchain_chain__nr_progs(c);

	json_start_object(w);
	json_kv_string(w, "ifname", ifname);
	json_kv_int(w, "ifindex", ifindex);
	json_kv_string(w, "mode", xdpchain_mode_str(xdpchain_chain__mode(c)));
	json_kv_string(w, "backend", xdpchain_backend_str(xdpchain_chain__backend(c)));
	json_kv_uint(w, "dispatcher_id", xdpchain_chain__dispatcher_id(c));
	json_kv_uint(w, "revision", xdpchain_chain__revision(c));
	json_kv_bool(w, "frags", xdpchain_chain__frags(c));
	json_key(w, "programs");
	json_start_array(w);
	for (unsigned int i = 0; i < n; i++) {
		const struct xdpchain_entry *e = xdpchain_chain__entry(c, i);

		json_start_object(w);
		json_kv_uint(w, "position", i + 1);
		json_kv_uint(w, "id", xdpchain_entry__id(e));
		json_kv_string(w, "name", xdpchain_entry__name(e));
		json_kv_int(w, "priority", xdpchain_entry__priority(e));
		json_key(w, "continue_on");
		json_verdicts(w, xdpchain_entry__continue_on(e));
		json_kv_string(w, "owner", xdpchain_entry__owner(e));
		json_kv_string(w, "backend", xdpchain_backend_str(xdpchain_entry__backend(e)));
		json_kv_bool(w, "frags", xdpchain_entry__frags(e));
		json_kv_uint(w, "attach_time", xdpchain_entry__attach_time(e));
		json_kv_uint(w, "slot", xdpchain_entry__slot(e));
		json_end_object(w);
	}
	json_end_array(w);
	json_end_object(w);
}

/* One interface. Returns 1 if something was shown, 0 if there is no XDP
 * program (shown only when asked for that interface), -errno on error. */
static int show_iface(struct cli_ctx *ctx, const char *ifname, int ifindex, bool explicit)
{
	XDPCHAIN_OPTS(xdpchain_query_opts, qo, .bpffs_root = ctx->root);
	struct xdpchain_chain *c = xdpchain_chain__get(ifindex, &qo);
	char name[64];
	__u32 id = 0;
	int err;

	if (c) {
		if (ctx->json)
			show_chain_json(ctx->jw, ifname, ifindex, c);
		else
			show_chain_text(ifname, ifindex, c);
		xdpchain_chain__free(c);
		return 1;
	}
	if (errno != ENOENT)
		return -errno;
	err = xdpchain_foreign_prog(ifindex, &id, name, sizeof(name));
	if (err)
		return err;
	if (!id && !explicit)
		return 0;
	if (ctx->json) {
		json_start_object(ctx->jw);
		json_kv_string(ctx->jw, "ifname", ifname);
		json_kv_int(ctx->jw, "ifindex", ifindex);
		if (id) {
			json_key(ctx->jw, "foreign");
			json_start_object(ctx->jw);
			json_kv_uint(ctx->jw, "id", id);
			json_kv_string(ctx->jw, "name", name);
			json_end_object(ctx->jw);
		}
		json_key(ctx->jw, "programs");
		json_start_array(ctx->jw);
		json_end_array(ctx->jw);
		json_end_object(ctx->jw);
	} else if (id) {
		printf("%s (ifindex %d): foreign XDP program id %u name %s (not managed by "
		       "xdpchain)\n", ifname, ifindex, id, name);
	} else {
		printf("%s (ifindex %d): no XDP program\n", ifname, ifindex);
	}
	return 1;
}

int cmd_status(struct cli_ctx *ctx, int argc, char **argv)
{
	struct if_nameindex *ifs, *p;
	int ret, ifindex, err, shown = 0;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		cli_error(ctx, "expected at most one interface (see 'xdpchain help status')");
		return CLI_EXIT_USAGE;
	}
	if (argc == 2) {
		ret = opt_ifindex(ctx, argv[1], &ifindex);
		if (ret)
			return ret;
		/* A list even for one interface: one schema for scripts. */
		if (ctx->json)
			json_start_array(ctx->jw);
		err = show_iface(ctx, argv[1], ifindex, true);
		if (err < 0) {
			if (ctx->json) /* keep stdout one document */
				json_end_array(ctx->jw);
			cli_error(ctx, "%s: %s", argv[1], strerror(-err));
			return CLI_EXIT_FAIL;
		}
		if (ctx->json)
			json_end_array(ctx->jw);
		return CLI_EXIT_OK;
	}
	ifs = if_nameindex();
	if (!ifs) {
		cli_error(ctx, "cannot list interfaces: %s", strerror(errno));
		return CLI_EXIT_FAIL;
	}
	if (ctx->json)
		json_start_array(ctx->jw);
	for (p = ifs; p->if_index; p++) {
		err = show_iface(ctx, p->if_name, (int)p->if_index, false);
		if (err > 0)
			shown++;
		else if (err < 0)
			fprintf(stderr, "xdpchain: %s: %s\n", p->if_name, strerror(-err));
	}
	if (ctx->json)
		json_end_array(ctx->jw);
	else if (!shown)
		printf("no XDP programs on any interface\n");
	if_freenameindex(ifs);
	return CLI_EXIT_OK;
}
