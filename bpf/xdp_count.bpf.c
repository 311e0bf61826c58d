// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Example: counts packets by kind and lets every packet continue. */
#include "parse.h"
#include "xdp_run_config.h"

/* Global counters live in .bss, readable from user space through the
 * program's map; atomic adds because several CPUs run the program. */
__u64 count_total, count_udp, count_tcp, count_icmp, count_ipv6, count_other;

struct {
	__uint(priority, 10);
	__uint(XDP_PASS, 1);
} XDP_RUN_CONFIG(xdp_count);

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	struct pkt p;

	__sync_fetch_and_add(&count_total, 1);
	if (parse(ctx, &p) || !p.eth)
		return XDP_PASS;
	if (p.eth->h_proto == bpf_htons(ETH_P_IPV6))
		__sync_fetch_and_add(&count_ipv6, 1);
	else if (!p.ip)
		__sync_fetch_and_add(&count_other, 1);
	else if (p.ip->protocol == IPPROTO_UDP)
		__sync_fetch_and_add(&count_udp, 1);
	else if (p.ip->protocol == IPPROTO_TCP)
		__sync_fetch_and_add(&count_tcp, 1);
	else if (p.ip->protocol == IPPROTO_ICMP)
		__sync_fetch_and_add(&count_icmp, 1);
	else
		__sync_fetch_and_add(&count_other, 1);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
