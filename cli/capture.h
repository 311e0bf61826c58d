/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * Reading capture files for "xdpchain trace --pcap" with libpcap: classic
 * pcap (either byte order, micro- or nanosecond timestamps) and pcapng,
 * which "xdpchain dump -w" writes. libpcap checks the records (lengths,
 * truncation); this wraps it in the CLI's 0/-errno convention with
 * libpcap's own words for what is wrong. (Not "pcap.h": that name is
 * libpcap's header.)
 */
#ifndef XDPCHAIN_CLI_CAPTURE_H
#define XDPCHAIN_CLI_CAPTURE_H

#include <stdint.h>
#include <stdio.h>
#include <pcap/pcap.h>

struct capture {
	pcap_t *pcap;
	int linktype;       /* DLT_*: DLT_EN10MB (1) for Ethernet */
	unsigned int index; /* packets returned so far */
	char err[PCAP_ERRBUF_SIZE];
};

struct capture_packet {
	const uint8_t *data; /* valid until the next call */
	uint32_t caplen;     /* bytes of data */
	uint32_t origlen;    /* length on the wire */
	uint64_t ts_ns;      /* since the epoch */
};

/* Read the file header(s) from f, which the capture owns from then on
 * (closed by capture_close(), or here on failure). 0, or -EINVAL with
 * c->err (not a capture file, truncated, unknown version). */
int capture_open(struct capture *c, FILE *f);
/* The next packet: 1 and *p, 0 at the end, or -EBADMSG with c->err (a
 * truncated or corrupt record). */
int capture_next(struct capture *c, struct capture_packet *p);
void capture_close(struct capture *c);

#endif
