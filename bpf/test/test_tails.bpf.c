// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* A pipeline with tail calls of its own, as Cilium- and Katran-style
 * programs are built: xdp_pipe tail-calls stage 0 of its program array,
 * whose slot is declared with the object (libbpf fills it at load);
 * xdp_stage drops UDP to port 7777 and passes the rest. If the tail call
 * fails (an empty array), xdp_pipe says so with XDP_ABORTED. Counters in
 * .bss, read through attach --pin-maps (tests/kernel/scenarios.sh). */
#include "parse.h"

/* Per packet, in this order in .bss: what entered the pipeline, what the
 * stage saw, what it dropped. */
__u64 pipe_hits, stage_hits, stage_drops;

SEC("xdp")
int xdp_stage(struct xdp_md *ctx)
{
	struct pkt p;

	__sync_fetch_and_add(&stage_hits, 1);
	parse(ctx, &p);
	if (p.udp && p.udp->dest == bpf_htons(7777)) {
		__sync_fetch_and_add(&stage_drops, 1);
		return XDP_DROP;
	}
	return XDP_PASS;
}

/* Declared with its stage: libbpf puts xdp_stage in slot 0 when it loads
 * the object, so the whole object must be loaded, not xdp_pipe alone. */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__uint(key_size, sizeof(__u32));
	__array(values, int(void *));
} stages SEC(".maps") = {
	.values = { [0] = (void *)&xdp_stage },
};

SEC("xdp")
int xdp_pipe(struct xdp_md *ctx)
{
	__sync_fetch_and_add(&pipe_hits, 1);
	bpf_tail_call(ctx, &stages, 0);
	/* Reached only if the tail call did not happen. */
	return XDP_ABORTED;
}

char _license[] SEC("license") = "GPL";
