// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Classic libpcap file reader (see pcap.h). The format: a 24-byte file
 * header (magic, version 2.4, zone, sigfigs, snaplen, link type), then
 * records of a 16-byte header (seconds, micro- or nanoseconds, captured
 * length, original length) and the captured bytes, all in the byte order
 * the magic shows. */
#include <errno.h>
#include <string.h>
#include "pcap.h"

#define PCAP_MAGIC_US 0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du
#define PCAPNG_MAGIC 0x0a0d0d0au
#define FILE_HDR_LEN 24u
#define REC_HDR_LEN 16u

static uint32_t get32(const uint8_t *p, bool swapped)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return swapped ? __builtin_bswap32(v) : v;
}

static uint16_t get16(const uint8_t *p, bool swapped)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return swapped ? __builtin_bswap16(v) : v;
}

int pcap_open(struct pcap_reader *r, const void *buf, size_t len, const char **why)
{
	uint32_t magic;

	memset(r, 0, sizeof(*r));
	*why = NULL;
	if (!buf || len < 4) {
		*why = "too short for a capture file";
		return -EINVAL;
	}
	r->buf = buf;
	r->len = len;
	memcpy(&magic, buf, sizeof(magic));
	if (magic == PCAPNG_MAGIC) {
		*why = "pcapng is not supported; convert it with 'editcap -F pcap IN OUT' or "
		       "'tcpdump -r IN -w OUT'";
		return -EINVAL;
	}
	if (magic == PCAP_MAGIC_US || magic == PCAP_MAGIC_NS) {
		r->swapped = false;
	} else if (__builtin_bswap32(magic) == PCAP_MAGIC_US ||
		   __builtin_bswap32(magic) == PCAP_MAGIC_NS) {
		r->swapped = true;
	} else {
		*why = "not a pcap file (unknown magic number)";
		return -EINVAL;
	}
	r->nsec = get32(r->buf, r->swapped) == PCAP_MAGIC_NS;
	if (len < FILE_HDR_LEN) {
		*why = "truncated file header";
		return -EINVAL;
	}
	r->version_major = get16(r->buf + 4, r->swapped);
	r->version_minor = get16(r->buf + 6, r->swapped);
	if (r->version_major != 2) {
		*why = "unsupported pcap version (not 2.x)";
		return -EINVAL;
	}
	r->snaplen = get32(r->buf + 16, r->swapped);
	/* The upper bits of the link type field hold FCS information. */
	r->linktype = get32(r->buf + 20, r->swapped) & 0xffffu;
	r->off = FILE_HDR_LEN;
	return 0;
}

int pcap_next(struct pcap_reader *r, struct pcap_packet *p, const char **why)
{
	const uint8_t *h;
	uint32_t sec, frac;
	size_t left;

	*why = NULL;
	if (r->off > r->len) {
		*why = "reader past the end";
		return -EBADMSG;
	}
	left = r->len - r->off;
	if (!left)
		return 0;
	if (left < REC_HDR_LEN) {
		*why = "truncated record header at the end of the file";
		return -EBADMSG;
	}
	h = r->buf + r->off;
	sec = get32(h, r->swapped);
	frac = get32(h + 4, r->swapped);
	p->caplen = get32(h + 8, r->swapped);
	p->origlen = get32(h + 12, r->swapped);
	if (frac >= (r->nsec ? 1000000000u : 1000000u)) {
		*why = "corrupt record: sub-second timestamp out of range";
		return -EBADMSG;
	}
	if (p->caplen > PCAP_MAX_CAPLEN) {
		*why = "corrupt record: captured length too large";
		return -EBADMSG;
	}
	if (p->caplen > left - REC_HDR_LEN) {
		*why = "truncated record: the file ends inside the packet";
		return -EBADMSG;
	}
	p->data = h + REC_HDR_LEN;
	p->ts_ns = (uint64_t)sec * 1000000000ull + (r->nsec ? frac : (uint64_t)frac * 1000u);
	r->off += REC_HDR_LEN + p->caplen;
	r->index++;
	return 1;
}
