// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Example: drops IPv4 UDP packets to one blocked port. */
#include "parse.h"
#include "xdp_run_config.h"

/* const volatile: a loader may set it before load (skeleton rodata);
 * volatile keeps clang from folding the default into the code. */
const volatile __u16 blocked_port = 9999;

__u64 fw_dropped, fw_passed;

struct {
	__uint(priority, 20);
	__uint(XDP_PASS, 1);
} XDP_RUN_CONFIG(xdp_firewall);

SEC("xdp")
int xdp_firewall(struct xdp_md *ctx)
{
	struct pkt p;

	if (!parse(ctx, &p) && p.udp && p.udp->dest == bpf_htons(blocked_port)) {
		__sync_fetch_and_add(&fw_dropped, 1);
		return XDP_DROP;
	}
	__sync_fetch_and_add(&fw_passed, 1);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
