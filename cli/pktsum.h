/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* One line about an Ethernet frame for "xdpchain dump": "IPv4 UDP
 * 10.0.0.1:5000 > 10.0.0.2:9", "ARP", "IPv6 ICMPv6 fe80::1 > ff02::2",
 * "ethertype 0x88cc". Pure code, unit-tested (test_cli_pktsum). */
#ifndef XDPCHAIN_CLI_PKTSUM_H
#define XDPCHAIN_CLI_PKTSUM_H

#include <stddef.h>

/* Summarise the len captured bytes of a frame into buf (always
 * NUL-terminated); what was not captured is "truncated". */
void pkt_summary(const unsigned char *p, size_t len, char *buf, size_t buf_len);

#endif
