// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * The demo's story: three example programs (embedded, no files needed)
 * share a veth interface in a private network namespace; real packets
 * show what each one did; one leaves and the others keep running. The
 * demo checks its own numbers and fails if the chain, the library or the
 * kernel misbehaved. main.c sets the scene and removes everything.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <xdpchain/xdpchain.h>
#include "demo.h"
#include "xdp_count.skel.h"
#include "xdp_firewall.skel.h"
#include "xdp_reflect.skel.h"

#define BURST 5 /* datagrams per port and step */

/* Short names in this file for demo.h's indexes. */
enum { FW = DEMO_FW, RF = DEMO_RF, CNT = DEMO_CNT, NR_PROGS = DEMO_NR_PROGS };
enum { APP_OPEN = DEMO_APP_OPEN, APP_BLOCKED = DEMO_APP_BLOCKED, APP_PEER = DEMO_APP_PEER,
       NR_APPS = DEMO_NR_APPS };
/* Attached in this order on purpose: the run order comes from the
 * priorities the files declare (count 10, firewall 20, reflect 30). */
static const struct {
	const char *name;
	const void *(*elf)(size_t *sz);
} progs[NR_PROGS] = {
	[FW] = { "xdp_firewall", xdp_firewall__elf_bytes },
	[RF] = { "xdp_reflect", xdp_reflect__elf_bytes },
	[CNT] = { "xdp_count", xdp_count__elf_bytes },
};
static const char *const run_order[] = { "xdp_count", "xdp_firewall", "xdp_reflect" };
static const char *const run_order_after[] = { "xdp_count", "xdp_reflect" };

/* Every program's global variables, laid out as its skeleton says. */
struct counters {
	struct xdp_count__bss cnt;
	struct xdp_firewall__bss fw;
	struct xdp_reflect__bss rf;
};

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL); /* cut short by a signal: see demo_interrupted() */
}

static void check(struct demo *d, const char *what, __u64 got, __u64 want)
{
	if (got == want)
		return;
	demo_error("check failed: %s: expected %llu, got %llu", what,
		   (unsigned long long)want, (unsigned long long)got);
	d->bad++;
}

/* ---- the chain ---- */

static int attach_all(struct demo *d)
{
	XDPCHAIN_OPTS(xdpchain_attach_opts, ao, .mode = d->mode, .backend = d->backend,
		      .bpffs_root = DEMO_ROOT);

	printf("\n1. Attaching xdp_firewall, xdp_reflect and xdp_count to " DEMO_IF_CHAIN
	       ", in that order, owner \"demo\"\n");
	for (int i = 0; i < NR_PROGS; i++) {
		XDPCHAIN_OPTS(xdpchain_open_opts, oo, .prog_name = progs[i].name,
			      .obj_name = progs[i].name);
		struct xdpchain_prog *p;
		const void *elf;
		size_t sz = 0;
		int err;

		elf = progs[i].elf(&sz);
		p = elf ? xdpchain_prog__open_mem(elf, sz, &oo) : NULL;
		if (!p) {
			demo_error("%s: cannot open the embedded object: %s", progs[i].name,
				   strerror(errno));
			return -1;
		}
		err = xdpchain_prog__set_owner(p, "demo");
		if (!err)
			err = xdpchain_attach(p, d->ifindex, &ao);
		d->id[i] = xdpchain_prog__id(p);
		if (!err)
			printf("   %-13s id %-6u priority %d (from its .xdp_run_config)\n",
			       progs[i].name, d->id[i], xdpchain_prog__priority(p));
		xdpchain_prog__close(p);
		if (err) {
			demo_error("cannot attach %s to " DEMO_IF_CHAIN ": %s", progs[i].name,
				   strerror(-err));
			return -1;
		}
	}
	return 0;
}

/* Print the chain as the library reports it and check it runs exactly
 * `want` (names, in order). */
static int show_chain(struct demo *d, const char *const *want, unsigned int nr_want)
{
	XDPCHAIN_OPTS(xdpchain_query_opts, qo, .bpffs_root = DEMO_ROOT);
	struct xdpchain_chain *c = xdpchain_chain__get(d->ifindex, &qo);
	unsigned int n;
	__u32 id;

	if (!c) {
		demo_error("cannot read the chain of " DEMO_IF_CHAIN ": %s",
			   strerror(errno));
		return -1;
	}
	id = xdpchain_chain__dispatcher_id(c);
	if (d->nr_dispatchers < sizeof(d->dispatcher_id) / sizeof(d->dispatcher_id[0]))
		d->dispatcher_id[d->nr_dispatchers++] = id;
	n = xdpchain_chain__nr_progs(c);
	printf("   chain on " DEMO_IF_CHAIN ": dispatcher id %u, %s backend, %s mode, "
	       "revision %llu, in run order:\n",
	       id, xdpchain_backend_str(xdpchain_chain__backend(c)),
	       xdpchain_mode_str(xdpchain_chain__mode(c)),
	       (unsigned long long)xdpchain_chain__revision(c));
	printf("     #  %-13s %6s  %8s  %-11s  %s\n", "program", "id", "priority", "continue on",
	       "owner");
	for (unsigned int i = 0; i < n; i++) {
		const struct xdpchain_entry *e = xdpchain_chain__entry(c, i);
		char cont[64];

		if (!e)
			break;
		xdpchain_verdicts_format(xdpchain_entry__continue_on(e), cont, sizeof(cont));
		printf("     %u  %-13s %6u  %8d  %-11s  %s\n", i + 1, xdpchain_entry__name(e),
		       xdpchain_entry__id(e), xdpchain_entry__priority(e), cont,
		       xdpchain_entry__owner(e));
		if (i < nr_want && strcmp(xdpchain_entry__name(e), want[i])) {
			demo_error("check failed: position %u runs %s, expected %s", i + 1,
				   xdpchain_entry__name(e), want[i]);
			d->bad++;
		}
	}
	check(d, "programs in the chain", n, nr_want);
	xdpchain_chain__free(c);
	return 0;
}

/* ---- traffic ---- */

static int drain(struct demo *d)
{
	int err = demo_pkt_reflected(&d->pk, DEMO_PORT_REFLECT, &d->seen.answers);

	for (int i = 0; i < NR_APPS && !err; i++) {
		int n = demo_udp_drain(d->app_fd[i]);

		if (n < 0)
			err = n;
		else
			d->seen.app[i] += n;
	}
	if (err)
		demo_error("cannot receive: %s", strerror(-err));
	return err;
}

static bool reached(const struct demo_seen *s, const struct demo_seen *want)
{
	if (s->answers.good < want->answers.good)
		return false;
	for (int i = 0; i < NR_APPS; i++)
		if (s->app[i] < want->app[i])
			return false;
	return true;
}

/* Send `count` datagrams to each port in ports[] (0 ends), then collect
 * what arrives until `want` is reached or DEMO_WAIT_MS passed. Frames go
 * through one veth queue in order, so once the last expected datagram
 * arrived every frame before it went through the whole chain. */
static int send_and_collect(struct demo *d, const __u16 *ports, const struct demo_seen *want)
{
	int err;

	for (; *ports; ports++) {
		err = demo_pkt_send(&d->pk, *ports, BURST);
		if (err) {
			demo_error("cannot send from " DEMO_IF_PEER ": %s", strerror(-err));
			return -1;
		}
	}
	for (int waited = 0; waited < DEMO_WAIT_MS && !reached(&d->seen, want); waited += 10) {
		if (demo_interrupted(d))
			return -1;
		sleep_ms(10);
		if (drain(d))
			return -1;
	}
	/* More than expected (a duplicate, a stray answer) shows by now. */
	sleep_ms(50);
	return drain(d) || demo_interrupted(d) ? -1 : 0;
}

static int read_counters(struct demo *d, struct counters *c)
{
	void *val[NR_PROGS] = { [FW] = &c->fw, [RF] = &c->rf, [CNT] = &c->cnt };
	size_t size[NR_PROGS] = { [FW] = sizeof(c->fw), [RF] = sizeof(c->rf),
				  [CNT] = sizeof(c->cnt) };

	memset(c, 0, sizeof(*c));
	for (int i = 0; i < NR_PROGS; i++) {
		int err;

		if (!d->id[i] || d->detached[i])
			continue;
		err = demo_bpf_read_bss(d->id[i], val[i], size[i]);
		if (err) {
			demo_error("cannot read the counters of %s (id %u): %s",
				   progs[i].name, d->id[i], strerror(-err));
			return -1;
		}
	}
	return 0;
}

static void print_counters(const struct demo *d, const struct counters *c)
{
	const struct xdp_count__bss *k = &c->cnt;

	printf("   what each program did (its .bss counters):\n");
	printf("     xdp_count     saw %llu packets (%llu udp, %llu tcp, %llu icmp, %llu ipv6, "
	       "%llu other)\n",
	       (unsigned long long)k->count_total, (unsigned long long)k->count_udp,
	       (unsigned long long)k->count_tcp, (unsigned long long)k->count_icmp,
	       (unsigned long long)k->count_ipv6, (unsigned long long)k->count_other);
	if (!d->detached[FW])
		printf("     xdp_firewall  dropped %llu (port %d), passed %llu\n",
		       (unsigned long long)c->fw.fw_dropped, DEMO_PORT_BLOCKED,
		       (unsigned long long)c->fw.fw_passed);
	printf("     xdp_reflect   reflected %llu (port %d) with XDP_TX, passed %llu\n",
	       (unsigned long long)c->rf.rf_reflected, DEMO_PORT_REFLECT,
	       (unsigned long long)c->rf.rf_passed);
	printf("   what arrived:\n");
	printf("     " DEMO_IF_PEER " got %u answers from port %d (addresses and ports swapped, "
	       "checksums valid), %u broken\n",
	       d->seen.answers.good, DEMO_PORT_REFLECT, d->seen.answers.bad);
	printf("     applications: %s:%d got %d, %s:%d got %d, %s:%d (the answers) got %d\n",
	       DEMO_ADDR_CHAIN, DEMO_PORT_OPEN, d->seen.app[APP_OPEN], DEMO_ADDR_CHAIN, DEMO_PORT_BLOCKED,
	       d->seen.app[APP_BLOCKED], DEMO_ADDR_PEER, DEMO_SRC_PORT, d->seen.app[APP_PEER]);
}

/* What the counters say about each other since `before`, whatever
 * else (unexpected traffic) went through: each program saw what the one
 * before it passed on. */
static void check_consistent(struct demo *d, const struct counters *before,
			     const struct counters *c)
{
	const struct xdp_count__bss *k = &c->cnt;
	__u64 seen = k->count_total - before->cnt.count_total, to_reflect = seen;

	check(d, "xdp_count: total = sum of kinds", k->count_total,
	      k->count_udp + k->count_tcp + k->count_icmp + k->count_ipv6 + k->count_other);
	if (!d->detached[FW]) {
		check(d, "xdp_firewall saw what xdp_count passed",
		      c->fw.fw_dropped + c->fw.fw_passed -
			      (before->fw.fw_dropped + before->fw.fw_passed),
		      seen);
		to_reflect = c->fw.fw_passed - before->fw.fw_passed;
	}
	check(d, "xdp_reflect saw what came before it passed",
	      c->rf.rf_reflected + c->rf.rf_passed -
		      (before->rf.rf_reflected + before->rf.rf_passed),
	      to_reflect);
	check(d, "broken answers on " DEMO_IF_PEER, d->seen.answers.bad, 0);
}

static int step_traffic(struct demo *d)
{
	static const __u16 ports[] = { DEMO_PORT_BLOCKED, DEMO_PORT_REFLECT, DEMO_PORT_OPEN, 0 };
	const struct demo_seen want = { .answers.good = BURST,
				   .app = { [APP_OPEN] = BURST, [APP_PEER] = BURST } };
	const struct counters zero = {};
	struct counters c;

	printf("\n2. Sending %d UDP datagrams from " DEMO_IF_PEER " (AF_PACKET): %d to port %d, "
	       "%d to %d, %d to %d\n", 3 * BURST, BURST, DEMO_PORT_BLOCKED, BURST, DEMO_PORT_REFLECT, BURST,
	       DEMO_PORT_OPEN);
	if (send_and_collect(d, ports, &want) || read_counters(d, &c))
		return -1;
	print_counters(d, &c);
	check(d, "udp packets xdp_count saw", c.cnt.count_udp, 3 * BURST);
	check(d, "xdp_firewall drops", c.fw.fw_dropped, BURST);
	check(d, "xdp_reflect answers", c.rf.rf_reflected, BURST);
	check(d, "answers on " DEMO_IF_PEER, d->seen.answers.good, BURST);
	check(d, "datagrams to the open port", (__u64)d->seen.app[APP_OPEN], BURST);
	check(d, "datagrams to the blocked port", (__u64)d->seen.app[APP_BLOCKED], 0);
	check(d, "answers the peer application got", (__u64)d->seen.app[APP_PEER], BURST);
	check_consistent(d, &zero, &c);
	return d->bad ? -1 : 0;
}

static int step_detach_firewall(struct demo *d)
{
	XDPCHAIN_OPTS(xdpchain_detach_opts, dopts, .bpffs_root = DEMO_ROOT);
	static const __u16 ports[] = { DEMO_PORT_BLOCKED, 0 };
	struct demo_seen want = d->seen;
	struct counters before, c;
	__u32 fw_id = d->id[FW];
	int err;

	if (read_counters(d, &before))
		return -1;
	printf("\n3. Detaching xdp_firewall by name; the other programs keep running\n");
	err = xdpchain_detach_name(d->ifindex, "xdp_firewall", &dopts);
	if (err) {
		demo_error("cannot detach xdp_firewall: %s", strerror(-err));
		return -1;
	}
	d->detached[FW] = true;
	if (show_chain(d, run_order_after, 2))
		return -1;
	if (demo_bpf_prog_alive(fw_id, DEMO_WAIT_MS)) {
		demo_error("check failed: xdp_firewall (id %u) is still loaded", fw_id);
		return -1;
	}
	printf("   xdp_firewall (id %u) is unloaded; sending %d more to port %d\n", fw_id, BURST,
	       DEMO_PORT_BLOCKED);
	want.app[APP_BLOCKED] += BURST;
	if (send_and_collect(d, ports, &want) || read_counters(d, &c))
		return -1;
	print_counters(d, &c);
	check(d, "udp packets xdp_count saw (counting on)", c.cnt.count_udp, 4 * BURST);
	check(d, "xdp_reflect answers", c.rf.rf_reflected, BURST);
	check(d, "datagrams to the formerly blocked port", (__u64)d->seen.app[APP_BLOCKED], BURST);
	check_consistent(d, &before, &c);
	return d->bad ? -1 : 0;
}

int demo_run(struct demo *d)
{
	if (attach_all(d) || demo_interrupted(d))
		return -1;
	printf("   attached in that order, they run in priority order:\n");
	if (show_chain(d, run_order, NR_PROGS) || d->bad || demo_interrupted(d))
		return -1;
	if (step_traffic(d) || demo_interrupted(d))
		return -1;
	return step_detach_firewall(d) || demo_interrupted(d) ? -1 : 0;
}
