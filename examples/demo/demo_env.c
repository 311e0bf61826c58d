// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* The demo's world, made and unmade: signals, the namespace with its
 * veth pair and sockets, and a teardown that leaves nothing behind and
 * checks that it did not. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include "demo.h"

static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
#define NR_SIGS (sizeof(sigs) / sizeof(sigs[0]))
static struct sigaction old_sa[NR_SIGS];
static volatile sig_atomic_t stop_sig;
static bool stop_said;

static void on_signal(int sig)
{
	stop_sig = sig;
}

void demo_init(struct demo *d)
{
	memset(d, 0, sizeof(*d));
	d->mode = XDPCHAIN_MODE_NATIVE;
	d->backend = XDPCHAIN_BACKEND_AUTO;
	d->pk.raw_fd = -1;
	for (int i = 0; i < DEMO_NR_APPS; i++)
		d->app_fd[i] = -1;
	demo_net_init(&d->net);
}

static void restore(size_t n)
{
	for (size_t i = 0; i < n; i++)
		sigaction(sigs[i], &old_sa[i], NULL); /* cannot fail: it was set */
}

/* Ctrl-C, kill, a hangup or a closed output pipe must not leave a
 * namespace and a chain behind: the steps notice the flag and the
 * teardown runs. Signals ignored on entry (nohup, a background job) stay
 * ignored. SA_RESTART keeps the library's system calls from failing with
 * EINTR; sleeps are cut short and look at the flag. */
int demo_catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };

	stop_sig = 0;
	stop_said = false;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NR_SIGS; i++) {
		if (sigaction(sigs[i], NULL, &old_sa[i]) ||
		    (old_sa[i].sa_handler != SIG_IGN && sigaction(sigs[i], &sa, NULL))) {
			restore(i);
			return -errno;
		}
	}
	return 0;
}

void demo_restore_signals(void)
{
	restore(NR_SIGS);
}

bool demo_interrupted(struct demo *d)
{
	if (!stop_sig)
		return false;
	if (!stop_said)
		demo_error("interrupted by signal %d: cleaning up", (int)stop_sig);
	stop_said = true;
	return true;
}

int demo_setup(struct demo *d)
{
	static const struct {
		const char *addr;
		__u16 port;
	} apps[DEMO_NR_APPS] = {
		[DEMO_APP_OPEN] = { DEMO_ADDR_CHAIN, DEMO_PORT_OPEN },
		[DEMO_APP_BLOCKED] = { DEMO_ADDR_CHAIN, DEMO_PORT_BLOCKED },
		[DEMO_APP_PEER] = { DEMO_ADDR_PEER, DEMO_SRC_PORT },
	};
	int err;

	printf("Creating network namespace %s with veth pair " DEMO_IF_CHAIN " (" DEMO_ADDR_CHAIN
	       ") <-> " DEMO_IF_PEER " (" DEMO_ADDR_PEER ")\n", d->net.name);
	if (demo_net_create(&d->net)) {
		demo_error("cannot create the demo network");
		return -1;
	}
	d->ifindex = (int)if_nametoindex(DEMO_IF_CHAIN);
	if (!d->ifindex) {
		demo_error(DEMO_IF_CHAIN ": %s", strerror(errno));
		return -1;
	}
	if (d->mode == XDPCHAIN_MODE_NATIVE) {
		err = demo_bpf_attach_pass((int)if_nametoindex(DEMO_IF_PEER), &d->peer_pass_id);
		if (err) {
			demo_error("cannot attach XDP_PASS to " DEMO_IF_PEER ": %s",
				   strerror(-err));
			return -1;
		}
		printf("   " DEMO_IF_PEER " runs a bare XDP_PASS program (id %u): in native mode "
		       "veth delivers XDP_TX\n   frames to a peer only if the peer runs XDP "
		       "too\n", d->peer_pass_id);
	}
	err = demo_pkt_open(&d->pk);
	if (err) {
		demo_error("cannot open a packet socket on " DEMO_IF_PEER ": %s",
			   strerror(-err));
		return -1;
	}
	for (int i = 0; i < DEMO_NR_APPS; i++) {
		d->app_fd[i] = demo_udp_open(apps[i].addr, apps[i].port);
		if (d->app_fd[i] < 0) {
			demo_error("cannot open a UDP socket on %s:%d: %s", apps[i].addr,
				   apps[i].port, strerror(-d->app_fd[i]));
			return -1;
		}
	}
	return 0;
}

static void close_sockets(struct demo *d)
{
	demo_pkt_close(&d->pk);
	for (int i = 0; i < DEMO_NR_APPS; i++) {
		if (d->app_fd[i] >= 0)
			close(d->app_fd[i]);
		d->app_fd[i] = -1;
	}
}

/* Whether there is a chain to detach (on an error: assume there is). */
static bool chain_exists(struct demo *d)
{
	XDPCHAIN_OPTS(xdpchain_query_opts, qo, .bpffs_root = DEMO_ROOT);
	struct xdpchain_chain *c = xdpchain_chain__get(d->ifindex, &qo);

	if (c) {
		xdpchain_chain__free(c);
		return true;
	}
	return errno != ENOENT;
}

static int detach_all(struct demo *d, bool verify)
{
	XDPCHAIN_OPTS(xdpchain_detach_opts, dopts, .bpffs_root = DEMO_ROOT);
	__u32 id = 0;
	int err;

	/* Only from inside the namespace, where ifindex means xdemo0. */
	if (!d->ifindex || d->net.home_fd < 0 || !chain_exists(d))
		return 0;
	err = xdpchain_detach_all(d->ifindex, &dopts);
	if (err && err != -ENOENT) {
		demo_error("cannot detach the chain of " DEMO_IF_CHAIN ": %s",
			   strerror(-err));
		return -1;
	}
	if (!verify)
		return 0;
	printf("   xdpchain_detach_all(" DEMO_IF_CHAIN "): dispatcher and programs detached\n");
	err = xdpchain_foreign_prog(d->ifindex, &id, NULL, 0);
	if (err || id) {
		demo_error("check failed: %s on " DEMO_IF_CHAIN,
			   err ? "cannot query the XDP program" : "an XDP program still runs");
		return -1;
	}
	return 0;
}

/* After the namespace is gone: its state, and every program the demo
 * saw, must be gone too. */
static int verify_gone(struct demo *d)
{
	__u32 ids[DEMO_NR_PROGS + 1 + sizeof(d->dispatcher_id) / sizeof(__u32)];
	int ret = 0;

	if (demo_net_exists(&d->net)) {
		demo_error("check failed: namespace %s still exists", d->net.name);
		ret = -1;
	}
	if (demo_bpffs_ns_state_exists(d->net.ino)) {
		demo_error("check failed: the namespace's state is left in " DEMO_ROOT);
		ret = -1;
	}
	memcpy(ids, d->id, sizeof(d->id));
	ids[DEMO_NR_PROGS] = d->peer_pass_id;
	memcpy(ids + DEMO_NR_PROGS + 1, d->dispatcher_id, sizeof(d->dispatcher_id));
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		if (ids[i] && demo_bpf_prog_alive(ids[i], DEMO_WAIT_MS)) {
			demo_error("check failed: program %u is still loaded", ids[i]);
			ret = -1;
		}
	}
	if (!ret)
		printf("   nothing left: no namespace, no state in " DEMO_ROOT "; the dispatchers "
		       "and programs are unloaded\n");
	return ret;
}

int demo_teardown(struct demo *d, bool verify)
{
	bool had_ns = d->net.created;
	int ret;

	close_sockets(d);
	if (verify)
		printf("\n4. Removing everything\n");
	ret = detach_all(d, verify);
	if (demo_net_destroy(&d->net)) {
		demo_error("cannot delete network namespace %s", d->net.name);
		return -1;
	}
	if (!verify) {
		if (had_ns)
			printf("Cleaned up: chain detached if any, namespace %s deleted\n",
			       d->net.name);
		return ret;
	}
	printf("   deleted network namespace %s\n", d->net.name);
	return verify_gone(d) || ret ? -1 : 0;
}

/* Not "ip netns exec": it remounts /sys, which hides /sys/fs/bpf. The
 * xdpchain CLI built with the demo (DEMO_CLI) if it is there, else the
 * one in PATH; -r if $XDPCHAIN_BPFFS_ROOT would send it elsewhere than
 * the demo's state. */
int demo_keep(struct demo *d)
{
	const char *cli = access(DEMO_CLI, X_OK) ? "xdpchain" : DEMO_CLI;
	const char *env = secure_getenv(XDPCHAIN_ROOT_ENV);
	const char *opt = env && *env ? " -r " DEMO_ROOT : "";

	close_sockets(d);
	if (demo_net_leave(&d->net))
		return -1;
	printf("\n--keep: the chain still runs in namespace %s. Look at it and clean up with:\n"
	       "   nsenter --net=/run/netns/%s %s%s status " DEMO_IF_CHAIN "\n"
	       "   nsenter --net=/run/netns/%s %s%s detach " DEMO_IF_CHAIN " --all\n"
	       "   ip netns del %s\n",
	       d->net.name, d->net.name, cli, opt, d->net.name, cli, opt, d->net.name);
	return 0;
}
