// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * xdpchain dump IFACE: capture live packets with the chain's final verdict
 * and the program that decided it. A built-in observer
 * (dispatcher/xdpchain_dump.bpf.c) joins the chain bound to this process
 * (--until-exit semantics) and sends each matching packet through a BPF
 * ring buffer; the observer leaves the chain when the dump stops
 * (Ctrl-C, -c, SIGTERM), and if this process dies the next change of the
 * chain removes it.
 *
 * The observer sends through a BPF ring buffer: no perf event to open
 * (CAP_PERFMON, or CAP_SYS_ADMIN on Debian's kernels), see the BPF side.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <xdpchain/xdpchain.h>
#include "api/internal.h" /* the parsers the API does not export */
#include "cli.h"
#include "config.h"
#include "dump_chain.h"
#include "format.h"
#include "json.h"
#include "opts.h"
#include "pcapng.h"
#include "pktsum.h"
#include "progref.h"
#include "xdpchain_dump.h"
#include "xdpchain_dump.skel.h"

#define DUMP_USAGE "usage: xdpchain dump IFACE [--verdict LIST] [--program NAME|ID] " \
		   "[-w FILE] [-c N] [-s SNAPLEN]"
/* Chain checks: our observer, the chain and the interface still there. */
#define DUMP_RECHECK_NS 1000000000ull
/* Checks in a row that cannot read the chain before the dump says so. */
#define DUMP_UNREAD_WARN 10

enum { OPT_VERDICT = 256, OPT_PROGRAM };

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct dump {
	struct cli_ctx *ctx;
	const char *ifname;
	int ifindex;
	__u32 self_id;                /* our observer */
	FILE *pcap;                   /* -w, or NULL */
	__u64 max, captured, lost;    /* -c N (0: no limit) */
	int64_t mono_to_real;         /* ns to add to a bpf_ktime_get_ns() */
	struct dump_chain chain;      /* the deciders' names; still there? */
	bool gone;                    /* the chain went, and our observer with it */
	int err;                      /* a write failed: -errno */
};

static __u64 now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

static void show_text(struct dump *d, const struct xdpchain_dump_hdr *h,
		      const unsigned char *pkt, __u64 real_ns, const char *name)
{
	time_t t = (time_t)(real_ns / 1000000000ull);
	char when[16] = "?", vb[16], sum[160];
	struct tm tm;

	if (localtime_r(&t, &tm))
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
	pkt_summary(pkt, h->cap_len, sum, sizeof(sum));
	if (h->prog_id)
		printf("%s.%06u %s by %s (id %u, slot %u) %u bytes: %s\n", when,
		       (unsigned int)(real_ns % 1000000000ull / 1000), fmt_verdict(h->verdict, vb, sizeof(vb)),
		       name, h->prog_id, h->slot, h->pkt_len, sum);
	else
		printf("%s.%06u %s (no program ran) %u bytes: %s\n", when,
		       (unsigned int)(real_ns % 1000000000ull / 1000),
		       fmt_verdict(h->verdict, vb, sizeof(vb)), h->pkt_len, sum);
	fflush(stdout);
}

static void show_json(struct dump *d, const struct xdpchain_dump_hdr *h,
		      const unsigned char *pkt, __u64 real_ns, const char *name)
{
	struct json_writer *w = d->ctx->jw;
	const char *vname = xc_verdict_name(h->verdict);
	char sum[160];

	json_start_object(w);
	json_kv_uint(w, "time_ns", real_ns);
	if (vname)
		json_kv_string(w, "verdict", vname);
	else
		json_kv_int(w, "verdict", h->verdict);
	if (h->prog_id) {
		json_kv_uint(w, "id", h->prog_id);
		json_kv_string(w, "program", name);
		json_kv_uint(w, "slot", h->slot);
	} else {
		json_kv_null(w, "id");
		json_kv_null(w, "program");
		json_kv_null(w, "slot");
	}
	json_kv_uint(w, "len", h->pkt_len);
	json_kv_uint(w, "caplen", h->cap_len);
	pkt_summary(pkt, h->cap_len, sum, sizeof(sum));
	json_kv_string(w, "summary", sum);
	/* The bytes, unless they go to the -w file. */
	if (!d->pcap) {
		char *hex = malloc((size_t)h->cap_len * 2 + 1);

		if (hex) {
			for (__u32 i = 0; i < h->cap_len; i++)
				snprintf(hex + 2 * i, 3, "%02x", pkt[i]);
			hex[2 * h->cap_len] = 0;
			json_kv_string(w, "data", hex);
			free(hex);
		}
	}
	json_end_object(w);
}

static int on_record(void *ctx, void *data, size_t size)
{
	const struct xdpchain_dump_rec *rec = data;
	const unsigned char *pkt = rec->data;
	struct dump *d = ctx;
	struct xdpchain_dump_hdr h;
	const char *name;
	__u64 real_ns;

	/* Stop reading at once: libbpf keeps consuming while records come
	 * in, which under a flood would be for ever; an error ends it. */
	if (stop || (d->max && d->captured >= d->max))
		return -EINTR;
	if (size < sizeof(h))
		return 0;
	memcpy(&h, &rec->hdr, sizeof(h));
	if (h.cap_len > size - sizeof(h))
		h.cap_len = (__u32)(size - sizeof(h));
	real_ns = h.ts_ns + (__u64)d->mono_to_real;
	name = dump_chain_name(&d->chain, h.prog_id);
	d->captured++;
	if (d->pcap && !d->err) {
		char comment[160], vb[16];

		/* The verdict and the decider, in the packet's comment. */
		if (h.prog_id)
			snprintf(comment, sizeof(comment), "xdpchain: verdict=%s program=%s id=%u slot=%u",
				 fmt_verdict(h.verdict, vb, sizeof(vb)), name, h.prog_id, h.slot);
		else
			snprintf(comment, sizeof(comment), "xdpchain: verdict=%s program=- id=0",
				 fmt_verdict(h.verdict, vb, sizeof(vb)));
		d->err = pcapng_packet(d->pcap, real_ns, pkt, h.cap_len, h.pkt_len, comment);
		if (!d->err && fflush(d->pcap))
			d->err = -errno;
	}
	if (d->ctx->json)
		show_json(d, &h, pkt, real_ns, name);
	else if (!d->pcap)
		show_text(d, &h, pkt, real_ns, name);
	if (d->max && d->captured >= d->max)
		stop = 1;
	return 0;
}

#define DUMP_VERDICTS "aborted, drop, pass, tx, redirect, other"

/* One word of --verdict LIST (len bytes at w) -> its bit(s); else a
 * CLI_EXIT_* code after the error. */
static int verdict_word(struct cli_ctx *ctx, const char *w, size_t len, bool alone, __u32 *m)
{
	char word[16];

	if (len == 5 && !strncasecmp(w, "other", 5)) {
		*m = 1u << XDPCHAIN_DUMP_OTHER; /* any verdict that is no XDP action */
		return 0;
	}
	if (len == 3 && !strncasecmp(w, "all", 3)) {
		if (alone) {
			*m = XDPCHAIN_DUMP_ALL;
			return 0;
		}
		cli_error(ctx, "'all' in --verdict stands alone, not in a list");
		return CLI_EXIT_USAGE;
	}
	/* A continue-on set may be empty; a capture of nothing never ends. */
	if (len == 4 && !strncasecmp(w, "none", 4)) {
		cli_error(ctx, "--verdict none would capture nothing: give the verdicts to capture "
			  "(" DUMP_VERDICTS ") or all");
		return CLI_EXIT_USAGE;
	}
	if (len && len < sizeof(word)) {
		memcpy(word, w, len);
		word[len] = '\0';
		if (!xc_verdicts_parse(word, m, NULL, NULL))
			return 0;
	}
	cli_error(ctx, "invalid verdict '%.*s' in --verdict (expected a comma-separated list of "
		  DUMP_VERDICTS "; or all alone)", (int)(len > 32 ? 32 : len), w);
	return CLI_EXIT_USAGE;
}

/* --verdict LIST: XDP actions by name, "other" (any verdict that is no
 * XDP action) or "all". Its own parser: the continue-on one names
 * --continue-on in its errors and takes "none", never "other". */
static int parse_verdicts(struct cli_ctx *ctx, const char *arg, __u32 *mask)
{
	const char *w = arg;
	size_t len;
	__u32 m;
	int ret;

	*mask = 0;
	for (;;) {
		len = strcspn(w, ",");
		ret = verdict_word(ctx, w, len, w == arg && !w[len], &m);
		if (ret)
			return ret;
		*mask |= m;
		if (!w[len])
			return 0;
		w += len + 1;
	}
}

struct dump_args {
	__u32 mask;
	const char *program, *file;
	__u64 count, snaplen;
};

static int parse_args(struct cli_ctx *ctx, int argc, char **argv, struct dump_args *a)
{
	static const struct option longopts[] = {
		{ "verdict", required_argument, NULL, OPT_VERDICT },
		{ "program", required_argument, NULL, OPT_PROGRAM },
		{ "write", required_argument, NULL, 'w' },
		{ "count", required_argument, NULL, 'c' },
		{ "snaplen", required_argument, NULL, 's' },
		{},
	};
	int c, ret;

	a->mask = XDPCHAIN_DUMP_ALL;
	a->snaplen = XDPCHAIN_DUMP_SNAPLEN_MAX;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":w:c:s:", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_VERDICT:
			ret = parse_verdicts(ctx, optarg, &a->mask);
			break;
		case OPT_PROGRAM:
			a->program = optarg;
			ret = 0;
			break;
		case 'w':
			a->file = optarg;
			ret = 0;
			break;
		case 'c':
			ret = opt_u64(ctx, "packet count", optarg, &a->count);
			if (!ret && !a->count) {
				cli_error(ctx, "invalid packet count '0': at least 1");
				ret = CLI_EXIT_USAGE;
			}
			break;
		case 's':
			ret = opt_u64(ctx, "snap length", optarg, &a->snaplen);
			if (!ret && (!a->snaplen || a->snaplen > XDPCHAIN_DUMP_SNAPLEN_MAX)) {
				cli_error(ctx, "invalid snap length '%s': 1 to %u bytes", optarg,
					  XDPCHAIN_DUMP_SNAPLEN_MAX);
				ret = CLI_EXIT_USAGE;
			}
			break;
		default:
			return opt_bad_option(ctx, c, argv, longopts);
		}
		if (ret)
			return ret;
	}
	if (argc - optind == 1)
		return 0;
	if (argc - optind > 1)
		cli_error(ctx, "unexpected argument '%s' (" DUMP_USAGE ")", argv[optind + 1]);
	else
		cli_error(ctx, "missing IFACE (" DUMP_USAGE ")");
	return CLI_EXIT_USAGE;
}

/* --program NAME|ID: a program of the chain that decides packets. */
static int program_filter(struct cli_ctx *ctx, struct dump *d, const char *arg, __u32 *id)
{
	const struct xdpchain_entry *e;
	int ret;

	ret = progref_id(ctx, d->chain.cur, d->ifname, "--program", arg, id);
	if (ret)
		return ret;
	e = dump_chain_entry(&d->chain, *id);
	if (!e) {
		cli_error(ctx, "%s: --program %s: no such program in the chain (see 'xdpchain "
			  "status')", d->ifname, arg);
		return CLI_EXIT_FAIL;
	}
	/* Its verdict is ignored: the dump would wait for ever. */
	if (xdpchain_entry__observer(e)) {
		cli_error(ctx, "%s: --program %s: %s is an observer, which never decides a packet "
			  "(its verdict is ignored): give a program that is not one (see "
			  "'xdpchain status')", d->ifname, arg, xdpchain_entry__name(e));
		return CLI_EXIT_FAIL;
	}
	return 0;
}

/* Our observer, configured, joins the chain bound to this process. */
static int observer_attach(struct dump *d, struct xc_dump *skel, const struct dump_args *a,
			   __u32 filter_id)
{
	XDPCHAIN_OPTS(xdpchain_attach_opts, ao, .bpffs_root = d->ctx->root,
		      .owner_pid = getpid());
	const char *pname = xdpchain_chain__frags(d->chain.cur) ? "xdpchain_dump_frags"
							     : "xdpchain_dump";
	struct xdpchain_prog *prog;
	int err;

	skel->rodata->verdict_mask = a->mask;
	skel->rodata->prog_filter = filter_id;
	skel->rodata->snaplen = (__u32)a->snaplen;
	prog = xdpchain_prog__from_bpf_obj(skel->obj, pname, NULL);
	if (!prog) {
		err = errno;
		cli_error(d->ctx, "%s: cannot open the dump observer: %s", d->ifname, strerror(err));
		return CLI_EXIT_FAIL;
	}
	err = xdpchain_prog__set_observer(prog, true);
	if (!err)
		err = xdpchain_prog__set_owner(prog, "xdpchain-dump");
	if (!err)
		err = xdpchain_attach(prog, d->ifindex, &ao);
	d->self_id = xdpchain_prog__id(prog);
	xdpchain_prog__close(prog);
	if (err) {
		cli_error(d->ctx, "%s: cannot add the dump observer to the chain: %s%s", d->ifname,
			  strerror(-err), cli_errno_hint(d->ctx, -err));
		return CLI_EXIT_FAIL;
	}
	return 0;
}

/* The periodic check: CLI_EXIT_OK to go on, else why the dump ends. */
static int check_chain(struct dump *d, unsigned int *unread)
{
	int err;

	switch (dump_chain_check(&d->chain, d->self_id, &err)) {
	case DUMP_CHAIN_OK:
		*unread = 0;
		return CLI_EXIT_OK;
	case DUMP_CHAIN_UNREAD:
		/* A writer swapping the dispatcher, say: keep capturing
		 * (packets still come), and say so if it lasts. */
		if (++*unread == DUMP_UNREAD_WARN)
			fprintf(stderr, "xdpchain: %s: cannot read the chain for %u s: %s; still "
				"capturing\n", d->ifname, DUMP_UNREAD_WARN, strerror(-err));
		return CLI_EXIT_OK;
	case DUMP_CHAIN_GONE:
		d->gone = true;
		cli_error(d->ctx, "%s: the chain is gone (all its programs were detached, or it "
			  "was removed): the dump stopped; start it again once a chain runs",
			  d->ifname);
		return CLI_EXIT_FAIL;
	case DUMP_CHAIN_IFACE_GONE:
		d->gone = true;
		cli_error(d->ctx, "%s: the interface is gone (deleted, or moved to another network "
			  "namespace), and its chain with it: the dump stopped", d->ifname);
		return CLI_EXIT_FAIL;
	case DUMP_CHAIN_SELF_GONE:
	default:
		d->gone = true;
		cli_error(d->ctx, "%s: the dump observer (id %u) left the chain (someone detached "
			  "it): the dump stopped", d->ifname, d->self_id);
		return CLI_EXIT_FAIL;
	}
}

static int capture(struct dump *d, struct xc_dump *skel)
{
	struct ring_buffer *rb;
	__u64 checked = now_ns(CLOCK_MONOTONIC);
	unsigned int unread = 0;
	int err = 0, ret = CLI_EXIT_OK;

	rb = ring_buffer__new(bpf_map__fd(skel->maps.xdpchain_dump_ring), on_record, d, NULL);
	if (!rb) {
		cli_error(d->ctx, "%s: cannot open the ring buffer: %s", d->ifname, strerror(errno));
		return CLI_EXIT_FAIL;
	}
	if (!d->ctx->json)
		fprintf(stderr, "dumping %s: Ctrl-C stops\n", d->ifname);
	while (!stop && !d->err) {
		err = ring_buffer__poll(rb, 100);
		if (err < 0 && err != -EINTR) {
			cli_error(d->ctx, "%s: reading the ring buffer: %s", d->ifname, strerror(-err));
			ret = CLI_EXIT_FAIL;
			break;
		}
		if (now_ns(CLOCK_MONOTONIC) - checked >= DUMP_RECHECK_NS) {
			checked = now_ns(CLOCK_MONOTONIC);
			ret = check_chain(d, &unread);
			if (ret) {
				/* What was decided before it went. */
				ring_buffer__consume(rb);
				break;
			}
		}
	}
	/* The observer's own count (its .bss, mapped by the skeleton). */
	if (skel->bss)
		d->lost = __atomic_load_n(&skel->bss->lost, __ATOMIC_RELAXED);
	if (d->err) {
		cli_error(d->ctx, "writing the capture: %s", strerror(-d->err));
		ret = CLI_EXIT_FAIL;
	}
	ring_buffer__free(rb);
	return ret;
}

int cmd_dump(struct cli_ctx *ctx, int argc, char **argv)
{
	XDPCHAIN_OPTS(xdpchain_detach_opts, dopt, .bpffs_root = ctx->root);
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
	struct dump d = { .ctx = ctx };
	struct dump_args a = {};
	struct xc_dump *skel = NULL;
	__u32 filter_id = 0;
	int ret, err;

	ret = parse_args(ctx, argc, argv, &a);
	if (ret)
		return ret;
	d.ifname = argv[optind];
	ret = opt_ifindex(ctx, d.ifname, &d.ifindex);
	if (ret)
		return ret;
	d.max = a.count;
	err = dump_chain_init(&d.chain, d.ifindex, ctx->root);
	if (err) {
		cli_error(ctx, "%s: %s", d.ifname,
			  err == -ENOENT ? "no xdpchain chain on this interface: nothing to dump"
					 : strerror(-err));
		return CLI_EXIT_FAIL;
	}
	if (a.program) {
		ret = program_filter(ctx, &d, a.program, &filter_id);
		if (ret)
			goto out;
	}
	if (a.file) {
		d.pcap = strcmp(a.file, "-") ? fopen(a.file, "wbx") : stdout;
		if (!d.pcap) {
			cli_error(ctx, "-w %s: %s%s", a.file, strerror(errno),
				  errno == EEXIST ? " (it is not overwritten)" : "");
			ret = CLI_EXIT_FAIL;
			goto out;
		}
		if (d.pcap == stdout && ctx->json) {
			cli_error(ctx, "-w - and -j both write to stdout: choose one");
			ret = CLI_EXIT_USAGE;
			goto out;
		}
		d.err = pcapng_start(d.pcap, "xdpchain " XDPCHAIN_VERSION, d.ifname, (__u32)a.snaplen);
		if (!d.err && fflush(d.pcap))
			d.err = -errno;
		if (d.err) {
			cli_error(ctx, "-w %s: %s", a.file, strerror(-d.err));
			ret = CLI_EXIT_FAIL;
			goto out;
		}
	}
	skel = xc_dump__open();
	if (!skel) {
		cli_error(ctx, "cannot open the dump observer: %s", strerror(errno));
		ret = CLI_EXIT_FAIL;
		goto out;
	}
	/* Signals before the attach: a Ctrl-C from here on still detaches. */
	stop = 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	d.mono_to_real = (int64_t)(now_ns(CLOCK_REALTIME) - now_ns(CLOCK_MONOTONIC));
	ret = observer_attach(&d, skel, &a, filter_id);
	if (ctx->json) {
		json_start_object(ctx->jw);
		json_kv_string(ctx->jw, "ifname", d.ifname);
		json_key(ctx->jw, "packets");
		json_start_array(ctx->jw);
	}
	if (!ret && !stop)
		ret = capture(&d, skel);
	if (d.self_id && !d.gone) {
		err = xdpchain_detach_id(d.ifindex, d.self_id, &dopt);
		/* Gone already (someone detached it, or the chain): fine. */
		if (err && err != -ENOENT) {
			cli_error(ctx, "%s: cannot remove the dump observer (id %u): %s (the next "
				  "change of the chain removes it, as its process exited)",
				  d.ifname, d.self_id, strerror(-err));
			ret = CLI_EXIT_FAIL;
		}
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (ctx->json) {
		json_end_array(ctx->jw);
		json_kv_uint(ctx->jw, "captured", d.captured);
		json_kv_uint(ctx->jw, "lost", d.lost);
		json_end_object(ctx->jw);
	} else {
		fprintf(stderr, "%" PRIu64 " packets captured, %" PRIu64 " lost\n",
			(uint64_t)d.captured, (uint64_t)d.lost);
	}
out:
	if (d.pcap && d.pcap != stdout && fclose(d.pcap) && !ret) {
		cli_error(ctx, "-w %s: %s", a.file, strerror(errno));
		ret = CLI_EXIT_FAIL;
	}
	xc_dump__destroy(skel);
	dump_chain_free(&d.chain);
	return ret;
}
