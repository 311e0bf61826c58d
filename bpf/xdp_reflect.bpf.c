// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Example: a tiny responder (priority 30). An IPv4 UDP datagram to one
 * port goes back where it came from, Ethernet and IP addresses and UDP
 * ports swapped, with XDP_TX; everything else passes. */
#include "parse.h"
#include <xdpchain/prog.h>

/* const volatile: settable by a loader before load (xdp_firewall.bpf.c). */
const volatile __u16 reflect_port = 7777;

/* Counters in .bss (see xdp_count.bpf.c). */
__u64 rf_reflected, rf_passed;

/* Its place in a chain, read by xdpchain (and libxdp) from the ELF file. */
XDPCHAIN_PROG_CONFIG(xdp_reflect,
	XDPCHAIN_PRIORITY(30);
	XDPCHAIN_CONTINUE_ON(XDP_PASS);
	XDPCHAIN_FINAL(XDP_TX);
);

static __always_inline bool reflectable(const struct pkt *p)
{
	if (!p->udp || p->udp->dest != bpf_htons(reflect_port))
		return false;
	/* A datagram from the reflected port would be answered by the peer's
	 * reflector too and bounce between the two forever. */
	if (p->udp->source == bpf_htons(reflect_port))
		return false;
	/* Only whole datagrams: a reflected first fragment would arrive
	 * without the rest. */
	if (p->fragment)
		return false;
	/* Never answer from a group address: the reply's source MAC would be
	 * a multicast or broadcast one (bit 0 of the first octet). */
	return !(p->eth->h_dest[0] & 1);
}

SEC("xdp")
int xdp_reflect(struct xdp_md *ctx)
{
	unsigned char mac[ETH_ALEN];
	struct pkt p;
	__be32 addr;
	__be16 port;

	parse(ctx, &p);
	if (!reflectable(&p)) {
		__sync_fetch_and_add(&rf_passed, 1);
		return XDP_PASS;
	}
	/* p.udp is set only if p.eth and p.ip are, all checked in bounds. */
	__builtin_memcpy(mac, p.eth->h_source, ETH_ALEN);
	__builtin_memcpy(p.eth->h_source, p.eth->h_dest, ETH_ALEN);
	__builtin_memcpy(p.eth->h_dest, mac, ETH_ALEN);
	/* The IP checksum is a one's-complement sum of 16-bit words, and the
	 * UDP checksum covers both addresses and both ports: swapping fields
	 * changes neither sum, so neither checksum needs updating. */
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
