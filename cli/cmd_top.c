// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* xdpchain top IFACE [-d|--delay SECS] [-n|--iterations N]: live verdict
 * rates of every program of a chain that counts, refreshed like top(1). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xdpchain/xdpchain.h>
#include "cli.h"
#include "cost.h"
#include "format.h"
#include "json.h"
#include "jsonl.h"
#include "opts.h"
#include "rate.h"

#define TOP_USAGE "usage: xdpchain top IFACE [-d|--delay SECS] [-n|--iterations N]"

/* What one reading of the chain's counters gives. */
struct sample {
	__u64 t_ns;          /* CLOCK_MONOTONIC */
	__u64 revision;
	bool stats;
	bool exhausted_known;
	__u64 exhausted;     /* xdpchain_chain__exhausted() */
	unsigned int n;
	bool observers;      /* some p[].observer */
	struct {
		__u32 id;
		char name[64];
		bool observer;
		struct xdpchain_prog_stats s;
	} p[XDPCHAIN_MAX_PROGS];
};

/* The rates of one program between two samples. */
enum { R_PACKETS, R_PASS, R_DROP, R_ABORTED, R_TX, R_REDIRECT, R_OTHER, R_BYTES, R_NR };
static const char *const rate_keys[R_NR] = {
	"packets", "pass", "drop", "aborted", "tx", "redirect", "other", "bytes",
};
static const char *const rate_heads[R_NR] = {
	"PKT/S", "PASS/S", "DROP/S", "ABORTED/S", "TX/S", "REDIRECT/S", "OTHER/S", "BYTES/S",
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static __u64 now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

static int take(struct cli_ctx *ctx, int ifindex, struct sample *s)
{
	XDPCHAIN_OPTS(xdpchain_query_opts, qo, .bpffs_root = ctx->root);
	struct xdpchain_chain *c = xdpchain_chain__get(ifindex, &qo);
	unsigned int i;

	if (!c)
		return -errno;
	s->t_ns = now_ns(CLOCK_MONOTONIC);
	s->revision = xdpchain_chain__revision(c);
	s->stats = xdpchain_chain__stats(c);
	s->exhausted_known = !xdpchain_chain__exhausted(c, &s->exhausted);
	s->n = 0;
	s->observers = false;
	for (i = 0; i < xdpchain_chain__nr_progs(c) && i < XDPCHAIN_MAX_PROGS; i++) {
		const struct xdpchain_entry *e = xdpchain_chain__entry(c, i);

		if (!e)
			break;
		s->p[i].id = xdpchain_entry__id(e);
		snprintf(s->p[i].name, sizeof(s->p[i].name), "%s", xdpchain_entry__name(e));
		s->p[i].observer = xdpchain_entry__observer(e);
		s->observers |= s->p[i].observer;
		memset(&s->p[i].s, 0, sizeof(s->p[i].s));
		s->p[i].s.sz = sizeof(s->p[i].s);
		if (s->stats && xdpchain_entry__stats(e, &s->p[i].s))
			s->stats = false; /* the library said why */
		s->n = i + 1;
	}
	xdpchain_chain__free(c);
	return 0;
}

/* Rates of program i of cur since prev (a program that joined since then
 * counted from zero). */
static void rates(const struct sample *prev, const struct sample *cur, unsigned int i,
		  double r[R_NR])
{
	static const struct xdpchain_prog_stats zero;
	const struct xdpchain_prog_stats *a = &zero, *b = &cur->p[i].s;
	__u64 dt = cur->t_ns - prev->t_ns;

	for (unsigned int j = 0; j < prev->n; j++)
		if (prev->p[j].id == cur->p[i].id)
			a = &prev->p[j].s;
	r[R_PACKETS] = rate_per_sec(a->packets, b->packets, dt);
	r[R_PASS] = rate_per_sec(a->pass, b->pass, dt);
	r[R_DROP] = rate_per_sec(a->drop, b->drop, dt);
	r[R_ABORTED] = rate_per_sec(a->aborted, b->aborted, dt);
	r[R_TX] = rate_per_sec(a->tx, b->tx, dt);
	r[R_REDIRECT] = rate_per_sec(a->redirect, b->redirect, dt);
	r[R_OTHER] = rate_per_sec(a->other, b->other, dt);
	r[R_BYTES] = rate_per_sec(a->bytes, b->bytes, dt);
}

/* Program i's counters of cur since prev, as rates() takes them. */
static struct xdpchain_prog_stats since(const struct sample *prev, const struct sample *cur,
					unsigned int i)
{
	struct xdpchain_prog_stats d = cur->p[i].s;

	for (unsigned int j = 0; j < prev->n; j++)
		/* Not if it went back (counters off and on): then all of it. */
		if (prev->p[j].id == cur->p[i].id && prev->p[j].s.packets <= d.packets &&
		    prev->p[j].s.timed <= d.timed) {
			d.packets -= prev->p[j].s.packets;
			d.timed -= prev->p[j].s.timed;
			d.time_ns = d.time_ns > prev->p[j].s.time_ns ? d.time_ns - prev->p[j].s.time_ns
								      : 0;
		}
	return d;
}

/* Program i's cost over the interval: its time per packet and its share of
 * the chain's time between the two samples. */
static struct prog_cost interval_cost(const struct sample *prev, const struct sample *cur,
				      unsigned int i)
{
	struct xdpchain_prog_stats d;
	__u64 chain_ns = 0;

	for (unsigned int j = 0; j < cur->n; j++)
		chain_ns += since(prev, cur, j).time_ns;
	d = since(prev, cur, i);
	return cost_of(&d, chain_ns);
}

static void frame_text(const char *ifname, const struct sample *prev, const struct sample *cur,
		       uint64_t delay, bool tty)
{
	char when[FMT_TIME_LEN];
	int w_name = 4;
	double r[R_NR];

	fmt_time(now_ns(CLOCK_REALTIME), when, sizeof(when));
	if (tty)
		fputs("\033[H\033[2J", stdout); /* home, clear */
	printf("%s: revision %llu, %u program%s, every %.3gs, %s%s\n", ifname,
	       (unsigned long long)cur->revision, cur->n, cur->n == 1 ? "" : "s",
	       (double)delay / 1e9, when, tty ? "  (Ctrl-C quits)" : "");
	/* Counted whether or not the counters are on: shown once it is not 0. */
	if (cur->exhausted_known && cur->exhausted)
		printf("  ABORTED, out of tail calls: %.1f/s (%llu in all): a tail-call program "
		       "was out of the kernel's budget\n",
		       prev->exhausted_known
			       ? rate_per_sec(prev->exhausted, cur->exhausted, cur->t_ns - prev->t_ns)
			       : 0.0,
		       (unsigned long long)cur->exhausted);
	if (!cur->stats) {
		printf("  (the counters are off: 'xdpchain stats %s on' switches them on)\n",
		       ifname);
		goto out;
	}
	for (unsigned int i = 0; i < cur->n; i++)
		if ((int)strlen(cur->p[i].name) > w_name)
			w_name = (int)strlen(cur->p[i].name);
	printf("  %-3s  %-10s  %-*s", "POS", "ID", w_name, "NAME");
	for (int j = 0; j < R_NR; j++)
		printf("  %12s", rate_heads[j]);
	printf("  %9s  %6s\n", "NS/PKT", "TIME%");
	for (unsigned int i = 0; i < cur->n; i++) {
		struct prog_cost cost = interval_cost(prev, cur, i);
		char ns[24], pct[16];

		rates(prev, cur, i, r);
		cost_fmt(&cost, ns, sizeof(ns), pct, sizeof(pct));
		printf("  %-3u  %-10u  %-*s", i + 1, cur->p[i].id, w_name, cur->p[i].name);
		for (int j = 0; j < R_NR; j++)
			printf("  %12.1f", r[j]);
		printf("  %9s  %6s\n", ns, pct);
	}
	if (cur->observers)
		printf("  %s\n", FMT_OBSERVER_NOTE);
out:
	if (!tty)
		putchar('\n');
	out_flush();
}

/* One refresh, one JSON line (jsonl.h), written at once. */
static void frame_json(const struct sample *prev, const struct sample *cur)
{
	struct json_writer *w = jsonl_start();
	double r[R_NR];

	json_start_object(w);
	json_kv_uint(w, "time", now_ns(CLOCK_REALTIME));
	json_kv_double(w, "interval", (double)(cur->t_ns - prev->t_ns) / 1e9);
	json_kv_uint(w, "revision", cur->revision);
	json_kv_bool(w, "stats", cur->stats);
	json_key(w, "exhausted");
	if (cur->exhausted_known)
		json_uint(w, cur->exhausted);
	else
		json_null_val(w);
	json_key(w, "programs");
	json_start_array(w);
	for (unsigned int i = 0; i < cur->n; i++) {
		json_start_object(w);
		json_kv_uint(w, "position", i + 1);
		json_kv_uint(w, "id", cur->p[i].id);
		json_kv_string(w, "name", cur->p[i].name);
		json_kv_bool(w, "observer", cur->p[i].observer);
		json_key(w, "rates");
		if (cur->stats) {
			rates(prev, cur, i, r);
			json_start_object(w);
			for (int j = 0; j < R_NR; j++)
				json_kv_double(w, rate_keys[j], r[j]);
			json_end_object(w);
		} else {
			json_null_val(w);
		}
		/* Over the interval; null when no packet of it was timed. */
		{
			struct prog_cost cost = interval_cost(prev, cur, i);

			cost.known = cost.known && cur->stats;
			cost_json(w, &cost);
		}
		json_end_object(w);
	}
	json_end_array(w);
	json_end_object(w);
	jsonl_end();
}

static int read_error(struct cli_ctx *ctx, const char *ifname, int err)
{
	if (err == ENOENT)
		cli_error(ctx, "%s: there is no xdpchain chain", ifname);
	else
		cli_error(ctx, "%s: cannot read the chain: %s%s", ifname, strerror(err),
			  cli_errno_hint(ctx, err));
	return CLI_EXIT_FAIL;
}

int cmd_top(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "delay", required_argument, NULL, 'd' },
		{ "iterations", required_argument, NULL, 'n' },
		{},
	};
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
	uint64_t delay = 1000000000ull;
	__u64 iters = 0, i;
	struct sample *prev, *cur, *tmp;
	const char *ifname;
	int c, ret, ifindex, err;
	bool tty;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":d:n:", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			err = parse_seconds(optarg, &delay);
			if (err) {
				cli_error(ctx, "invalid delay '%s': seconds, more than 0 and at most "
					  "%d, like 1 or 0.5", optarg, RATE_MAX_DELAY_S);
				return CLI_EXIT_USAGE;
			}
			break;
		case 'n':
			ret = opt_u64(ctx, "number of iterations", optarg, &iters);
			if (ret)
				return ret;
			if (!iters) {
				cli_error(ctx, "invalid number of iterations '0': at least 1");
				return CLI_EXIT_USAGE;
			}
			break;
		default:
			return opt_bad_option(ctx, c, argv, longopts);
		}
	}
	if (argc - optind != 1) {
		if (argc - optind > 1)
			cli_error(ctx, "unexpected argument '%s' (" TOP_USAGE ")", argv[optind + 1]);
		else
			cli_error(ctx, "missing IFACE (" TOP_USAGE ")");
		return CLI_EXIT_USAGE;
	}
	ifname = argv[optind];
	ret = opt_ifindex(ctx, ifname, &ifindex);
	if (ret)
		return ret;
	prev = calloc(1, sizeof(*prev));
	cur = calloc(1, sizeof(*cur));
	if (!prev || !cur) {
		free(prev);
		free(cur);
		cli_error(ctx, "out of memory");
		return CLI_EXIT_FAIL;
	}
	err = take(ctx, ifindex, prev);
	if (err) {
		ret = read_error(ctx, ifname, -err);
		goto out_free;
	}
	if (!prev->stats) {
		cli_error(ctx, "%s: the counters are off ('xdpchain stats %s on' switches them on)",
			  ifname, ifname);
		ret = CLI_EXIT_FAIL;
		goto out_free;
	}
	/* Ctrl-C ends the loop cleanly (exit 0, terminal restored); so does
	 * the reader of stdout going away. No SA_RESTART: the sleep is cut
	 * short. */
	stop = 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	tty = !ctx->json && isatty(STDOUT_FILENO);
	if (tty)
		fputs("\033[?25l", stdout); /* hide the cursor */
	jsonl_begin(ctx);
	ret = CLI_EXIT_OK;
	for (i = 0; !iters || i < iters; i++) {
		if (!out_wait(delay, &stop))
			break;
		err = take(ctx, ifindex, cur);
		if (err) {
			ret = read_error(ctx, ifname, -err);
			break;
		}
		if (ctx->json)
			frame_json(prev, cur);
		else
			frame_text(ifname, prev, cur, delay, tty);
		tmp = prev;
		prev = cur;
		cur = tmp;
	}
	if (tty)
		fputs("\033[?25h", stdout); /* show the cursor again */
	fflush(stdout);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
out_free:
	free(prev);
	free(cur);
	return ret;
}
