/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* Bounds-checked header parsing shared by the example programs:
 * Ethernet, then IPv4 (options allowed) and UDP. No VLAN tags. */
#ifndef XDPCHAIN_EXAMPLE_PARSE_H
#define XDPCHAIN_EXAMPLE_PARSE_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

/* From include/net/ip.h, which is not a UAPI header. */
#define PARSE_IP_MF 0x2000
#define PARSE_IP_OFFSET 0x1fff

struct pkt {
	struct ethhdr *eth; /* NULL if the frame is shorter than a header */
	struct iphdr *ip;   /* NULL unless IPv4 with a valid header length */
	struct udphdr *udp; /* NULL unless IPv4 UDP carrying the UDP header */
	bool fragment;      /* IPv4 fragment (first or later) */
};

/*
 * Every pointer is compared with data_end before it is dereferenced: the
 * verifier rejects any access it cannot prove to be inside the packet.
 * A pointer is stored in *p only once checked, so callers test it for
 * NULL and nothing else.
 */
static __always_inline void parse(struct xdp_md *ctx, struct pkt *p)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct udphdr *udp;
	struct iphdr *ip;
	__u32 ihl;

	p->eth = NULL;
	p->ip = NULL;
	p->udp = NULL;
	p->fragment = false;
	if ((void *)(eth + 1) > end)
		return;
	p->eth = eth;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end)
		return;
	/* ihl is a 4-bit field, so the verifier knows ihl * 4 <= 60 and
	 * accepts the variable offset below; less than 5 is malformed. */
	ihl = ip->ihl;
	if (ihl < 5)
		return;
	p->ip = ip;
	p->fragment = ip->frag_off & bpf_htons(PARSE_IP_MF | PARSE_IP_OFFSET);
	/* Only the first fragment (offset 0) carries the UDP header; what
	 * sits at that place in later fragments is payload. */
	if (ip->protocol != IPPROTO_UDP || (ip->frag_off & bpf_htons(PARSE_IP_OFFSET)))
		return;
	/* Skipping the options rather than refusing packets with options:
	 * a firewall that only looks at 20-byte headers is bypassed by
	 * adding an option. */
	udp = (void *)ip + ihl * 4;
	if ((void *)(udp + 1) > end)
		return;
	p->udp = udp;
}

#endif
