// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * Programs written in the styles that deployments use, for
 * tests/kernel/suite-programs.sh: each joins a chain like any other and
 * real packets (xdptest send: 128-byte IPv4/UDP frames with the "XCTR"
 * payload at offset 42) show what it did. Each program counts in its own
 * hits_<name> (xdptest hits PROG_ID): every program is loaded on its own,
 * with its own .bss, so only its own counter moves. What a hit means is
 * said at each program; a test asserts on it.
 *
 *   s_push, s_pop      bpf_xdp_adjust_head: an outer Ethernet header
 *                      (ethertype 0x88b5) pushed in front, popped again
 *   s_trim             bpf_xdp_adjust_tail: 16 bytes off the end
 *   s_exact, s_trimmed the checkers: the xdptest frame as sent, or trimmed
 *   s_meta_set/get     metadata written before the packet by one program
 *                      (bpf_xdp_adjust_meta), read by a later one
 *   s_redirect_map     UDP to port 7777 out through a DEVMAP entry
 *   s_redirect         the same with bpf_redirect() to an ifindex in a map
 *   s_calls            bpf2bpf: a global and a static subprogram decide
 *   s_bigstack         a 496-byte stack frame (the limit is 512)
 * bpf_loop is in test_loop.bpf.c: Linux 5.17 and later only.
 */
#include "parse.h"

#define TRACE_OFF (14 + 20 + 8)
#define FRAME_LEN 128 /* xdptest's frames */
#define TRIM 16
#define ETH_P_ENCAP 0x88b5 /* IEEE 802 local experimental ethertype */
#define META_MAGIC 0x4154454d /* "META" */
#define REDIRECT_PORT 7777

__u64 hits_s_push, hits_s_pop, hits_s_trim, hits_s_exact, hits_s_trimmed;
__u64 hits_s_meta_set, hits_s_meta_get, hits_s_redirect_map, hits_s_redirect;
__u64 hits_s_calls, hits_s_bigstack;
/* What s_meta_get found last (for a failing test's message). */
__u32 meta_seen_len, meta_seen_seq;

/* The frame xdptest sent, unchanged in length and headers? */
static __always_inline bool xdptest_frame(struct xdp_md *ctx, __u32 len)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u8 *p = data + TRACE_OFF;
	struct pkt pk;

	if (data + len != end)
		return false;
	parse(ctx, &pk);
	if (!pk.udp || (void *)(p + 4) > end)
		return false;
	return p[0] == 'X' && p[1] == 'C' && p[2] == 'T' && p[3] == 'R';
}

/* ---- bpf_xdp_adjust_head: encapsulation ---- */

/* Pushes an outer Ethernet header (the frame's own addresses, ethertype
 * 0x88b5) in front of every frame; a hit is a push. */
SEC("xdp")
int s_push(struct xdp_md *ctx)
{
	struct ethhdr *outer, *inner;
	void *data, *end;

	if (bpf_xdp_adjust_head(ctx, -(int)sizeof(struct ethhdr)))
		return XDP_PASS;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	outer = data;
	inner = data + sizeof(*outer);
	if ((void *)(inner + 1) > end)
		return XDP_ABORTED;
	__builtin_memcpy(outer->h_dest, inner->h_dest, ETH_ALEN);
	__builtin_memcpy(outer->h_source, inner->h_source, ETH_ALEN);
	outer->h_proto = bpf_htons(ETH_P_ENCAP);
	__sync_fetch_and_add(&hits_s_push, 1);
	return XDP_PASS;
}

/* Pops the outer header s_push added; a hit is a pop that left an IPv4
 * frame. Frames without the outer header pass untouched. */
SEC("xdp")
int s_pop(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *outer = data, *inner;

	if ((void *)(outer + 1) > end || outer->h_proto != bpf_htons(ETH_P_ENCAP))
		return XDP_PASS;
	if (bpf_xdp_adjust_head(ctx, (int)sizeof(struct ethhdr)))
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	inner = data;
	if ((void *)(inner + 1) > end)
		return XDP_ABORTED;
	if (inner->h_proto == bpf_htons(ETH_P_IP))
		__sync_fetch_and_add(&hits_s_pop, 1);
	return XDP_PASS;
}

/* ---- bpf_xdp_adjust_tail ---- */

/* Trims 16 bytes off xdptest's frames; a hit is a trim. */
SEC("xdp")
int s_trim(struct xdp_md *ctx)
{
	if (!xdptest_frame(ctx, FRAME_LEN))
		return XDP_PASS;
	if (bpf_xdp_adjust_tail(ctx, -TRIM))
		return XDP_ABORTED;
	__sync_fetch_and_add(&hits_s_trim, 1);
	return XDP_PASS;
}

/* A hit: xdptest's frame exactly as sent (128 bytes, headers in place). */
SEC("xdp")
int s_exact(struct xdp_md *ctx)
{
	if (xdptest_frame(ctx, FRAME_LEN))
		__sync_fetch_and_add(&hits_s_exact, 1);
	return XDP_PASS;
}

/* A hit: xdptest's frame 16 bytes shorter, headers in place. */
SEC("xdp")
int s_trimmed(struct xdp_md *ctx)
{
	if (xdptest_frame(ctx, FRAME_LEN - TRIM))
		__sync_fetch_and_add(&hits_s_trimmed, 1);
	return XDP_PASS;
}

/* ---- metadata: one program writes, a later one reads ---- */

struct meta {
	__u32 magic;
	__u32 seq;
};

/* Writes {magic, sequence number} in the metadata area in front of the
 * packet; a hit is a write. */
SEC("xdp")
int s_meta_set(struct xdp_md *ctx)
{
	struct meta *m;
	void *data;

	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(*m)))
		return XDP_PASS; /* the driver keeps no metadata: no hit */
	m = (void *)(long)ctx->data_meta;
	data = (void *)(long)ctx->data;
	if ((void *)(m + 1) > data)
		return XDP_ABORTED;
	m->magic = META_MAGIC;
	/* Not the value __sync_fetch_and_add() returns: that is a fetching
	 * atomic (BPF_ATOMIC | BPF_FETCH), which Linux 5.10's verifier
	 * refuses ("BPF_STX uses reserved fields"); the plain add is XADD.
	 * The test sends one packet at a time, so read-then-add is exact. */
	m->seq = hits_s_meta_set + 1;
	__sync_fetch_and_add(&hits_s_meta_set, 1);
	return XDP_PASS;
}

/* A hit: the metadata s_meta_set wrote is in front of the packet. */
SEC("xdp")
int s_meta_get(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	struct meta *m = (void *)(long)ctx->data_meta;

	meta_seen_len = (__u32)(data - (void *)m);
	if ((void *)(m + 1) > data)
		return XDP_PASS;
	meta_seen_seq = m->seq;
	if (m->magic == META_MAGIC)
		__sync_fetch_and_add(&hits_s_meta_get, 1);
	return XDP_PASS;
}

/* ---- redirection: UDP to port 7777 leaves through another device ---- */

/* Where s_redirect_map sends: entry 0, an ifindex (set by the test). */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} tx_ports SEC(".maps");

/* Where s_redirect sends: entry 0, an ifindex (set by the test). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} redirect_cfg SEC(".maps");

static __always_inline bool to_redirect(struct xdp_md *ctx)
{
	struct pkt p;

	parse(ctx, &p);
	return p.udp && p.udp->dest == bpf_htons(REDIRECT_PORT);
}

/* A hit: a redirect the helper accepted (its verdict is the program's;
 * an empty entry 0 aborts). */
SEC("xdp")
int s_redirect_map(struct xdp_md *ctx)
{
	long ret;

	if (!to_redirect(ctx))
		return XDP_PASS;
	ret = bpf_redirect_map(&tx_ports, 0, 0);
	if (ret == XDP_REDIRECT)
		__sync_fetch_and_add(&hits_s_redirect_map, 1);
	return (int)ret;
}

SEC("xdp")
int s_redirect(struct xdp_md *ctx)
{
	__u32 key = 0, *ifindex;
	long ret;

	if (!to_redirect(ctx))
		return XDP_PASS;
	ifindex = bpf_map_lookup_elem(&redirect_cfg, &key);
	if (!ifindex || !*ifindex)
		return XDP_ABORTED;
	ret = bpf_redirect(*ifindex, 0);
	if (ret == XDP_REDIRECT)
		__sync_fetch_and_add(&hits_s_redirect, 1);
	return (int)ret;
}

/* ---- bpf2bpf calls: a global and a static subprogram ---- */

/* A global function: verified on its own, once, whatever calls it. The
 * UDP destination port, or 0. */
__attribute__((noinline)) int styles_udp_dport(struct xdp_md *ctx)
{
	struct pkt p;

	parse(ctx, &p);
	return p.udp ? bpf_ntohs(p.udp->dest) : 0;
}

/* A static function: verified with each caller. */
static __attribute__((noinline)) int blocked(int port)
{
	return port == REDIRECT_PORT;
}

/* Drops UDP to port 7777 as its subprograms decide; a hit is a drop. */
SEC("xdp")
int s_calls(struct xdp_md *ctx)
{
	if (!blocked(styles_udp_dport(ctx)))
		return XDP_PASS;
	__sync_fetch_and_add(&hits_s_calls, 1);
	return XDP_DROP;
}

/* ---- a stack frame near the 512-byte limit ---- */

#define BIG 496

/* Copies the frame into a 496-byte stack buffer (the first 128 bytes,
 * then the rest filled from them) and reads the payload's "XCTR" back
 * from its last copy; a hit is a match. The buffer is volatile so that
 * the compiler keeps all of it on the stack. */
SEC("xdp")
int s_bigstack(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	volatile __u8 buf[BIG];
	__u8 *pkt = data;
	int i;

	if (data + FRAME_LEN > end)
		return XDP_PASS;
	for (i = 0; i < FRAME_LEN; i++)
		buf[i] = pkt[i];
	for (i = FRAME_LEN; i < BIG; i++)
		buf[i] = buf[i - FRAME_LEN];
	/* The last whole copy starts at 3 * 128 = 384. */
	if (buf[384 + TRACE_OFF] == 'X' && buf[384 + TRACE_OFF + 1] == 'C' &&
	    buf[384 + TRACE_OFF + 2] == 'T' && buf[384 + TRACE_OFF + 3] == 'R')
		__sync_fetch_and_add(&hits_s_bigstack, 1);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
