// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Probes: loading one of these programs as EXT against slot_0 of a
 * dispatcher with one freplace slot tells what the kernel allows this
 * process. SEC("xdp"), not SEC("freplace"): the library gives each its
 * target the way it gives chained programs theirs (lib/kobj/ext_load.c), and
 * loads one program at a time. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Whether freplace is allowed at all. */
SEC("xdp")
int xdpchain_probe(struct xdp_md *ctx)
{
	return XDP_PASS;
}

/* Global (not static) and noinline: the verifier checks a global function
 * on its own, from its BTF prototype, and must recognise its context
 * argument as the program type's. Linux 5.10 does not for an extension
 * (its "ctx" is the target's), so programs calling such functions cannot
 * be extensions there. The volatile read keeps the call from being
 * folded away. */
__attribute__((noinline)) int xdpchain_probe_global(struct xdp_md *ctx)
{
	volatile __u32 q = ctx->rx_queue_index;

	return q ? XDP_PASS : XDP_PASS;
}

/* Whether an extension may call a global function taking the context. */
SEC("xdp")
int xdpchain_probe_gcall(struct xdp_md *ctx)
{
	return xdpchain_probe_global(ctx);
}

char _license[] SEC("license") = "GPL";
