/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* Bounds-checked header parsing shared by the example programs. */
#ifndef XDPCHAIN_EXAMPLE_PARSE_H
#define XDPCHAIN_EXAMPLE_PARSE_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

struct pkt {
	struct ethhdr *eth;
	struct iphdr *ip;   /* NULL unless IPv4 */
	struct udphdr *udp; /* NULL unless IPv4 UDP */
};

/* Every pointer is checked against data_end before use: the verifier
 * rejects any access it cannot prove to be inside the packet. */
static __always_inline int parse(struct xdp_md *ctx, struct pkt *p)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct udphdr *udp;
	struct iphdr *ip;

	p->eth = data;
	p->ip = NULL;
	p->udp = NULL;
	if ((void *)(p->eth + 1) > end)
		return -1;
	if (p->eth->h_proto != bpf_htons(ETH_P_IP))
		return 0;
	ip = (void *)(p->eth + 1);
	/* Pointers are published only once checked, so callers can test
	 * them for NULL and nothing else. */
	if ((void *)(ip + 1) > end)
		return 0;
	p->ip = ip;
	if (ip->ihl != 5 || ip->protocol != IPPROTO_UDP)
		return 0; /* IP options are rare; UDP after them is not parsed */
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > end)
		return 0;
	p->udp = udp;
	return 0;
}

#endif
