// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* A benchmark program that reads and writes the packet (swaps the
 * Ethernet addresses twice, leaving it unchanged), for the "mix" chains. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int b_touch(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	unsigned char tmp[ETH_ALEN];

	if ((void *)(eth + 1) > end)
		return XDP_ABORTED;
	for (int i = 0; i < 2; i++) {
		__builtin_memcpy(tmp, eth->h_source, ETH_ALEN);
		__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
		__builtin_memcpy(eth->h_dest, tmp, ETH_ALEN);
	}
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
