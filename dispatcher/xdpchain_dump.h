/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* What the dump observer (xdpchain_dump.bpf.c) sends to "xdpchain dump"
 * for each packet, followed by cap_len bytes of the packet. */
#ifndef XDPCHAIN_DUMP_H
#define XDPCHAIN_DUMP_H

#include <linux/types.h>

/* verdict_mask bits: the XDP actions 0..4 at their value, and any other
 * verdict. */
#define XDPCHAIN_DUMP_OTHER 5
#define XDPCHAIN_DUMP_ALL 0x3fu
/* A perf sample's size is 16 bits, headers included. */
#define XDPCHAIN_DUMP_SNAPLEN_MAX 65000u

struct xdpchain_dump_hdr {
	__u64 ts_ns;     /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__s32 verdict;   /* the chain's */
	__u32 slot;      /* of the deciding program, or XDPCHAIN_NO_SLOT */
	__u32 prog_id;   /* the deciding program, or 0 */
	__u32 pkt_len;   /* bytes in the packet (its first buffer) */
	__u32 cap_len;   /* bytes that follow */
	__u32 ifindex;   /* where it arrived */
};

#endif
