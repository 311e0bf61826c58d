// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* xdpchain status: one xdpchain chain, as a table or as a JSON object
 * (status_chain.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <xdpchain/xdpchain.h>
#include "api/internal.h" /* the dispatcher's layout */
#include "cost.h"
#include "format.h"
#include "json.h"
#include "status_chain.h"

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

void status_chain_text(const char *ifname, int ifindex, const struct xdpchain_chain *c)
{
	unsigned int n = xdpchain_chain__nr_progs(c);
	int w_pos = 3, w_id = 2, w_name = 4, w_prio = 8, w_cont = 11, w_owner = 5, w_be = 7;
	struct row rows[XDPCHAIN_MAX_PROGS];
	struct xc_layout l;
	unsigned int pending = 0;
	__u64 exhausted;

	xc_chain_layout(c, &l);
	printf("%s (ifindex %d): dispatcher %u, mode %s, backend %s, revision %llu, frags %s, "
	       "stats %s\n",
	       ifname, ifindex, xdpchain_chain__dispatcher_id(c),
	       xdpchain_mode_str(xdpchain_chain__mode(c)),
	       xdpchain_backend_str(xdpchain_chain__backend(c)),
	       (unsigned long long)xdpchain_chain__revision(c),
	       xdpchain_chain__frags(c) ? "yes" : "no", xdpchain_chain__stats(c) ? "on" : "off");
	if (l.netlink)
		printf("  attached through netlink (adopted; no bpf_link)\n");
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
	cost_json(w, &cost);
	json_end_object(w);
}

/* One program of c, entry e at position pos, as an object. */
static void prog_json(struct json_writer *w, const struct xdpchain_chain *c,
		      const struct xdpchain_entry *e, unsigned int pos)
{
	bool after;
	__u32 anchor = xdpchain_entry__anchor(e, &after);
	int alive = xdpchain_entry__owner_alive(e);

	json_start_object(w);
	json_kv_uint(w, "position", pos);
	json_kv_uint(w, "id", xdpchain_entry__id(e));
	json_kv_string(w, "name", xdpchain_entry__name(e));
	json_kv_int(w, "priority", xdpchain_entry__priority(e));
	json_key(w, "continue_on");
	json_verdicts(w, xdpchain_entry__continue_on(e));
	json_kv_string(w, "owner", xdpchain_entry__owner(e));
	/* Relative placement (attach --before/--after), or null. */
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
	/* Owner-bound (attach --until-exit): the process, and whether it runs
	 * (null: this process cannot tell, e.g. another pid namespace). */
	if (xdpchain_entry__owner_pid(e))
		json_kv_uint(w, "owner_pid", xdpchain_entry__owner_pid(e));
	else
		json_kv_null(w, "owner_pid");
	if (xdpchain_entry__owner_pid(e) && alive >= 0)
		json_kv_bool(w, "owner_alive", alive);
	else
		json_kv_null(w, "owner_alive");
	json_kv_string(w, "backend", xdpchain_backend_str(xdpchain_entry__backend(e)));
	json_kv_bool(w, "frags", xdpchain_entry__frags(e));
	json_kv_bool(w, "observer", xdpchain_entry__observer(e));
	json_kv_bool(w, "pending", xdpchain_entry__pending(e));
	json_kv_uint(w, "attach_time", xdpchain_entry__attach_time(e));
	json_kv_uint(w, "slot", xc_entry_slot(e));
	json_key(w, "stats");
	json_prog_stats(w, e, cost_chain_ns(c));
	json_end_object(w);
}

void status_chain_json(struct json_writer *w, const char *ifname, int ifindex,
		       const struct xdpchain_chain *c)
{
	__u64 exhausted;
	unsigned int n = xdpchain_chain__nr_progs(c);
	struct xc_layout l;

	xc_chain_layout(c, &l);
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
	json_kv_string(w, "attachment", l.netlink ? "netlink" : "link");
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
		prog_json(w, c, e, i + 1);
	}
	json_end_array(w);
	json_end_object(w);
}
