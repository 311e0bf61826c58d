/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* xdpchain-demo, a program of its own (not a command of the xdpchain
 * CLI): the command line (main.c), the story and its checks (demo.c),
 * making and unmaking its world (demo_env.c), the throwaway network
 * (demo_net.c), the traffic on it (demo_pkt.c), the programs' kernel
 * objects (demo_bpf.c), the bpffs it needs (demo_bpffs.c) and its
 * messages (demo_log.c). It uses libxdpchain's public API only. */
#ifndef XDPCHAIN_DEMO_H
#define XDPCHAIN_DEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/if_ether.h>
#include <linux/types.h>
#include <xdpchain/xdpchain.h>

#define DEMO_NAME "xdpchain-demo" /* the program, in its messages */
/* The state root the demo passes to every library call (see
 * demo_bpffs.c): the default one, whatever $XDPCHAIN_BPFFS_ROOT says. */
#define DEMO_ROOT XDPCHAIN_DEFAULT_ROOT
/* The xdpchain CLI that --keep's advice names (meson: the one it built). */
#ifndef DEMO_CLI
#define DEMO_CLI "xdpchain"
#endif

#define DEMO_IF_CHAIN "xdemo0" /* runs the chain */
#define DEMO_IF_PEER "xdemo1"  /* sends the packets */
#define DEMO_ADDR_CHAIN "10.11.12.1"
#define DEMO_ADDR_PEER "10.11.12.2"
#define DEMO_PREFIX "24"
#define DEMO_SRC_PORT 40000
#define DEMO_PORT_BLOCKED 9999 /* xdp_firewall's blocked_port */
#define DEMO_PORT_REFLECT 7777 /* xdp_reflect's reflect_port */
#define DEMO_PORT_OPEN 5000
#define DEMO_WAIT_MS 2000      /* for packets, and for programs to go */

/* ---- demo_net.c: a network namespace holding a veth pair ---- */

struct demo_net {
	char name[64];  /* "xdpchain-demo-<pid>" */
	__u64 ino;      /* the namespace's inode (names its bpffs state) */
	int home_fd;    /* our original namespace while inside, else -1 */
	bool created;   /* /run/netns/<name> exists because of us */
};

/* Name it ("xdpchain-demo-<pid>"); nothing exists yet. */
void demo_net_init(struct demo_net *net);
/* Create the namespace, enter it (setns: this thread only) and build the
 * veth pair, addressed and up. On failure the caller still calls
 * demo_net_destroy(). */
int demo_net_create(struct demo_net *net);
/* Go back to the original namespace (keeping the demo's). */
int demo_net_leave(struct demo_net *net);
/* Go back to the original namespace and delete the demo's. */
int demo_net_destroy(struct demo_net *net);
/* Whether /run/netns/<name> still exists. */
bool demo_net_exists(const struct demo_net *net);

/* ---- demo_pkt.c: frames sent from the peer and what comes back ---- */

struct demo_pkt {
	int raw_fd;                  /* AF_PACKET on the peer, IPv4 only */
	int peer_ifindex;
	unsigned char chain_mac[ETH_ALEN];
	unsigned char peer_mac[ETH_ALEN];
	__u16 seq;                   /* IP id of the next frame */
};

int demo_pkt_open(struct demo_pkt *pk);
void demo_pkt_close(struct demo_pkt *pk);
/* Send count Ethernet/IPv4/UDP frames from the peer to the chain's
 * address, UDP port dport, with valid IP and UDP checksums. */
int demo_pkt_send(struct demo_pkt *pk, __u16 dport, int count);

struct demo_reflected {
	unsigned int good; /* answers from port, to us, checksums intact */
	unsigned int bad;  /* answers from port with a wrong header or sum */
};
/* Read (without blocking) what arrived on the peer and count the
 * answers from UDP port `port`. */
int demo_pkt_reflected(struct demo_pkt *pk, __u16 port, struct demo_reflected *r);

/* A non-blocking UDP socket bound to addr:port (an application). */
int demo_udp_open(const char *addr, __u16 port);
/* Datagrams read from it (without blocking), or a negative errno. */
int demo_udp_drain(int fd);

/* ---- demo_bpf.c: kernel objects of the demo's programs ---- */

/* Copy the .bss of the program with id prog_id (its global variables;
 * value size must be size) into val. */
int demo_bpf_read_bss(__u32 prog_id, void *val, size_t size);
/* Attach a one-instruction XDP_PASS program in native mode (what veth
 * needs to deliver XDP_TX frames of its peer); *prog_id gets its id. */
int demo_bpf_attach_pass(int ifindex, __u32 *prog_id);
/* Whether a program with this id is still loaded, waiting up to
 * timeout_ms for the kernel's deferred release. */
bool demo_bpf_prog_alive(__u32 prog_id, int timeout_ms);

/* ---- demo_bpffs.c: the BPF filesystem under DEMO_ROOT ---- */

/* Mount bpffs on /sys/fs/bpf if it is not a bpffs yet; *mounted says
 * whether it did. */
int demo_bpffs_ensure(bool *mounted);
/* Whether the library's state directory of namespace ino exists. */
bool demo_bpffs_ns_state_exists(__u64 ino);

/* ---- demo_log.c: messages ---- */

/* "Error: xdpchain-demo: <message>" on stderr. */
void demo_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* libbpf's messages: warnings only (the library's own callback, the
 * default one, prints its warnings). */
void demo_log_init(void);

/* ---- demo_env.c: the demo's world, made and unmade ---- */

enum { DEMO_FW, DEMO_RF, DEMO_CNT, DEMO_NR_PROGS };
/* The applications: UDP sockets behind the chain and on the peer. */
enum { DEMO_APP_OPEN, DEMO_APP_BLOCKED, DEMO_APP_PEER, DEMO_NR_APPS };

struct demo_seen {
	struct demo_reflected answers; /* on the peer, from DEMO_PORT_REFLECT */
	int app[DEMO_NR_APPS];         /* datagrams each application got */
};

struct demo {
	enum xdpchain_mode mode;
	enum xdpchain_backend backend;
	int ifindex; /* of DEMO_IF_CHAIN, once created */
	__u32 id[DEMO_NR_PROGS]; /* kernel ids, once attached */
	bool detached[DEMO_NR_PROGS];
	__u32 dispatcher_id[4];  /* every dispatcher seen (one per change) */
	unsigned int nr_dispatchers;
	__u32 peer_pass_id;      /* XDP_PASS on the peer (native mode) */
	struct demo_net net;
	struct demo_pkt pk;
	int app_fd[DEMO_NR_APPS];
	struct demo_seen seen;   /* what arrived so far */
	int bad;                 /* failed checks */
};

/* Zero d, with no file descriptor open. */
void demo_init(struct demo *d);
/* Catch SIGINT, SIGTERM, SIGHUP and SIGPIPE (unless ignored on entry) so
 * the teardown still runs; restore what was there. */
int demo_catch_signals(void);
void demo_restore_signals(void);
/* Whether a caught signal came (said once, as an error). */
bool demo_interrupted(struct demo *d);
/* The namespace, veth pair and sockets, entered. */
int demo_setup(struct demo *d);
/* Detach everything and delete the namespace; with verify, check and
 * say that nothing is left. Also after failures and signals. */
int demo_teardown(struct demo *d, bool verify);
/* --keep: leave everything, say how to look at it and clean up. */
int demo_keep(struct demo *d);

/* ---- demo.c: the story and its checks ---- */

/* Attach the three programs, send traffic, detach one, checking every
 * number on the way (inside the namespace demo_setup() made). 0 if all
 * went as it should. */
int demo_run(struct demo *d);

#endif
