/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * Test programs record that they ran inside the packet itself, so a test
 * can read the exact run order from BPF_PROG_TEST_RUN's output packet.
 * Layout (tests/tools/xdptest.c builds it): Ethernet + IPv4 (no options) +
 * UDP, then the payload "XCTR", a count byte n, and n trace bytes.
 */
#ifndef XDPCHAIN_TEST_TRACE_H
#define XDPCHAIN_TEST_TRACE_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define TRACE_OFF (14 + 20 + 8)
#define TRACE_MAX 64

static __always_inline void trace(struct xdp_md *ctx, __u8 id)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u8 *p = data + TRACE_OFF;
	__u8 *slot;
	__u32 n;

	if ((void *)(p + 5) > end)
		return;
	if (p[0] != 'X' || p[1] != 'C' || p[2] != 'T' || p[3] != 'R')
		return;
	n = p[4];
	if (n >= TRACE_MAX)
		return;
	/* The verifier must see the same register checked against
	 * data_end and then written; the empty asm makes the pointer opaque
	 * so clang cannot recompute it differently for the store. */
	slot = p + 5 + n;
	asm volatile("" : "+r"(slot));
	if ((void *)(slot + 1) > end)
		return;
	*slot = id;
	p[4] = n + 1;
}

/* One counter per program: each program is loaded on its own, so each
 * gets its own copy of .bss; a test reads the one named after it. */
#define TEST_PROG(sec, name, id, verdict)                                      \
	__u64 hits_##name;                                                     \
	SEC(sec) int name(struct xdp_md *ctx)                                  \
	{                                                                      \
		__sync_fetch_and_add(&hits_##name, 1);                         \
		trace(ctx, id);                                                \
		return verdict;                                                \
	}

#endif
