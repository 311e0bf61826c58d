/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * A reader of classic libpcap capture files held in memory: both byte
 * orders, microsecond and nanosecond timestamps. Pure code, bounds-checked
 * on every read, unit-tested; it never reads past buf + len whatever the
 * bytes are. pcapng is recognised only to name it in the error.
 */
#ifndef XDPCHAIN_CLI_PCAP_H
#define XDPCHAIN_CLI_PCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCAP_LINKTYPE_ETHERNET 1
/* Larger records are refused as corrupt (libpcap's own limit). */
#define PCAP_MAX_CAPLEN 262144u

struct pcap_reader {
	const uint8_t *buf;
	size_t len;
	size_t off;         /* next record */
	bool swapped;       /* file written in the other byte order */
	bool nsec;          /* timestamps in nanoseconds */
	uint16_t version_major, version_minor;
	uint32_t snaplen;
	uint32_t linktype;
	unsigned int index; /* records returned so far */
};

struct pcap_packet {
	const uint8_t *data; /* inside the reader's buffer */
	uint32_t caplen;     /* bytes of data */
	uint32_t origlen;    /* length on the wire */
	uint64_t ts_ns;      /* since the epoch */
};

/* Read the file header. 0, or -EINVAL (what is wrong in *why: not pcap,
 * pcapng, truncated header, unknown version). */
int pcap_open(struct pcap_reader *r, const void *buf, size_t len, const char **why);
/* The next record: 1 and *p, 0 at the end, or -EBADMSG with *why (a
 * truncated or corrupt record; the reader stays at it). */
int pcap_next(struct pcap_reader *r, struct pcap_packet *p, const char **why);

#endif
