// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * xdpchain metrics [IFACE...] [--http]: the chains' figures for Prometheus,
 * in the OpenMetrics text format (docs/metrics.md). One-shot: a scrape runs
 * the command once, through systemd's socket activation
 * (systemd/xdpchain-metrics.socket, Accept=yes: one process per
 * connection, its socket as stdin and stdout), which is why --http reads
 * the request and writes a whole HTTP/1.0 response; no daemon to keep.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <xdpchain/xdpchain.h>
#include "cli.h"
#include "opts.h"

#define METRICS_USAGE "usage: xdpchain metrics [IFACE...] [--http]"
#define METRICS_CONTENT_TYPE "application/openmetrics-text; version=1.0.0; charset=utf-8"
/* What --http reads of the request before it answers: the request line
 * and headers of a scraper fit; a client that sends nothing for this long
 * gets the answer anyway. */
#define HTTP_REQUEST_MAX 16384
#define HTTP_REQUEST_WAIT_MS 2000

struct mchain {
	char ifname[IF_NAMESIZE];
	struct xdpchain_chain *c;
};

struct mset {
	struct mchain *v;
	unsigned int n, cap;
};

static void mset_free(struct mset *s)
{
	for (unsigned int i = 0; i < s->n; i++)
		xdpchain_chain__free(s->v[i].c);
	free(s->v);
}

/* Reads ifindex's chain into s. 0 also when it has none (or one of another
 * protocol version, which has nothing to show), else -errno. */
static int mset_add(struct cli_ctx *ctx, struct mset *s, const char *ifname, int ifindex)
{
	XDPCHAIN_OPTS(xdpchain_query_opts, qo, .bpffs_root = ctx->root);
	struct xdpchain_chain *c;

	c = xdpchain_chain__get(ifindex, &qo);
	if (!c)
		return errno == ENOENT || errno == EPROTONOSUPPORT ? 0 : -errno;
	if (s->n == s->cap) {
		unsigned int cap = s->cap ? s->cap * 2 : 16;
		struct mchain *v = realloc(s->v, cap * sizeof(*v));

		if (!v) {
			xdpchain_chain__free(c);
			return -ENOMEM;
		}
		s->v = v;
		s->cap = cap;
	}
	snprintf(s->v[s->n].ifname, sizeof(s->v[s->n].ifname), "%s", ifname);
	s->v[s->n++].c = c;
	return 0;
}

static int collect_all(struct cli_ctx *ctx, struct mset *s)
{
	struct if_nameindex *ifs, *p;
	int err = 0;

	ifs = if_nameindex();
	if (!ifs) {
		cli_error(ctx, "cannot list the interfaces: %s", strerror(errno));
		return CLI_EXIT_FAIL;
	}
	for (p = ifs; p->if_index && !err; p++) {
		if (p->if_index > INT32_MAX)
			continue;
		err = mset_add(ctx, s, p->if_name, (int)p->if_index);
		/* Gone since if_nameindex(): not an error. */
		if (err == -ENODEV || err == -ENXIO)
			err = 0;
		if (err)
			cli_error(ctx, "%s: cannot read the chain: %s%s", p->if_name,
				  strerror(-err), cli_errno_hint(ctx, -err));
	}
	if_freenameindex(ifs);
	return err ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

static int collect_named(struct cli_ctx *ctx, struct mset *s, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		int ifindex, err, ret = opt_ifindex(ctx, argv[i], &ifindex);

		if (ret)
			return ret;
		err = mset_add(ctx, s, argv[i], ifindex);
		if (err) {
			cli_error(ctx, "%s: cannot read the chain: %s%s", argv[i], strerror(-err),
				  cli_errno_hint(ctx, -err));
			return CLI_EXIT_FAIL;
		}
	}
	return CLI_EXIT_OK;
}

/* A label value: backslash, double quote and newline escaped. */
static void put_label(FILE *f, const char *key, const char *v, bool first)
{
	fprintf(f, "%s%s=\"", first ? "" : ",", key);
	for (; v && *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
	fputc('"', f);
}

/* name{interface="..."} value, for every chain (a gauge, or a counter
 * that is the chain's own). */
static void chain_gauges(FILE *f, const struct mset *s, const char *name,
			 __u64 (*value)(const struct xdpchain_chain *c))
{
	for (unsigned int i = 0; i < s->n; i++) {
		fprintf(f, "%s{", name);
		put_label(f, "interface", s->v[i].ifname, true);
		fprintf(f, "} %llu\n", (unsigned long long)value(s->v[i].c));
	}
}

static __u64 chain_revision(const struct xdpchain_chain *c)
{
	return xdpchain_chain__revision(c);
}

static __u64 chain_programs(const struct xdpchain_chain *c)
{
	return xdpchain_chain__nr_progs(c);
}

static __u64 chain_counting(const struct xdpchain_chain *c)
{
	return xdpchain_chain__stats(c);
}

static __u64 chain_exhausted(const struct xdpchain_chain *c)
{
	__u64 n = 0;

	return xdpchain_chain__exhausted(c, &n) ? 0 : n;
}

/* The labels that name a program: interface, program, id, owner. */
static void prog_labels(FILE *f, const char *ifname, const struct xdpchain_entry *e)
{
	char id[16];

	snprintf(id, sizeof(id), "%u", xdpchain_entry__id(e));
	put_label(f, "interface", ifname, true);
	put_label(f, "program", xdpchain_entry__name(e), false);
	put_label(f, "id", id, false);
	put_label(f, "owner", xdpchain_entry__owner(e), false);
}

enum prog_family { F_PACKETS, F_BYTES, F_SECONDS, F_TIMED };

/* One family's samples for every program of every chain that counts. */
static void prog_samples(FILE *f, const struct mset *s, const char *name, enum prog_family fam)
{
	static const char *const verdicts[] = { "aborted", "drop", "pass", "tx", "redirect",
						"other" };

	for (unsigned int i = 0; i < s->n; i++) {
		const struct xdpchain_chain *c = s->v[i].c;

		for (unsigned int j = 0; j < xdpchain_chain__nr_progs(c); j++) {
			const struct xdpchain_entry *e = xdpchain_chain__entry(c, j);
			struct xdpchain_prog_stats st = { .sz = sizeof(st) };

			/* A chain without counters has no per-program samples. */
			if (!e || xdpchain_entry__stats(e, &st))
				continue;
			if (fam == F_PACKETS) {
				const __u64 by[] = { st.aborted, st.drop, st.pass,
						     st.tx, st.redirect, st.other };

				for (unsigned int v = 0; v < 6; v++) {
					fprintf(f, "%s{", name);
					prog_labels(f, s->v[i].ifname, e);
					put_label(f, "verdict", verdicts[v], false);
					fprintf(f, "} %llu\n", (unsigned long long)by[v]);
				}
				continue;
			}
			fprintf(f, "%s{", name);
			prog_labels(f, s->v[i].ifname, e);
			if (fam == F_SECONDS)
				fprintf(f, "} %.9f\n", (double)st.time_ns / 1e9);
			else
				fprintf(f, "} %llu\n", (unsigned long long)(fam == F_BYTES
										? st.bytes
										: st.timed));
		}
	}
}

/* The families, in the order printed: per chain (chain set) or per
 * program (prog). A counter's samples are named NAME_total. */
static const struct family {
	const char *name, *type, *unit, *help;
	__u64 (*chain)(const struct xdpchain_chain *c);
	enum prog_family prog;
} families[] = {
	{ "xdpchain_chain_revision", "gauge", NULL,
	  "The chain's revision: grows by one on every change.", chain_revision },
	{ "xdpchain_chain_programs", "gauge", NULL, "Programs in the chain.", chain_programs },
	{ "xdpchain_chain_stats", "gauge", NULL,
	  "1 if the chain counts verdicts and times its programs (xdpchain stats on).",
	  chain_counting },
	{ "xdpchain_chain_exhausted_packets", "counter", NULL,
	  "Packets aborted because a tail-call program was out of the kernel's budget of tail "
	  "calls per packet.", chain_exhausted },
	{ "xdpchain_program_packets", "counter", NULL,
	  "Packets each program returned, by its verdict (chains that count only).", NULL,
	  F_PACKETS },
	{ "xdpchain_program_bytes", "counter", "bytes",
	  "Bytes of the packets each program saw, as they were when the chain began.", NULL,
	  F_BYTES },
	{ "xdpchain_program_seconds", "counter", "seconds",
	  "Time each program took, estimated from one packet in 64 per CPU timed by the "
	  "dispatcher.", NULL, F_SECONDS },
	{ "xdpchain_program_timed_packets", "counter", NULL,
	  "Packets of each program the dispatcher timed: the sample behind its seconds.", NULL,
	  F_TIMED },
};

static void write_metrics(FILE *f, const struct mset *s)
{
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		const struct family *fam = &families[i];
		char sample[64];

		snprintf(sample, sizeof(sample), "%s%s", fam->name,
			 strcmp(fam->type, "counter") ? "" : "_total");
		fprintf(f, "# TYPE %s %s\n", fam->name, fam->type);
		if (fam->unit)
			fprintf(f, "# UNIT %s %s\n", fam->name, fam->unit);
		fprintf(f, "# HELP %s %s\n", fam->name, fam->help);
		if (fam->chain)
			chain_gauges(f, s, sample, fam->chain);
		else
			prog_samples(f, s, sample, fam->prog);
	}
	fputs("# EOF\n", f);
}

/* --http: read what the client sends up to the end of its headers (it
 * could take an answer to a request it is still sending for an error, and
 * closing unread data resets the connection), with a time limit. */
static void http_read_request(void)
{
	char buf[HTTP_REQUEST_MAX];
	size_t len = 0;

	while (len < sizeof(buf) - 1) {
		struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, HTTP_REQUEST_WAIT_MS) <= 0)
			return;
		n = read(STDIN_FILENO, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			return;
		len += (size_t)n;
		buf[len] = '\0';
		if (strstr(buf, "\r\n\r\n") || strstr(buf, "\n\n"))
			return;
	}
}

static int http_answer(const char *status, const char *type, const char *body, size_t len)
{
	printf("HTTP/1.0 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
	       "Connection: close\r\n\r\n", status, type, len);
	fwrite(body, 1, len, stdout);
	return fflush(stdout) ? -errno : 0;
}

int cmd_metrics(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "http", no_argument, NULL, 'H' },
		{},
	};
	struct mset s = { 0 };
	bool http = false;
	char *body = NULL;
	size_t len = 0;
	FILE *f;
	int c, ret;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		if (c != 'H')
			return opt_bad_option(ctx, c, argv, longopts);
		http = true;
	}
	if (ctx->json) {
		cli_error(ctx, "no JSON output: the metrics are OpenMetrics text ('status -j' has "
			       "the same figures) (" METRICS_USAGE ")");
		return CLI_EXIT_USAGE;
	}
	if (http)
		http_read_request();
	ret = argc > optind ? collect_named(ctx, &s, argc - optind, argv + optind)
			    : collect_all(ctx, &s);
	if (ret) {
		/* The reason went to stderr (the journal, under systemd). */
		if (http) {
			static const char msg[] = "xdpchain metrics failed: see its error output\n";

			http_answer("500 Internal Server Error", "text/plain; charset=utf-8", msg,
				    sizeof(msg) - 1);
		}
		mset_free(&s);
		return ret;
	}
	/* Whole, before anything is written: an HTTP answer says its length. */
	f = open_memstream(&body, &len);
	if (!f) {
		cli_error(ctx, "cannot allocate the output: %s", strerror(errno));
		mset_free(&s);
		return CLI_EXIT_FAIL;
	}
	write_metrics(f, &s);
	mset_free(&s);
	if (fclose(f)) {
		cli_error(ctx, "cannot allocate the output: %s", strerror(errno));
		free(body);
		return CLI_EXIT_FAIL;
	}
	if (http)
		ret = http_answer("200 OK", METRICS_CONTENT_TYPE, body, len);
	else
		ret = fwrite(body, 1, len, stdout) == len ? 0 : -EIO;
	free(body);
	if (ret) {
		cli_error(ctx, "cannot write the metrics: %s", strerror(-ret));
		return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}
