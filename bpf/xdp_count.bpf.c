// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Example: counts packets by kind and lets every packet continue.
 * Runs first in the demo chain (priority 10), so it sees everything. */
#include "parse.h"
#include <xdpchain/prog.h>

/*
 * Global variables live in the object's .bss map, which user space reads
 * with one lookup (key 0) and the skeleton's struct xdp_count__bss. The
 * adds are atomic because every CPU receiving packets runs the program on
 * the same memory (a per-CPU array would avoid the shared cache line, at
 * the price of summing in user space; an example keeps it simple).
 * Invariant: count_total is the sum of the five kinds.
 */
__u64 count_total, count_udp, count_tcp, count_icmp, count_ipv6, count_other;

/* Its place in a chain, read by xdpchain (and libxdp) from the ELF file. */
XDPCHAIN_PROG_CONFIG(xdp_count,
	XDPCHAIN_PRIORITY(10);
	XDPCHAIN_CONTINUE_ON(XDP_PASS);
);

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	struct pkt p;

	parse(ctx, &p);
	__sync_fetch_and_add(&count_total, 1);
	if (p.ip && p.ip->protocol == IPPROTO_UDP)
		__sync_fetch_and_add(&count_udp, 1);
	else if (p.ip && p.ip->protocol == IPPROTO_TCP)
		__sync_fetch_and_add(&count_tcp, 1);
	else if (p.ip && p.ip->protocol == IPPROTO_ICMP)
		__sync_fetch_and_add(&count_icmp, 1);
	else if (p.eth && p.eth->h_proto == bpf_htons(ETH_P_IPV6))
		__sync_fetch_and_add(&count_ipv6, 1);
	else
		__sync_fetch_and_add(&count_other, 1); /* ARP, runts, ... */
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
