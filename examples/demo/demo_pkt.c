// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* The demo's traffic: Ethernet/IPv4/UDP frames written by hand on the
 * peer side of the veth pair (AF_PACKET, so the peer's own stack plays no
 * part), the answers that come back to the peer, and plain UDP sockets
 * standing for the applications behind the chain. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include "demo.h"

static const char payload[] = "xdpchain-demo....";

/* Ethernet, IPv4 without options, UDP, payload: built in a byte buffer
 * and the headers copied in and out of aligned structs, since the IPv4
 * header of a frame sits at offset 14 (not 4-byte aligned). */
#define OFF_IP sizeof(struct ethhdr)
#define OFF_UDP (OFF_IP + sizeof(struct iphdr))
#define OFF_DATA (OFF_UDP + sizeof(struct udphdr))
#define FRAME_LEN (OFF_DATA + sizeof(payload) - 1)

/* One's-complement sum of 16-bit words in network order, not folded. */
static __u32 sum16(const void *buf, size_t len, __u32 sum)
{
	const unsigned char *p = buf;

	for (; len > 1; len -= 2, p += 2)
		sum += (__u32)(p[0] << 8 | p[1]);
	if (len)
		sum += (__u32)(p[0] << 8);
	return sum;
}

static __u16 fold(__u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* UDP checksum over the pseudo-header, header and data (RFC 768); the
 * result is in host order. */
static __u16 udp_sum(const struct iphdr *ip, const void *udp, size_t len)
{
	__u32 sum = sum16(&ip->saddr, 8, 0); /* saddr and daddr */

	sum += IPPROTO_UDP + (__u32)len;
	return fold(sum16(udp, len, sum));
}

static int get_mac(int fd, const char *ifname, unsigned char *mac)
{
	struct ifreq ifr = {};

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		return -errno;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	return 0;
}

int demo_pkt_open(struct demo_pkt *pk)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP) };
	int err;

	pk->seq = 1;
	pk->peer_ifindex = (int)if_nametoindex(DEMO_IF_PEER);
	if (!pk->peer_ifindex)
		return -errno;
	/* Protocol 0 receives nothing until bind() names the interface and
	 * IPv4, so no other interface's packets are ever queued. */
	pk->raw_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (pk->raw_fd < 0)
		return -errno;
	err = get_mac(pk->raw_fd, DEMO_IF_CHAIN, pk->chain_mac);
	if (!err)
		err = get_mac(pk->raw_fd, DEMO_IF_PEER, pk->peer_mac);
	sll.sll_ifindex = pk->peer_ifindex;
	if (!err && bind(pk->raw_fd, (struct sockaddr *)&sll, sizeof(sll)))
		err = -errno;
	if (err) {
		close(pk->raw_fd);
		pk->raw_fd = -1;
	}
	return err;
}

void demo_pkt_close(struct demo_pkt *pk)
{
	if (pk->raw_fd >= 0)
		close(pk->raw_fd);
	pk->raw_fd = -1;
}

int demo_pkt_send(struct demo_pkt *pk, __u16 dport, int count)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP),
				   .sll_ifindex = pk->peer_ifindex, .sll_halen = ETH_ALEN };
	unsigned char frame[FRAME_LEN];
	struct ethhdr eth = { .h_proto = htons(ETH_P_IP) };
	struct iphdr ip = { .version = 4, .ihl = 5, .ttl = 64, .protocol = IPPROTO_UDP,
			    .tot_len = htons(FRAME_LEN - OFF_IP) };
	struct udphdr udp = { .source = htons(DEMO_SRC_PORT), .dest = htons(dport),
			      .len = htons(FRAME_LEN - OFF_UDP) };

	memcpy(sll.sll_addr, pk->chain_mac, ETH_ALEN);
	memcpy(eth.h_dest, pk->chain_mac, ETH_ALEN);
	memcpy(eth.h_source, pk->peer_mac, ETH_ALEN);
	if (inet_pton(AF_INET, DEMO_ADDR_PEER, &ip.saddr) != 1 ||
	    inet_pton(AF_INET, DEMO_ADDR_CHAIN, &ip.daddr) != 1)
		return -EINVAL;
	memcpy(frame, &eth, sizeof(eth));
	memcpy(frame + OFF_DATA, payload, FRAME_LEN - OFF_DATA);
	for (int i = 0; i < count; i++) {
		ip.id = htons(pk->seq++);
		ip.check = 0;
		ip.check = htons(fold(sum16(&ip, sizeof(ip), 0)));
		memcpy(frame + OFF_IP, &ip, sizeof(ip));
		udp.check = 0;
		memcpy(frame + OFF_UDP, &udp, sizeof(udp));
		udp.check = htons(udp_sum(&ip, frame + OFF_UDP, FRAME_LEN - OFF_UDP));
		if (!udp.check)
			udp.check = 0xffff; /* 0 would mean "no checksum" */
		memcpy(frame + OFF_UDP, &udp, sizeof(udp));
		/* Non-blocking for the sake of the receive side; a handful
		 * of frames does not fill the transmit queue. */
		if (sendto(pk->raw_fd, frame, FRAME_LEN, 0, (struct sockaddr *)&sll, sizeof(sll)) !=
		    (ssize_t)FRAME_LEN)
			return errno ? -errno : -EIO;
	}
	return 0;
}

/* An answer from `port`: addresses and ports swapped relative to what we
 * sent, and its checksums must still hold (the reflector does not update
 * them). Returns 1 good, 0 not an answer, -1 an answer gone wrong. */
static int check_answer(const struct demo_pkt *pk, const unsigned char *frame, size_t len,
			__u16 port)
{
	struct ethhdr eth;
	struct udphdr udp;
	struct iphdr ip;
	__be32 chain, peer;
	size_t ulen;

	if (len < OFF_DATA)
		return 0;
	memcpy(&eth, frame, sizeof(eth));
	memcpy(&ip, frame + OFF_IP, sizeof(ip));
	memcpy(&udp, frame + OFF_UDP, sizeof(udp));
	if (eth.h_proto != htons(ETH_P_IP) || ip.version != 4 || ip.ihl != 5 ||
	    ip.protocol != IPPROTO_UDP || udp.source != htons(port))
		return 0;
	if (inet_pton(AF_INET, DEMO_ADDR_CHAIN, &chain) != 1 ||
	    inet_pton(AF_INET, DEMO_ADDR_PEER, &peer) != 1)
		return -1;
	ulen = ntohs(udp.len);
	if (udp.dest != htons(DEMO_SRC_PORT) || ip.saddr != chain || ip.daddr != peer ||
	    memcmp(eth.h_dest, pk->peer_mac, ETH_ALEN) ||
	    memcmp(eth.h_source, pk->chain_mac, ETH_ALEN) || ulen < sizeof(udp) ||
	    len < OFF_UDP + ulen)
		return -1;
	/* A correct header sums to 0xffff, i.e. folds to 0 here. */
	if (fold(sum16(&ip, sizeof(ip), 0)) != 0 ||
	    (udp.check && udp_sum(&ip, frame + OFF_UDP, ulen) != 0))
		return -1;
	return 1;
}

int demo_pkt_reflected(struct demo_pkt *pk, __u16 port, struct demo_reflected *r)
{
	unsigned char frame[2048];
	struct sockaddr_ll from;

	for (;;) {
		socklen_t alen = sizeof(from);
		ssize_t n = recvfrom(pk->raw_fd, frame, sizeof(frame), 0,
				     (struct sockaddr *)&from, &alen);
		int ok;

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		ok = check_answer(pk, frame, (size_t)n, port);
		if (ok > 0)
			r->good++;
		else if (ok < 0)
			r->bad++;
	}
}

int demo_udp_open(const char *addr, __u16 port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd, err;

	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		return -EINVAL;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int demo_udp_drain(int fd)
{
	char buf[256];
	int n = 0;

	for (;;) {
		if (recv(fd, buf, sizeof(buf), 0) >= 0) {
			n++;
			continue;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return n;
		if (errno != EINTR)
			return -errno;
	}
}
