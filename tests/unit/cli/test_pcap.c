// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* The pcap reader and the hex packet parser: every byte order and
 * timestamp variant, and every way a file can be cut short or lie. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "hex.h"
#include "pcap.h"
#include "check.h"

static size_t put32(uint8_t *p, uint32_t v, bool swapped)
{
	if (swapped)
		v = __builtin_bswap32(v);
	memcpy(p, &v, 4);
	return 4;
}

static size_t put16(uint8_t *p, uint16_t v, bool swapped)
{
	if (swapped)
		v = __builtin_bswap16(v);
	memcpy(p, &v, 2);
	return 2;
}

/* A file with records of lengths lens[0..n-1] (bytes 0, 1, 2, ...). */
static size_t make(uint8_t *buf, bool swapped, bool nsec, uint32_t linktype,
		   const uint32_t *lens, int n)
{
	size_t o = 0;

	o += put32(buf + o, nsec ? 0xa1b23c4d : 0xa1b2c3d4, swapped);
	o += put16(buf + o, 2, swapped);
	o += put16(buf + o, 4, swapped);
	o += put32(buf + o, 0, swapped);
	o += put32(buf + o, 0, swapped);
	o += put32(buf + o, 65535, swapped);
	o += put32(buf + o, linktype, swapped);
	for (int i = 0; i < n; i++) {
		o += put32(buf + o, 1000 + (uint32_t)i, swapped);
		o += put32(buf + o, nsec ? 5 : 7, swapped);
		o += put32(buf + o, lens[i], swapped);
		o += put32(buf + o, lens[i] + 10, swapped);
		for (uint32_t j = 0; j < lens[i]; j++)
			buf[o++] = (uint8_t)j;
	}
	return o;
}

static void test_variants(void)
{
	static const uint32_t lens[] = { 60, 0, 14 };
	uint8_t buf[512];
	struct pcap_reader r;
	struct pcap_packet p;
	const char *why;

	for (int v = 0; v < 4; v++) {
		bool swapped = v & 1, nsec = v & 2;
		size_t len = make(buf, swapped, nsec, 1, lens, 3);

		CHECK(pcap_open(&r, buf, len, &why) == 0);
		CHECK(r.swapped == swapped && r.nsec == nsec);
		CHECK(r.linktype == 1 && r.snaplen == 65535 && r.version_major == 2);
		for (int i = 0; i < 3; i++) {
			CHECK(pcap_next(&r, &p, &why) == 1);
			CHECK(p.caplen == lens[i] && p.origlen == lens[i] + 10);
			CHECK(p.ts_ns == (1000ull + (uint64_t)i) * 1000000000ull +
					 (nsec ? 5 : 7000));
			CHECK(!p.caplen || (p.data[0] == 0 && p.data[p.caplen - 1] ==
							       (uint8_t)(p.caplen - 1)));
			CHECK(p.data + p.caplen <= buf + len);
		}
		CHECK(pcap_next(&r, &p, &why) == 0);
		CHECK(pcap_next(&r, &p, &why) == 0); /* stays at the end */
		CHECK(r.index == 3);
	}
	/* No records at all. */
	CHECK(pcap_open(&r, buf, make(buf, false, false, 1, NULL, 0), &why) == 0);
	CHECK(pcap_next(&r, &p, &why) == 0);
	/* Link type as given, FCS bits masked. */
	CHECK(pcap_open(&r, buf, make(buf, true, false, 0x10000000u | 113, NULL, 0), &why) == 0);
	CHECK(r.linktype == 113);
}

static void test_bad_files(void)
{
	static const uint32_t lens[] = { 60, 40 };
	uint8_t buf[512];
	struct pcap_reader r;
	struct pcap_packet p;
	const char *why;
	size_t len = make(buf, false, false, 1, lens, 2), cut;
	int got;

	CHECK(pcap_open(&r, NULL, 0, &why) == -EINVAL && why);
	CHECK(pcap_open(&r, buf, 3, &why) == -EINVAL && why);
	/* Every truncation of the header is refused, of a record reported. */
	for (cut = 0; cut < 24; cut++)
		CHECK(pcap_open(&r, buf, cut, &why) == -EINVAL && why);
	for (cut = 24; cut < len; cut++) {
		int n = 0;

		CHECK(pcap_open(&r, buf, cut, &why) == 0);
		while ((got = pcap_next(&r, &p, &why)) == 1) {
			CHECK(p.data + p.caplen <= buf + cut);
			n++;
		}
		/* Only the record boundaries end cleanly. */
		if (cut == 24 || cut == 24 + 16 + 60)
			CHECK(got == 0);
		else
			CHECK(got == -EBADMSG && why);
		CHECK(n <= 2);
	}
	/* Magic numbers. */
	memcpy(buf, "\x0a\x0d\x0d\x0a", 4);
	CHECK(pcap_open(&r, buf, len, &why) == -EINVAL && strstr(why, "pcapng"));
	memcpy(buf, "GIF8", 4);
	CHECK(pcap_open(&r, buf, len, &why) == -EINVAL);
	/* Version. */
	len = make(buf, false, false, 1, lens, 2);
	put16(buf + 4, 1, false);
	CHECK(pcap_open(&r, buf, len, &why) == -EINVAL);
	/* A captured length that lies: larger than the file, or huge. */
	len = make(buf, true, false, 1, lens, 2);
	put32(buf + 24 + 8, 61, true);
	CHECK(pcap_open(&r, buf, len, &why) == 0);
	CHECK(pcap_next(&r, &p, &why) == 1); /* 61 bytes still inside */
	CHECK(pcap_next(&r, &p, &why) == -EBADMSG); /* then garbage header */
	put32(buf + 24 + 8, 0xffffffffu, true);
	CHECK(pcap_open(&r, buf, len, &why) == 0);
	CHECK(pcap_next(&r, &p, &why) == -EBADMSG && strstr(why, "too large"));
	put32(buf + 24 + 8, 200000, true);
	CHECK(pcap_open(&r, buf, len, &why) == 0);
	CHECK(pcap_next(&r, &p, &why) == -EBADMSG && strstr(why, "truncated"));
	/* Sub-second part out of range. */
	len = make(buf, false, false, 1, lens, 2);
	put32(buf + 24 + 4, 1000000, false);
	CHECK(pcap_open(&r, buf, len, &why) == 0);
	CHECK(pcap_next(&r, &p, &why) == -EBADMSG);
	len = make(buf, false, true, 1, lens, 2);
	put32(buf + 24 + 4, 999999999, false);
	CHECK(pcap_open(&r, buf, len, &why) == 0);
	CHECK(pcap_next(&r, &p, &why) == 1);
}

/* Random bytes after a valid header never make the reader leave the
 * buffer (run under ASan/valgrind to make it count). */
static void test_garbage(void)
{
	uint8_t *buf = malloc(4096);
	struct pcap_reader r;
	struct pcap_packet p;
	const char *why;
	unsigned int seed = 1;

	for (int round = 0; round < 2000; round++) {
		size_t len = 24 + (size_t)(rand_r(&seed) % 2000);

		make(buf, round & 1, round & 2, 1, NULL, 0);
		for (size_t i = 24; i < len; i++)
			buf[i] = (uint8_t)(rand_r(&seed) % 8 ? rand_r(&seed) % 64 : rand_r(&seed));
		CHECK(pcap_open(&r, buf, len, &why) == 0);
		while (pcap_next(&r, &p, &why) == 1)
			if (p.data < buf + 24 || p.data + p.caplen > buf + len)
				CHECK(!"record outside the buffer");
	}
	free(buf);
}

static void test_hex(void)
{
	uint8_t b[8];
	size_t len, bad;

	CHECK(hex_parse("ffFF0a", b, sizeof(b), &len, &bad) == 0 && len == 3 && b[0] == 0xff &&
	      b[1] == 0xff && b[2] == 0x0a);
	CHECK(hex_parse("0x0102", b, sizeof(b), &len, &bad) == 0 && len == 2 && b[1] == 2);
	CHECK(hex_parse("01:02-03 04\t05\n06", b, sizeof(b), &len, &bad) == 0 && len == 6 &&
	      b[5] == 6);
	CHECK(hex_parse(" 0102 ", b, sizeof(b), &len, &bad) == 0 && len == 2);
	CHECK(hex_parse("0102 0304", b, sizeof(b), &len, &bad) == 0 && len == 4);
	CHECK(hex_parse("0102030405060708", b, sizeof(b), &len, &bad) == 0 && len == 8);
	CHECK(hex_parse("010203040506070809", b, sizeof(b), &len, &bad) == -E2BIG);
	CHECK(hex_parse("", b, sizeof(b), &len, &bad) == -EINVAL && len == 0);
	CHECK(hex_parse("0x", b, sizeof(b), &len, &bad) == -EINVAL);
	CHECK(hex_parse(" : ", b, sizeof(b), &len, &bad) == -EINVAL);
	CHECK(hex_parse("abc", b, sizeof(b), &len, &bad) == -EINVAL && bad == 2);
	CHECK(hex_parse("a bc", b, sizeof(b), &len, &bad) == -EINVAL && bad == 0);
	CHECK(hex_parse("01zz", b, sizeof(b), &len, &bad) == -EINVAL && bad == 2);
	CHECK(hex_parse("0g", b, sizeof(b), &len, &bad) == -EINVAL && bad == 1);
	CHECK(hex_parse("01 0x02", b, sizeof(b), &len, &bad) == -EINVAL && bad == 4);
	CHECK(hex_parse(NULL, b, sizeof(b), &len, &bad) == -EINVAL);
}

int main(void)
{
	test_variants();
	test_bad_files();
	test_garbage();
	test_hex();
	return check_report("test_pcap");
}
