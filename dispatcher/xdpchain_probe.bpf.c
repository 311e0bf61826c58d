// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Probe: loading this EXT program against slot_0 of a dispatcher with one
 * freplace slot tells whether the kernel allows freplace for this process. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("freplace/slot_0")
int xdpchain_probe(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
