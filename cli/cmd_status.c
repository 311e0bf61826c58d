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
#include "cost.h"
#include "format.h"
#include "json.h"
#include "libxdp.h"
#include "opts.h"

#define STATUS_USAGE "usage: xdpchain status [IFACE]"

/* One table row as text. */
struct row {
	char pos[12], id[12], prio[96], cont[64], when[FMT_TIME_LEN];
	char owner[80]; /* label, and the owner process if bound */
	const char *name, *backend;
};

/* The name of program id in c ("?" if it is not there). */
static const char *name_of(const struct xdpchain_chain *c, __u32 id)
{
	for (unsigned int i = 0; i < xdpchain_chain__nr_progs(c); i++) {
		const struct xdpchain_entry *e = xdpchain_chain__entry(c, i);

		if (e && xdpchain_entry__id(e) == id)
			return xdpchain_entry__name(e);
	}
	return "?";
}

static void make_row(const struct xdpchain_chain *c, const struct xdpchain_entry *e,
		     unsigned int i, struct row *r)
{
	const char *owner = xdpchain_entry__owner(e), *name = xdpchain_entry__name(e);
	bool after;
	__u32 anchor = xdpchain_entry__anchor(e, &after);

	snprintf(r->pos, sizeof(r->pos), "%u", i + 1);
	snprintf(r->id, sizeof(r->id), "%u", xdpchain_entry__id(e));
	/* Placed relative to another program: that decides, not the number. */
	if (anchor)
		snprintf(r->prio, sizeof(r->prio), "%s %s", after ? "after" : "before",
			 name_of(c, anchor));
	else
		snprintf(r->prio, sizeof(r->prio), "%d", xdpchain_entry__priority(e));
	/* An observer's verdict is ignored: it has no continue-on set. */
	if (xdpchain_entry__observer(e))
		snprintf(r->cont, sizeof(r->cont), "(observer)");
	else
		fmt_verdicts(xdpchain_entry__continue_on(e), r->cont, sizeof(r->cont));
	fmt_time(xdpchain_entry__attach_time(e), r->when, sizeof(r->when));
	r->name = name && *name ? name : "-";
	if (xdpchain_entry__owner_pid(e)) {
		int alive = xdpchain_entry__owner_alive(e);

		/* Bound to a process (attach --until-exit): which, and
		 * whether it still runs (the next change removes it if not). */
		snprintf(r->owner, sizeof(r->owner), "%s(pid %u%s)", owner && *owner ? owner : "",
			 xdpchain_entry__owner_pid(e),
			 alive == 0 ? ", exited" : alive < 0 ? ", unknown" : "");
	} else {
		snprintf(r->owner, sizeof(r->owner), "%s", owner && *owner ? owner : "-");
	}
	r->backend = xdpchain_backend_str(xdpchain_entry__backend(e));
	/* In the chain, not running yet (libxdpchain(3), EINPROGRESS). */
	if (xdpchain_entry__pending(e))
		r->backend = xdpchain_entry__backend(e) == XDPCHAIN_BACKEND_FREPLACE
				     ? "freplace (pending)"
				     : "tailcall (pending)";
}

static int max_int(int a, size_t b)
{
	return b > (size_t)a ? (int)b : a;
}

/* The counters, a second table under the first. */
static void show_stats_text(const struct xdpchain_chain *c, unsigned int n, int w_pos,
			    int w_name, const struct row *rows)
{
	bool observers = false;
	__u64 chain_ns = cost_chain_ns(c);

	printf("  %-*s  %-*s  %12s  %12s  %12s  %12s  %12s  %12s  %12s  %14s  %9s  %6s\n", w_pos,
	       "POS", w_name, "NAME", "PACKETS", "PASS", "DROP", "ABORTED", "TX", "REDIRECT",
	       "OTHER", "BYTES", "NS/PKT", "TIME%");
	for (unsigned int i = 0; i < n; i++) {
		struct xdpchain_prog_stats s = { .sz = sizeof(s) };
		const struct xdpchain_entry *e = xdpchain_chain__entry(c, i);
		struct prog_cost cost;
		char ns[24], pct[16];

		if (!e)
			break;
		observers |= xdpchain_entry__observer(e);
		if (xdpchain_entry__stats(e, &s)) {
			printf("  %-*s  %-*s  (cannot read the counters: %s)\n", w_pos, rows[i].pos,
			       w_name, rows[i].name, strerror(errno));
			continue;
		}
		cost = cost_of(&s, chain_ns);
		cost_fmt(&cost, ns, sizeof(ns), pct, sizeof(pct));
		printf("  %-*s  %-*s  %12llu  %12llu  %12llu  %12llu  %12llu  %12llu  %12llu  "
		       "%14llu  %9s  %6s\n", w_pos, rows[i].pos, w_name, rows[i].name,
		       (unsigned long long)s.packets, (unsigned long long)s.pass,
		       (unsigned long long)s.drop, (unsigned long long)s.aborted,
		       (unsigned long long)s.tx, (unsigned long long)s.redirect,
		       (unsigned long long)s.other, (unsigned long long)s.bytes, ns, pct);
	}
	if (observers)
		printf("  %s\n", FMT_OBSERVER_NOTE);
}

static void show_chain_text(const char *ifname, int ifindex, const struct xdpchain_chain *c)
{
	unsigned int n = xdpchain_chain__nr_progs(c);
	int w_pos = 3, w_id = 2, w_name = 4, w_prio = 8, w_cont = 11, w_owner = 5, w_be = 7;
	struct row rows[XDPCHAIN_MAX_PROGS];
	XDPCHAIN_OPTS(xdpchain_layout, l);
	unsigned int pending = 0;
	__u64 exhausted;

	xdpchain_chain__layout(c, &l);
	printf("%s (ifindex %d): dispatcher %u, mode %s, backend %s, revision %llu, frags %s, "
	       "stats %s\n",
	       ifname, ifindex, xdpchain_chain__dispatcher_id(c),
	       xdpchain_mode_str(xdpchain_chain__mode(c)),
	       xdpchain_backend_str(xdpchain_chain__backend(c)),
	       (unsigned long long)xdpchain_chain__revision(c),
	       xdpchain_chain__frags(c) ? "yes" : "no", xdpchain_chain__stats(c) ? "on" : "off");
	if (l.vacant_slots)
		printf("  %u vacant slot%s (emptied in place; the next change compacts them)\n",
		       l.vacant_slots, l.vacant_slots == 1 ? "" : "s");
	if (!xdpchain_chain__exhausted(c, &exhausted) && exhausted)
		printf("  %llu packet%s ABORTED: a tail-call program was out of the kernel's "
		       "budget of tail calls per packet (README, \"Limits\")\n",
		       (unsigned long long)exhausted, exhausted == 1 ? "" : "s");
	if (n > XDPCHAIN_MAX_PROGS)
		n = XDPCHAIN_MAX_PROGS;
	if (!n) {
		printf("  (no programs)\n");
		return;
	}
	for (unsigned int i = 0; i < n; i++) {
		const struct xdpchain_entry *e = xdpchain_chain__entry(c, i);
		struct row *r = &rows[i];

		if (!e) {
			n = i;
			break;
		}
		make_row(c, e, i, r);
		w_pos = max_int(w_pos, strlen(r->pos));
		w_id = max_int(w_id, strlen(r->id));
		w_name = max_int(w_name, strlen(r->name));
		w_prio = max_int(w_prio, strlen(r->prio));
		w_cont = max_int(w_cont, strlen(r->cont));
		w_owner = max_int(w_owner, strlen(r->owner));
		w_be = max_int(w_be, strlen(r->backend));
		pending += xdpchain_entry__pending(e);
	}
	if (pending)
		printf("  %u program%s pending: in the chain, not running yet: another process "
		       "holds open the link that runs the first program in place of the "
		       "dispatcher\n", pending, pending == 1 ? "" : "s");
	printf("  %-*s  %-*s  %-*s  %*s  %-*s  %-*s  %-*s  %s\n", w_pos, "POS", w_id, "ID", w_name,
	       "NAME", w_prio, "PRIORITY", w_cont, "CONTINUE-ON", w_owner, "OWNER", w_be,
	       "BACKEND", "ATTACHED");
	for (unsigned int i = 0; i < n; i++) {
		const struct row *r = &rows[i];

		printf("  %-*s  %-*s  %-*s  %*s  %-*s  %-*s  %-*s  %s\n", w_pos, r->pos, w_id, r->id,
		       w_name, r->name, w_prio, r->prio, w_cont, r->cont, w_owner, r->owner, w_be,
		       r->backend, r->when);
	}
	if (xdpchain_chain__stats(c))
		show_stats_text(c, n, w_pos, w_name, rows);
}

/* {"packets": N, "pass": N, ...}, or null when the chain does not count
 * (or the counters cannot be read: the library said why on stderr).
 * chain_ns: the chain's time (cost_chain_ns()), for the program's share. */
static void json_prog_stats(struct json_writer *w, const struct xdpchain_entry *e,
			    __u64 chain_ns)
{
	struct xdpchain_prog_stats s = { .sz = sizeof(s) };
	struct prog_cost cost;

	if (xdpchain_entry__stats(e, &s)) {
		json_null_val(w);
		return;
	}
	json_start_object(w);
	json_kv_uint(w, "packets", s.packets);
	json_kv_uint(w, "aborted", s.aborted);
	json_kv_uint(w, "drop", s.drop);
	json_kv_uint(w, "pass", s.pass);
	json_kv_uint(w, "tx", s.tx);
	json_kv_uint(w, "redirect", s.redirect);
	json_kv_uint(w, "other", s.other);
	json_kv_uint(w, "bytes", s.bytes);
	/* Run time (estimated over every packet from the timed ones), and
	 * what it means per packet and in the chain: null until a packet
	 * was timed. */
	json_kv_uint(w, "time_ns", s.time_ns);
	json_kv_uint(w, "timed", s.timed);
	cost = cost_of(&s, chain_ns);
	if (cost.known) {
		json_kv_double(w, "ns_per_packet", cost.ns_per_pkt);
		json_kv_double(w, "time_share", cost.share);
	} else {
		json_kv_null(w, "ns_per_packet");
		json_kv_null(w, "time_share");
	}
	json_end_object(w);
}

static void show_chain_json(struct json_writer *w, const char *ifname, int ifindex,
			    const struct xdpchain_chain *c)
{
	__u64 exhausted, chain_ns = cost_chain_ns(c);
	unsigned int n = xdpchain_chain__nr_progs(c);
	XDPCHAIN_OPTS(xdpchain_layout, l);

	xdpchain_chain__layout(c, &l);

	json_start_object(w);
	json_kv_string(w, "ifname", ifname);
	json_kv_int(w, "ifindex", ifindex);
	json_kv_string(w, "mode", xdpchain_mode_str(xdpchain_chain__mode(c)));
	json_kv_string(w, "backend", xdpchain_backend_str(xdpchain_chain__backend(c)));
	json_kv_uint(w, "dispatcher_id", xdpchain_chain__dispatcher_id(c));
	json_kv_uint(w, "revision", xdpchain_chain__revision(c));
	json_kv_uint(w, "dispatcher_revision", l.dispatcher_revision);
	json_kv_uint(w, "vacant_slots", l.vacant_slots);
	json_kv_uint(w, "appended_slots", l.appended_slots);
	json_kv_uint(w, "spare_slots", l.spare_slots);
	json_kv_bool(w, "frags", xdpchain_chain__frags(c));
	json_kv_bool(w, "stats", xdpchain_chain__stats(c));
	json_key(w, "exhausted");
	if (!xdpchain_chain__exhausted(c, &exhausted))
		json_uint(w, exhausted);
	else
		json_null_val(w);
	json_key(w, "programs");
	json_start_array(w);
	for (unsigned int i = 0; i < n; i++) {
		const struct xdpchain_entry *e = xdpchain_chain__entry(c, i);

		if (!e)
			break;
		json_start_object(w);
		json_kv_uint(w, "position", i + 1);
		json_kv_uint(w, "id", xdpchain_entry__id(e));
		json_kv_string(w, "name", xdpchain_entry__name(e));
		json_kv_int(w, "priority", xdpchain_entry__priority(e));
		json_key(w, "continue_on");
		json_verdicts(w, xdpchain_entry__continue_on(e));
		json_kv_string(w, "owner", xdpchain_entry__owner(e));
		/* Relative placement (attach --before/--after), or null. */
		{
			bool after;
			__u32 anchor = xdpchain_entry__anchor(e, &after);

			json_key(w, "placed");
			if (anchor) {
				json_start_object(w);
				json_kv_string(w, "where", after ? "after" : "before");
				json_kv_uint(w, "id", anchor);
				json_kv_string(w, "name", name_of(c, anchor));
				json_end_object(w);
			} else {
				json_null_val(w);
			}
		}
		/* Owner-bound (attach --until-exit): the process, and whether it
		 * runs (null: this process cannot tell, e.g. another pid
		 * namespace). */
		if (xdpchain_entry__owner_pid(e)) {
			int alive = xdpchain_entry__owner_alive(e);

			json_kv_uint(w, "owner_pid", xdpchain_entry__owner_pid(e));
			if (alive < 0)
				json_kv_null(w, "owner_alive");
			else
				json_kv_bool(w, "owner_alive", alive);
		} else {
			json_kv_null(w, "owner_pid");
			json_kv_null(w, "owner_alive");
		}
		json_kv_string(w, "backend", xdpchain_backend_str(xdpchain_entry__backend(e)));
		json_kv_bool(w, "frags", xdpchain_entry__frags(e));
		json_kv_bool(w, "observer", xdpchain_entry__observer(e));
		json_kv_bool(w, "pending", xdpchain_entry__pending(e));
		json_kv_uint(w, "attach_time", xdpchain_entry__attach_time(e));
		json_kv_uint(w, "slot", xdpchain_entry__slot(e));
		json_key(w, "stats");
		json_prog_stats(w, e, chain_ns);
		json_end_object(w);
	}
	json_end_array(w);
	json_end_object(w);
}

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
		       const char *name)
{
	struct json_writer *w = ctx->jw;

	if (!ctx->json) {
		if (id)
			printf("%s (ifindex %d): foreign XDP program id %u name %s (not managed by "
			       "xdpchain)\n", ifname, ifindex, id, *name ? name : "?");
		else
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
	char name[64] = "";
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

		if (!libxdp_view_read(ifindex, id, &v)) {
			show_libxdp(ctx, ifname, ifindex, &v);
			return 1;
		}
	}
	show_other(ctx, ifname, ifindex, id, name);
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
	static const struct option longopts[] = { {} };
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1)
		return opt_bad_option(ctx, c, argv, longopts);
	if (argc - optind > 1) {
		cli_error(ctx, "unexpected argument '%s' (" STATUS_USAGE ")", argv[optind + 1]);
		return CLI_EXIT_USAGE;
	}
	if (argc - optind == 1)
		return status_one(ctx, argv[optind]);
	return status_all(ctx);
}
