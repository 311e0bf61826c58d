/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* What the dump observer (xdpchain_dump.bpf.c) sends to "xdpchain dump"
 * for each packet through its ring buffer: one fixed-size record, the
 * decision and the first cap_len bytes of the packet. */
#ifndef XDPCHAIN_DUMP_H
#define XDPCHAIN_DUMP_H

#include <linux/types.h>

/* verdict_mask bits: the XDP actions 0..4 at their value, and any other
 * verdict. */
#define XDPCHAIN_DUMP_OTHER 5
#define XDPCHAIN_DUMP_ALL 0x3fu
/* Bytes captured at most: a jumbo frame's. A record is this large
 * whatever the packet (a ring buffer record's size is a constant). */
#define XDPCHAIN_DUMP_SNAPLEN_MAX 9216u
/* 4 MiB: some 450 records of slack. */
#define XDPCHAIN_DUMP_RING_SIZE (4u << 20)

struct xdpchain_dump_hdr {
	__u64 ts_ns;     /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__s32 verdict;   /* the chain's */
	__u32 slot;      /* of the deciding program, or XDPCHAIN_NO_SLOT */
	__u32 prog_id;   /* the deciding program, or 0 */
	__u32 pkt_len;   /* bytes in the packet, all its buffers (frags-aware chains) */
	__u32 cap_len;   /* bytes of data[] that hold it */
	__u32 ifindex;   /* where it arrived */
};

struct xdpchain_dump_rec {
	struct xdpchain_dump_hdr hdr;
	__u8 data[XDPCHAIN_DUMP_SNAPLEN_MAX];
};

#endif
