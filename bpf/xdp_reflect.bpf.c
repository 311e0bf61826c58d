// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Example: a tiny responder. IPv4 UDP to one port is sent back where it
 * came from (MACs, addresses and ports swapped) with XDP_TX. */
#include "parse.h"
#include "xdp_run_config.h"

const volatile __u16 reflect_port = 7777;

__u64 rf_reflected, rf_passed;

struct {
	__uint(priority, 30);
	__uint(XDP_PASS, 1);
} XDP_RUN_CONFIG(xdp_reflect);

SEC("xdp")
int xdp_reflect(struct xdp_md *ctx)
{
	unsigned char mac[ETH_ALEN];
	struct pkt p;
	__be32 addr;
	__be16 port;

	if (parse(ctx, &p) || !p.udp || p.udp->dest != bpf_htons(reflect_port)) {
		__sync_fetch_and_add(&rf_passed, 1);
		return XDP_PASS;
	}
	__builtin_memcpy(mac, p.eth->h_source, ETH_ALEN);
	__builtin_memcpy(p.eth->h_source, p.eth->h_dest, ETH_ALEN);
	__builtin_memcpy(p.eth->h_dest, mac, ETH_ALEN);
	/* Swapping fields leaves the IP and UDP checksums valid. */
	addr = p.ip->saddr;
	p.ip->saddr = p.ip->daddr;
	p.ip->daddr = addr;
	port = p.udp->source;
	p.udp->source = p.udp->dest;
	p.udp->dest = port;
	__sync_fetch_and_add(&rf_reflected, 1);
	return XDP_TX;
}

char _license[] SEC("license") = "GPL";
