// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* A frame in one line (pktsum.h). Reads only within the captured bytes. */
#include <stdbool.h>
#include <stdio.h>
#include <arpa/inet.h>
#include "pktsum.h"

#define ETH_HLEN 14
#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_IPV6 0x86dd
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88a8

static unsigned int be16(const unsigned char *p)
{
	return (unsigned int)p[0] << 8 | p[1];
}

static const char *l4_name(unsigned int proto)
{
	switch (proto) {
	case 1: return "ICMP";
	case 6: return "TCP";
	case 17: return "UDP";
	case 58: return "ICMPv6";
	case 132: return "SCTP";
	default: return NULL;
	}
}

/* "src[:port] > dst[:port]" for TCP, UDP and SCTP with ports captured. */
static void l4(char *buf, size_t len, const char *fam, unsigned int proto, const char *src,
	       const char *dst, const unsigned char *l4p, size_t l4len, bool first_frag)
{
	const char *name = l4_name(proto);
	char pn[16];

	if (!name) {
		snprintf(pn, sizeof(pn), "proto %u", proto);
		name = pn;
	}
	if (first_frag && (proto == 6 || proto == 17 || proto == 132) && l4len >= 4)
		snprintf(buf, len, "%s %s %s:%u > %s:%u", fam, name, src, be16(l4p), dst,
			 be16(l4p + 2));
	else
		snprintf(buf, len, "%s %s %s > %s%s", fam, name, src, dst,
			 first_frag ? "" : " (fragment)");
}

void pkt_summary(const unsigned char *p, size_t len, char *buf, size_t buf_len)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	size_t off = ETH_HLEN;
	unsigned int type;

	if (!buf_len)
		return;
	if (len < ETH_HLEN) {
		snprintf(buf, buf_len, "truncated Ethernet header");
		return;
	}
	type = be16(p + 12);
	/* Up to two VLAN tags (802.1ad outer, 802.1Q inner). */
	for (int i = 0; i < 2 && (type == ETH_P_8021Q || type == ETH_P_8021AD); i++) {
		if (len < off + 4) {
			snprintf(buf, buf_len, "VLAN, truncated");
			return;
		}
		type = be16(p + off + 2);
		off += 4;
	}
	if (type == ETH_P_IP) {
		size_t ihl;
		bool first;

		if (len < off + 20 || (p[off] >> 4) != 4 || (ihl = (size_t)(p[off] & 15) * 4) < 20) {
			snprintf(buf, buf_len, "IPv4, truncated or malformed");
			return;
		}
		inet_ntop(AF_INET, p + off + 12, src, sizeof(src));
		inet_ntop(AF_INET, p + off + 16, dst, sizeof(dst));
		first = !(be16(p + off + 6) & 0x1fff); /* fragment offset 0 */
		l4(buf, buf_len, "IPv4", p[off + 9], src, dst, p + off + ihl,
		   len > off + ihl ? len - off - ihl : 0, first);
	} else if (type == ETH_P_IPV6) {
		if (len < off + 40) {
			snprintf(buf, buf_len, "IPv6, truncated");
			return;
		}
		inet_ntop(AF_INET6, p + off + 8, src, sizeof(src));
		inet_ntop(AF_INET6, p + off + 24, dst, sizeof(dst));
		/* Extension headers are not followed: the next header names
		 * what comes first. */
		l4(buf, buf_len, "IPv6", p[off + 6], src, dst, p + off + 40, len - off - 40, true);
	} else if (type == ETH_P_ARP) {
		snprintf(buf, buf_len, "ARP");
	} else {
		snprintf(buf, buf_len, "ethertype 0x%04x", type);
	}
}
