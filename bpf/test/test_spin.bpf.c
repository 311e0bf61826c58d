// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * A known workload for the dispatcher's per-program time (suite-stats,
 * docs/performance.md): each program spins a fixed number of iterations of
 * the same loop body and passes the packet, so the time the dispatcher
 * measures for t_spin1000 must be about ten times t_spin100's, less the
 * fixed cost of a call. A bounded loop (Linux 5.3), not bpf_loop (5.17):
 * the suites run on 5.10 too.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __always_inline int spin(struct xdp_md *ctx, unsigned int n)
{
	__u64 acc = ctx->ingress_ifindex;

	/* The asm keeps every iteration: clang can neither fold the loop
	 * nor unroll it away (the verifier walks each iteration once). */
#pragma clang loop unroll(disable)
	for (unsigned int i = 0; i < n; i++) {
		acc = acc * 33 + i;
		asm volatile("" : "+r"(acc));
	}
	return acc == 1 ? XDP_DROP : XDP_PASS; /* never 1 in practice */
}

SEC("xdp")
int t_spin100(struct xdp_md *ctx)
{
	return spin(ctx, 100);
}

SEC("xdp")
int t_spin1000(struct xdp_md *ctx)
{
	return spin(ctx, 1000);
}

char _license[] SEC("license") = "GPL";
