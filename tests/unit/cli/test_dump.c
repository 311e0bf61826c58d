// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* xdpchain dump's output helpers: the one-line packet summary (pktsum.c)
 * and the pcapng writer (pcapng.c), whose blocks are read back here as a
 * reader does (the kernel suite reads a real capture with
 * tests/tools/pcapng_comments.py and tcpdump). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "pcapng.h"
#include "pktsum.h"

static const char *sum(const unsigned char *p, size_t len)
{
	static char buf[160];

	pkt_summary(p, len, buf, sizeof(buf));
	return buf;
}

static void test_summary(void)
{
	unsigned char p[128] = { 0 };
	/* Ethernet, IPv4 10.0.0.1 -> 10.0.0.2 UDP 40000 -> 9 */
	static const unsigned char ip4[] = { 0x45, 0, 0, 100, 0, 0, 0, 0, 64, 17, 0, 0,
					     10, 0, 0, 1, 10, 0, 0, 2 };

	p[12] = 0x08;
	memcpy(p + 14, ip4, sizeof(ip4));
	p[34] = 40000 >> 8;
	p[35] = 40000 & 0xff;
	p[37] = 9;
	CHECK(!strcmp(sum(p, 128), "IPv4 UDP 10.0.0.1:40000 > 10.0.0.2:9"));
	/* Ports not captured: addresses only; a later fragment: no ports. */
	CHECK(!strcmp(sum(p, 35), "IPv4 UDP 10.0.0.1 > 10.0.0.2"));
	p[14 + 7] = 8; /* fragment offset 8 */
	CHECK(!strcmp(sum(p, 128), "IPv4 UDP 10.0.0.1 > 10.0.0.2 (fragment)"));
	p[14 + 7] = 0;
	p[14 + 9] = 47;
	CHECK(!strcmp(sum(p, 128), "IPv4 proto 47 10.0.0.1 > 10.0.0.2"));
	/* Short or malformed headers are said, never read past. */
	CHECK(!strcmp(sum(p, 20), "IPv4, truncated or malformed"));
	CHECK(!strcmp(sum(p, 10), "truncated Ethernet header"));
	p[14] = 0x44; /* IHL 4 */
	CHECK(!strcmp(sum(p, 128), "IPv4, truncated or malformed"));
	/* A VLAN tag, then IPv6 ICMPv6 fe80::1 -> ff02::2. */
	memset(p, 0, sizeof(p));
	p[12] = 0x81;
	p[16] = 0x86;
	p[17] = 0xdd;
	p[18] = 0x60;
	p[18 + 6] = 58;
	p[18 + 8] = 0xfe;
	p[18 + 9] = 0x80;
	p[18 + 23] = 1;
	p[18 + 24] = 0xff;
	p[18 + 25] = 0x02;
	p[18 + 39] = 2;
	CHECK(!strcmp(sum(p, 128), "IPv6 ICMPv6 fe80::1 > ff02::2"));
	CHECK(!strcmp(sum(p, 40), "IPv6, truncated"));
	CHECK(!strcmp(sum(p, 16), "VLAN, truncated"));
	p[16] = 0x08;
	p[17] = 0x06;
	CHECK(!strcmp(sum(p, 128), "ARP"));
	p[16] = 0x88;
	p[17] = 0xcc;
	CHECK(!strcmp(sum(p, 128), "ethertype 0x88cc"));
}

static uint32_t u32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void test_pcapng(void)
{
	static const unsigned char pkt[5] = { 1, 2, 3, 4, 5 };
	char *buf = NULL;
	size_t len = 0, off = 0;
	unsigned int blocks = 0;
	FILE *f = open_memstream(&buf, &len);

	CHECK(f != NULL);
	if (!f)
		return;
	CHECK(pcapng_start(f, "xdpchain test", "veth0", 65000) == 0);
	CHECK(pcapng_packet(f, 1234567890123456789ull, pkt, 5, 60, "xdpchain: verdict=drop") == 0);
	CHECK(pcapng_packet(f, 1, pkt, 4, 4, NULL) == 0);
	fclose(f);
	/* Every block: a multiple of 4, its length at both ends. */
	while (off + 12 <= len) {
		const unsigned char *b = (const unsigned char *)buf + off;
		uint32_t type = u32(b), blen = u32(b + 4);

		CHECK(blen >= 12 && blen % 4 == 0 && off + blen <= len);
		if (blen < 12 || blen % 4 || off + blen > len)
			break;
		CHECK(u32(b + blen - 4) == blen);
		if (blocks == 0)
			CHECK(type == 0x0A0D0D0A && u32(b + 8) == 0x1A2B3C4D);
		if (blocks == 1)
			CHECK(type == 1 && b[8] == 1 && u32(b + 12) == 65000);
		if (blocks == 2) {
			CHECK(type == 6 && u32(b + 12) == (uint32_t)(1234567890123456789ull >> 32) &&
			      u32(b + 16) == (uint32_t)1234567890123456789ull);
			CHECK(u32(b + 20) == 5 && u32(b + 24) == 60 && !memcmp(b + 28, pkt, 5));
			/* opt_comment after the data, padded to 4. */
			CHECK(b[36] == 1 && b[37] == 0 && b[38] == 22 &&
			      !memcmp(b + 40, "xdpchain: verdict=drop", 22));
		}
		if (blocks == 3)
			CHECK(type == 6 && blen == 32 + 4);
		blocks++;
		off += blen;
	}
	CHECK(blocks == 4 && off == len);
	free(buf);
}

int main(void)
{
	test_summary();
	test_pcapng();
	return check_report("cli_dump");
}
