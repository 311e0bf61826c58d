// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Probe: loading this program as EXT against slot_0 of a dispatcher with
 * one freplace slot tells whether the kernel allows freplace for this
 * process. SEC("xdp"), not SEC("xdp"): the library gives it
 * its target the way it gives chained programs theirs (lib/ext_load.c). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdpchain_probe(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
