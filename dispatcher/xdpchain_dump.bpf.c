// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * The observer behind "xdpchain dump": for each packet the chain decided
 * on, if the verdict and the deciding program pass the filters, a header
 * (the decision) and the packet's first bytes go to user space through a
 * perf event ring buffer (one per CPU).
 *
 * Why a perf event array and not a BPF ring buffer: bpf_perf_event_output()
 * copies the packet bytes straight from the XDP context, any length up to
 * the packet's, in the one helper call, on every kernel xdpchain supports.
 * With a BPF ring buffer the program would reserve a fixed size and copy
 * the bytes itself (bpf_xdp_load_bytes() is Linux 5.18+; a byte loop costs
 * a bounded loop in the verifier and per packet).
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

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} xdpchain_dump_events SEC(".maps");

/* __always_inline: one body for both sections below, each its own program. */
static __always_inline int dump(struct xdp_md *ctx)
{
	const struct xdpchain_decision *d = xdpchain_observed();
	struct xdpchain_dump_hdr h = {};
	__u64 len, cap;
	__u32 v;

	if (!d)
		return XDP_PASS;
	v = (__u32)d->verdict <= XDP_REDIRECT ? (__u32)d->verdict : XDPCHAIN_DUMP_OTHER;
	if (!((verdict_mask >> v) & 1))
		return XDP_PASS;
	if (prog_filter && d->prog_id != prog_filter)
		return XDP_PASS;
	len = (__u64)(ctx->data_end - ctx->data);
	cap = len < snaplen ? len : snaplen;
	h.ts_ns = bpf_ktime_get_ns();
	h.verdict = d->verdict;
	h.slot = d->slot;
	h.prog_id = d->prog_id;
	h.pkt_len = (__u32)len;
	h.cap_len = (__u32)cap;
	h.ifindex = ctx->ingress_ifindex;
	/* The upper 32 bits of the flags: how many packet bytes to append
	 * after h (BPF_F_CTXLEN_MASK). A full buffer loses the sample, which
	 * user space counts; the packet is not affected either way. */
	bpf_perf_event_output(ctx, &xdpchain_dump_events,
			      BPF_F_CURRENT_CPU | ((cap << 32) & BPF_F_CTXLEN_MASK), &h, sizeof(h));
	/* Ignored: an observer's verdict is not the chain's. */
	return XDP_PASS;
}

/* One per kind of chain: the dump command picks the one that matches the
 * chain's multi-buffer flag (a tail-call program must match it). */
SEC("xdp")
int xdpchain_dump(struct xdp_md *ctx)
{
	return dump(ctx);
}

SEC("xdp.frags")
int xdpchain_dump_frags(struct xdp_md *ctx)
{
	return dump(ctx);
}

char _license[] SEC("license") = "GPL";
