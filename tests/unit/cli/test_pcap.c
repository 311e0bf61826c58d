// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* trace's inputs: capture files read through libpcap (cli/capture.c):
 * pcap in every byte order and timestamp variant, pcapng as "xdpchain
 * dump -w" writes it (cli/pcapng.c), every way a file can be cut short
 * or lie; and the hex packet parser. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "capture.h"
#include "hex.h"
#include "pcapng.h"
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

/* A pcap file with records of lengths lens[0..n-1] (bytes 0, 1, 2, ...). */
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

/* Open buf[0..len) as trace does (fmemopen; an empty buffer cannot be
 * opened so, trace refuses it before). */
static int open_mem(struct capture *c, const void *buf, size_t len)
{
	FILE *f = fmemopen((void *)buf, len, "rb");

	if (!f) {
		memset(c, 0, sizeof(*c));
		return -errno;
	}
	return capture_open(c, f);
}

/* Packets until the end or an error: how many, and the last return. */
static int drain(struct capture *c, int *n)
{
	struct capture_packet p;
	int got;

	*n = 0;
	while ((got = capture_next(c, &p)) == 1)
		(*n)++;
	return got;
}

static void test_variants(void)
{
	static const uint32_t lens[] = { 60, 0, 14 };
	uint8_t buf[512];
	struct capture c;
	struct capture_packet p;

	for (int v = 0; v < 4; v++) {
		bool swapped = v & 1, nsec = v & 2;
		size_t len = make(buf, swapped, nsec, 1, lens, 3);

		CHECK(open_mem(&c, buf, len) == 0);
		CHECK(c.linktype == DLT_EN10MB);
		for (int i = 0; i < 3; i++) {
			CHECK(capture_next(&c, &p) == 1);
			CHECK(p.caplen == lens[i] && p.origlen == lens[i] + 10);
			CHECK(p.ts_ns == (1000ull + (uint64_t)i) * 1000000000ull +
					 (nsec ? 5 : 7000));
			CHECK(!p.caplen || (p.data[0] == 0 && p.data[p.caplen - 1] ==
							       (uint8_t)(p.caplen - 1)));
		}
		CHECK(capture_next(&c, &p) == 0);
		CHECK(c.index == 3);
		capture_close(&c);
		CHECK(capture_next(&c, &p) == 0); /* closed: nothing more */
	}
	/* No records at all. */
	CHECK(open_mem(&c, buf, make(buf, false, false, 1, NULL, 0)) == 0);
	CHECK(capture_next(&c, &p) == 0);
	capture_close(&c);
	/* Link type as given (trace refuses what is not Ethernet), FCS bits
	 * masked. */
	CHECK(open_mem(&c, buf, make(buf, true, false, 0x10000000u | 113, NULL, 0)) == 0);
	CHECK(c.linktype == DLT_LINUX_SLL);
	capture_close(&c);
}

/* pcapng as dump -w writes it: read back with its timestamps. */
static void test_pcapng(void)
{
	uint8_t pkt[64];
	struct capture_packet p;
	struct capture c;
	char *buf = NULL;
	size_t len = 0, cut;
	FILE *f = open_memstream(&buf, &len);
	int n;

	for (size_t i = 0; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)i;
	CHECK(f && pcapng_start(f, "test", "xt0", 65535) == 0);
	CHECK(pcapng_packet(f, 1700000000123456789ull, pkt, 60, 60, "verdict=drop prog=fw") == 0);
	CHECK(pcapng_packet(f, 1700000001000000001ull, pkt, 14, 100, NULL) == 0);
	CHECK(fclose(f) == 0);
	CHECK(open_mem(&c, buf, len) == 0 && c.linktype == DLT_EN10MB);
	CHECK(capture_next(&c, &p) == 1 && p.caplen == 60 && p.origlen == 60 &&
	      p.ts_ns == 1700000000123456789ull && p.data[59] == 59);
	CHECK(capture_next(&c, &p) == 1 && p.caplen == 14 && p.origlen == 100 &&
	      p.ts_ns == 1700000001000000001ull);
	CHECK(capture_next(&c, &p) == 0);
	capture_close(&c);
	/* Cut anywhere: refused at the header, or an error after the whole
	 * packets, never a packet past the cut. */
	for (cut = 1; cut < len; cut++) {
		if (open_mem(&c, buf, cut)) {
			CHECK(c.err[0]);
			continue;
		}
		int got = drain(&c, &n);

		CHECK(n <= 2 && (got == 0 || (got == -EBADMSG && c.err[0])));
		capture_close(&c);
	}
	free(buf);
}

static void test_bad_files(void)
{
	static const uint32_t lens[] = { 60, 40 };
	uint8_t buf[512];
	struct capture c;
	struct capture_packet p;
	size_t len = make(buf, false, false, 1, lens, 2), cut;
	int got, n;

	/* Every truncation of the header is refused, of a record reported. */
	for (cut = 1; cut < 24; cut++) {
		CHECK(open_mem(&c, buf, cut) == -EINVAL && c.err[0]);
	}
	CHECK(open_mem(&c, buf, 5) == -EINVAL && strstr(c.err, "truncated"));
	for (cut = 24; cut < len; cut++) {
		CHECK(open_mem(&c, buf, cut) == 0);
		got = drain(&c, &n);
		/* Only the record boundaries end cleanly. */
		if (cut == 24 || cut == 24 + 16 + 60)
			CHECK(got == 0);
		else
			CHECK(got == -EBADMSG && strstr(c.err, "truncated"));
		CHECK(n <= 2);
		capture_close(&c);
	}
	/* Magic numbers. */
	memcpy(buf, "GIF8", 4);
	CHECK(open_mem(&c, buf, len) == -EINVAL && strstr(c.err, "unknown file format"));
	/* Version. */
	len = make(buf, false, false, 1, lens, 2);
	put16(buf + 4, 1, false);
	CHECK(open_mem(&c, buf, len) == -EINVAL && c.err[0]);
	/* A captured length that lies: larger than the file, or huge. */
	len = make(buf, true, false, 1, lens, 2);
	put32(buf + 24 + 8, 61, true);
	CHECK(open_mem(&c, buf, len) == 0);
	CHECK(capture_next(&c, &p) == 1); /* 61 bytes still inside */
	CHECK(capture_next(&c, &p) == -EBADMSG); /* then a garbage header */
	capture_close(&c);
	put32(buf + 24 + 8, 0xffffffffu, true);
	CHECK(open_mem(&c, buf, len) == 0);
	CHECK(capture_next(&c, &p) == -EBADMSG && strstr(c.err, "invalid packet capture length"));
	capture_close(&c);
	put32(buf + 24 + 8, 200000, true);
	CHECK(open_mem(&c, buf, len) == 0);
	CHECK(capture_next(&c, &p) == -EBADMSG && c.err[0]);
	capture_close(&c);
}

/* Random bytes after a valid header: libpcap reports or reads them,
 * never crashes (run under ASan/valgrind to make it count). */
static void test_garbage(void)
{
	uint8_t *buf = malloc(4096);
	struct capture c;
	unsigned int seed = 1;
	int n;

	for (int round = 0; round < 2000; round++) {
		size_t len = 24 + (size_t)(rand_r(&seed) % 2000);

		make(buf, round & 1, round & 2, 1, NULL, 0);
		for (size_t i = 24; i < len; i++)
			buf[i] = (uint8_t)(rand_r(&seed) % 8 ? rand_r(&seed) % 64 : rand_r(&seed));
		CHECK(open_mem(&c, buf, len) == 0);
		drain(&c, &n);
		capture_close(&c);
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
	test_pcapng();
	test_bad_files();
	test_garbage();
	test_hex();
	return check_report("test_capture");
}
