// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * xdpchain demo: three example programs (embedded, no files needed) share a
 * veth interface in a private network namespace; real packets show what each
 * one did; one leaves and the others keep running; everything is removed.
 * The demo checks its own numbers and fails if the chain misbehaved.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <xdpchain/xdpchain.h>
#include "cli.h"
#include "demo.h"
#include "opts.h"
#include "xdp_count.skel.h"
#include "xdp_firewall.skel.h"
#include "xdp_reflect.skel.h"

#define IF_CHAIN "xdemo0"
#define IF_PEER "xdemo1"

struct demo_prog {
	const char *name;
	const void *(*elf)(size_t *sz);
	__u32 id;
};

static struct demo_prog progs[] = {
	/* Attached in this order on purpose: the run order comes from the
	 * priorities declared in the files (10, 20, 30), not from this. */
	{ "xdp_firewall", xdp_firewall__elf_bytes },
	{ "xdp_reflect", xdp_reflect__elf_bytes },
	{ "xdp_count", xdp_count__elf_bytes },
};

static __u64 var(struct demo_prog *p, const char *name)
{
	__u64 v = 0;

	if (p->id && demo_read_var(p->id, name, &v))
		fprintf(stderr, "xdpchain: cannot read %s of %s\n", name, p->name);
	return v;
}

static void show_chain(int ifindex, const char *root)
{
	XDPCHAIN_OPTS(xdpchain_query_opts, qo, .bpffs_root = root);
	struct xdpchain_chain *c = xdpchain_chain__get(ifindex, &qo);

	if (!c) {
		printf("  (no chain)\n");
		return;
	}
	printf("  chain on " IF_CHAIN ": dispatcher %u, %s backend, %s mode, revision %llu\n",
	       xdpchain_chain__dispatcher_id(c), xdpchain_backend_str(xdpchain_chain__backend(c)),
	       xdpchain_mode_str(xdpchain_chain__mode(c)),
	       (unsigned long long)xdpchain_chain__revision(c));
	for (unsigned int i = 0; i < xdpchain_chain__nr_progs(c); i++) {
		const struct xdpchain_entry *e = xdpchain_chain__entry(c, i);

		printf("    %u. %-13s id %-5u priority %d\n", i + 1, xdpchain_entry__name(e),
		       xdpchain_entry__id(e), xdpchain_entry__priority(e));
	}
	xdpchain_chain__free(c);
}

static int expect(struct cli_ctx *ctx, const char *what, __u64 got, __u64 want)
{
	if (got == want)
		return 0;
	cli_error(ctx, "%s: expected %llu, got %llu", what, (unsigned long long)want,
		  (unsigned long long)got);
	return -1;
}

static int run(struct cli_ctx *ctx, enum xdpchain_mode mode, enum xdpchain_backend backend)
{
	XDPCHAIN_OPTS(xdpchain_attach_opts, ao, .mode = mode, .backend = backend,
		      .bpffs_root = ctx->root);
	XDPCHAIN_OPTS(xdpchain_detach_opts, dopts, .bpffs_root = ctx->root);
	struct demo_prog *fw = &progs[0], *rf = &progs[1], *cnt = &progs[2];
	int ifindex = (int)if_nametoindex(IF_CHAIN), err, bad = 0;
	unsigned int i;

	printf("\n1. attaching three programs to " IF_CHAIN " (firewall, reflect, count)\n");
	for (i = 0; i < 3; i++) {
		XDPCHAIN_OPTS(xdpchain_open_opts, oo, .obj_name = progs[i].name);
		struct xdpchain_prog *p;
		size_t sz;
		const void *elf = progs[i].elf(&sz);

		p = xdpchain_prog__open_mem(elf, sz, &oo);
		if (!p) {
			cli_error(ctx, "%s: cannot open: %s", progs[i].name, strerror(errno));
			return -1;
		}
		xdpchain_prog__set_owner(p, "demo");
		err = xdpchain_attach(p, ifindex, &ao);
		progs[i].id = xdpchain_prog__id(p);
		xdpchain_prog__close(p);
		if (err) {
			cli_error(ctx, "%s: cannot attach %s: %s", IF_CHAIN, progs[i].name,
				  strerror(-err));
			return -1;
		}
	}
	printf("   run order comes from the priorities in the files, not attach order:\n");
	show_chain(ifindex, ctx->root);

	printf("\n2. sending 15 UDP packets from " IF_PEER ": 5 to port 9999, 5 to 7777, "
	       "5 to 5000\n");
	if (demo_send_udp(IF_PEER, IF_CHAIN, 9999, 5) || demo_send_udp(IF_PEER, IF_CHAIN, 7777, 5) ||
	    demo_send_udp(IF_PEER, IF_CHAIN, 5000, 5)) {
		cli_error(ctx, "cannot send packets: %s", strerror(errno));
		return -1;
	}
	printf("   xdp_count     saw %llu UDP packets (and %llu others)\n",
	       (unsigned long long)var(cnt, "count_udp"),
	       (unsigned long long)(var(cnt, "count_total") - var(cnt, "count_udp")));
	printf("   xdp_firewall  dropped %llu (port 9999), passed %llu\n",
	       (unsigned long long)var(fw, "fw_dropped"), (unsigned long long)var(fw, "fw_passed"));
	printf("   xdp_reflect   sent back %llu with XDP_TX (port 7777), passed %llu\n",
	       (unsigned long long)var(rf, "rf_reflected"), (unsigned long long)var(rf, "rf_passed"));
	bad |= expect(ctx, "xdp_count UDP packets", var(cnt, "count_udp"), 15);
	bad |= expect(ctx, "xdp_firewall drops", var(fw, "fw_dropped"), 5);
	bad |= expect(ctx, "xdp_reflect reflections", var(rf, "rf_reflected"), 5);
	/* reflect runs after the firewall: it never sees the dropped ones. */
	bad |= expect(ctx, "packets reaching xdp_reflect",
		      var(rf, "rf_reflected") + var(rf, "rf_passed"), var(fw, "fw_passed"));
	if (bad)
		return -1;

	printf("\n3. detaching the firewall; the other two keep running\n");
	err = xdpchain_detach_name(ifindex, "xdp_firewall", &dopts);
	if (err) {
		cli_error(ctx, "cannot detach xdp_firewall: %s", strerror(-err));
		return -1;
	}
	show_chain(ifindex, ctx->root);
	fw->id = 0;
	printf("   sending 5 more packets to port 9999: nobody drops them now\n");
	if (demo_send_udp(IF_PEER, IF_CHAIN, 9999, 5)) {
		cli_error(ctx, "cannot send packets: %s", strerror(errno));
		return -1;
	}
	printf("   xdp_count     saw %llu UDP packets in all\n",
	       (unsigned long long)var(cnt, "count_udp"));
	printf("   xdp_reflect   passed %llu in all\n", (unsigned long long)var(rf, "rf_passed"));
	bad |= expect(ctx, "xdp_count UDP packets", var(cnt, "count_udp"), 20);
	bad |= expect(ctx, "xdp_reflect reflections", var(rf, "rf_reflected"), 5);
	if (bad)
		return -1;

	printf("\n4. detaching everything\n");
	err = xdpchain_detach_all(ifindex, &dopts);
	if (err) {
		cli_error(ctx, "cannot detach the chain: %s", strerror(-err));
		return -1;
	}
	show_chain(ifindex, ctx->root);
	return 0;
}

int cmd_demo(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "mode", required_argument, NULL, 'm' },
		{ "keep", no_argument, NULL, 'k' },
		{},
	};
	enum xdpchain_backend backend = XDPCHAIN_BACKEND_AUTO;
	enum xdpchain_mode mode = XDPCHAIN_MODE_NATIVE;
	bool keep = false;
	char ns[64];
	int c, ret, err;

	while ((c = getopt_long(argc, argv, "b:m:k", longopts, NULL)) != -1) {
		ret = 0;
		if (c == 'b')
			ret = opt_backend(ctx, optarg, &backend);
		else if (c == 'm')
			ret = opt_mode(ctx, optarg, &mode);
		else if (c == 'k')
			keep = true;
		else
			ret = CLI_EXIT_USAGE;
		if (ret)
			return ret;
	}
	if (ctx->json) {
		cli_error(ctx, "demo has no JSON output");
		return CLI_EXIT_USAGE;
	}
	err = demo_ensure_bpffs();
	if (err) {
		cli_error(ctx, "cannot mount bpffs on /sys/fs/bpf: %s", strerror(-err));
		return CLI_EXIT_FAIL;
	}
	snprintf(ns, sizeof(ns), "xdpchain-demo-%d", (int)getpid());
	printf("xdpchain demo: network namespace %s, veth pair " IF_CHAIN " <-> " IF_PEER "\n",
	       ns);
	printf("backend auto resolves to %s on this kernel\n",
	       xdpchain_backend_str(xdpchain_probe_backend()));
	fflush(stdout);
	if (demo_sh("ip netns add %s", ns) ||
	    demo_sh("ip -n %s link add " IF_CHAIN " type veth peer name " IF_PEER, ns) ||
	    demo_sh("ip -n %s addr add 10.11.12.1/24 dev " IF_CHAIN, ns) ||
	    demo_sh("ip -n %s addr add 10.11.12.2/24 dev " IF_PEER, ns) ||
	    demo_sh("ip -n %s link set " IF_CHAIN " up && ip -n %s link set " IF_PEER " up", ns,
		    ns)) {
		cli_error(ctx, "cannot create the demo network (is iproute2 installed?)");
		demo_sh("ip netns del %s 2>/dev/null", ns);
		return CLI_EXIT_FAIL;
	}
	err = demo_enter_netns(ns);
	if (err) {
		cli_error(ctx, "cannot enter %s: %s", ns, strerror(-err));
		ret = -1;
	} else {
		ret = run(ctx, mode, backend);
	}
	fflush(stdout);
	if (keep) {
		printf("\nkept: ip netns exec %s xdpchain status; clean up with "
		       "'ip netns del %s'\n", ns, ns);
	} else {
		if (ret) {
			XDPCHAIN_OPTS(xdpchain_detach_opts, dopts, .bpffs_root = ctx->root);
			unsigned int idx = if_nametoindex(IF_CHAIN);

			if (idx)
				xdpchain_detach_all((int)idx, &dopts);
		}
		demo_sh("ip netns del %s", ns);
		printf("\nremoved namespace %s\n", ns);
	}
	if (ret)
		return CLI_EXIT_FAIL;
	printf("demo passed\n");
	return CLI_EXIT_OK;
}
