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
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <xdpchain/xdpchain.h>
#include "api/internal.h" /* the parsers the API does not export */
#include "cli.h"
#include "config.h"
#include "dump.h"
#include "dump_chain.h"
#include "jsonl.h"
#include "opts.h"
#include "pcapng.h"
#include "progref.h"
#include "xdpchain_dump.h"
#include "xdpchain_dump.skel.h"

/* Chain checks: our observer, the chain and the interface still there. */
#define DUMP_RECHECK_NS 1000000000ull
/* Checks in a row that cannot read the chain before the dump says so. */
#define DUMP_UNREAD_WARN 10

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
	dump_show(d, &h, pkt, real_ns, name);
	if (d->err)
		return d->err; /* ends the poll: capture() says why */
	if (d->max && d->captured >= d->max)
		stop = 1;
	return 0;
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
	while (!stop && !d->err && !out_closed()) {
		err = ring_buffer__poll(rb, 100);
		if (err < 0 && err != -EINTR && err != d->err) {
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
	/* The reader of stdout went away (dump | head): the normal end. */
	if (d->err == -EPIPE && out_closed())
		d->err = 0;
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

	ret = dump_parse_args(ctx, argc, argv, &a);
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
	if (!ret)
		jsonl_begin(ctx);
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
	if (!ret || !ctx->json)
		dump_show_end(&d);
out:
	if (d.pcap && d.pcap != stdout && fclose(d.pcap) && !ret) {
		cli_error(ctx, "-w %s: %s", a.file, strerror(errno));
		ret = CLI_EXIT_FAIL;
	}
	xc_dump__destroy(skel);
	dump_chain_free(&d.chain);
	return ret;
}
