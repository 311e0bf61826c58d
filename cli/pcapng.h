/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * A minimal pcapng writer (the IETF draft "PCAP Next Generation Dump File
 * Format"): one section, one Ethernet interface with nanosecond
 * timestamps, enhanced packet blocks each with a comment (opt_comment),
 * which Wireshark shows as the packet comment and tcpdump/libpcap read
 * past. Written in host byte order, which the section header's magic
 * tells readers.
 */
#ifndef XDPCHAIN_CLI_PCAPNG_H
#define XDPCHAIN_CLI_PCAPNG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The section header and the interface description: application (the
 * shb_userappl option), interface name, snap length. 0 or -errno. */
int pcapng_start(FILE *f, const char *appl, const char *ifname, uint32_t snaplen);
/* One packet: its time (ns since the epoch), cap_len bytes of a packet of
 * orig_len, and a comment (NULL: none). 0 or -errno. */
int pcapng_packet(FILE *f, uint64_t ts_ns, const void *data, uint32_t cap_len,
		  uint32_t orig_len, const char *comment);

#endif
