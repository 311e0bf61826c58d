// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * The observer behind "xdpchain dump": for each packet the chain decided
 * on, if the verdict and the deciding program pass the filters, a header
 * (the decision) and the packet's first bytes go to user space through a
 * BPF ring buffer.
 *
 * Why a BPF ring buffer and not a perf event array: reading a perf event
 * array takes one perf event per CPU, which perf_event_open() grants only
 * with CAP_PERFMON, and on Debian's kernels (perf_event_paranoid 3) only
 * with CAP_SYS_ADMIN; a ring buffer is a map, read through its own
 * mapping. The price: a record has a size fixed at compile time, and the
 * program copies the bytes itself (bpf_xdp_load_bytes() is Linux 5.18+),
 * 8 at a time, in a bounded loop.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <xdpchain/prog.h>
#include "xdpchain_dump.h"

XDPCHAIN_OBSERVER_MAP;

/*
 * const volatile: set by the dump command before load, then frozen, so the
 * verifier sees constants: a filter that is not used costs no instruction
 * (volatile keeps clang from folding the defaults into the code).
 */
const volatile __u32 verdict_mask = XDPCHAIN_DUMP_ALL; /* bit v: verdict v */
const volatile __u32 prog_filter;                      /* 0: any program */
const volatile __u32 snaplen = XDPCHAIN_DUMP_SNAPLEN_MAX;

/* Records the ring buffer had no room for (read by the dump command). */
__u64 lost;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, XDPCHAIN_DUMP_RING_SIZE);
} xdpchain_dump_ring SEC(".maps");

/* __always_inline: one body for both sections below, each its own program.
 * frags: the frags-aware program, which may see a packet of several
 * buffers: its length is the whole frame's (bpf_xdp_get_buff_len(), Linux
 * 5.18+, where xdp.frags chains begin), not data_end - data (the first
 * buffer only: 3,520 of a 9,000-byte frame on virtio_net). The bytes
 * copied stay those of the first buffer. */
static __always_inline int dump(struct xdp_md *ctx, int frags)
{
	const struct xdpchain_decision *d = xdpchain_observed();
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct xdpchain_dump_rec *r;
	__u32 v, len, cap, off;

	if (!d)
		return XDP_PASS;
	v = (__u32)d->verdict <= XDP_REDIRECT ? (__u32)d->verdict : XDPCHAIN_DUMP_OTHER;
	if (!((verdict_mask >> v) & 1))
		return XDP_PASS;
	if (prog_filter && d->prog_id != prog_filter)
		return XDP_PASS;
	r = bpf_ringbuf_reserve(&xdpchain_dump_ring, sizeof(*r), 0);
	if (!r) {
		__sync_fetch_and_add(&lost, 1);
		return XDP_PASS;
	}
	len = (__u32)(end - data);
	cap = len < snaplen ? len : snaplen;
	if (frags)
		len = (__u32)bpf_xdp_get_buff_len(ctx);
	r->hdr.ts_ns = bpf_ktime_get_ns();
	r->hdr.verdict = d->verdict;
	r->hdr.slot = d->slot;
	r->hdr.prog_id = d->prog_id;
	r->hdr.pkt_len = len;
	r->hdr.cap_len = cap;
	r->hdr.ifindex = ctx->ingress_ifindex;
	/*
	 * 8 bytes at a time while 8 remain within cap, then byte by byte.
	 * The bound is a constant the verifier unrolls (1152 steps for the
	 * 9216-byte maximum, each checked against the packet's end, as the
	 * verifier needs); a packet stops the loop at its cap.
	 */
	for (off = 0; off + 8 <= XDPCHAIN_DUMP_SNAPLEN_MAX; off += 8) {
		if (off + 8 > cap || data + off + 8 > end)
			break;
		*(__u64 *)&r->data[off] = *(__u64 *)(data + off);
	}
	for (int i = 0; i < 8; i++, off++) {
		if (off >= cap || off >= XDPCHAIN_DUMP_SNAPLEN_MAX || data + off + 1 > end)
			break;
		r->data[off] = *(__u8 *)(data + off);
	}
	/* A full ring buffer would have lost the record, never the packet. */
	bpf_ringbuf_submit(r, 0);
	/* Ignored: an observer's verdict is not the chain's. */
	return XDP_PASS;
}

/* One per kind of chain: the dump command picks the one that matches the
 * chain's multi-buffer flag (a tail-call program must match it). */
SEC("xdp")
int xdpchain_dump(struct xdp_md *ctx)
{
	return dump(ctx, 0);
}

SEC("xdp.frags")
int xdpchain_dump_frags(struct xdp_md *ctx)
{
	return dump(ctx, 1);
}

char _license[] SEC("license") = "GPL";
