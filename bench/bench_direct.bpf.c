// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * The floor for a chain of N programs: one XDP program making N direct
 * BPF-to-BPF calls to trivial functions, no dispatcher logic at all.
 * N = 1 is "the program attached directly" plus one call; b_pass alone is
 * the absolute floor and is measured separately.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Set before load; the verifier removes the calls past nr. */
const volatile __u32 nr = 1;

/* Global and noinline so each is a real call; volatile so clang cannot
 * fold the result into the caller (the same shape as the dispatcher's
 * slots, without the verdict logic). */
#define F(n)                                                                   \
	__attribute__((noinline)) int f_##n(struct xdp_md *ctx)                \
	{                                                                      \
		volatile int r = XDP_PASS;                                     \
		if (!ctx)                                                      \
			return XDP_ABORTED;                                    \
		return r;                                                      \
	}
#define F8(a, b, c, d, e, f, g, h) F(a) F(b) F(c) F(d) F(e) F(f) F(g) F(h)
F8(0, 1, 2, 3, 4, 5, 6, 7)
F8(8, 9, 10, 11, 12, 13, 14, 15)
F8(16, 17, 18, 19, 20, 21, 22, 23)
F8(24, 25, 26, 27, 28, 29, 30, 31)
F8(32, 33, 34, 35, 36, 37, 38, 39)
F8(40, 41, 42, 43, 44, 45, 46, 47)
F8(48, 49, 50, 51, 52, 53, 54, 55)
F8(56, 57, 58, 59, 60, 61, 62, 63)

/* Same shape as the dispatcher: return at the first unused position so
 * the verifier removes the rest. */
#define C(n)                                                                   \
	if (n >= nr)                                                           \
		return ret;                                                    \
	ret = f_##n(ctx);                                                      \
	if (ret != XDP_PASS)                                                   \
		return ret;
#define C8(a, b, c, d, e, f, g, h) C(a) C(b) C(c) C(d) C(e) C(f) C(g) C(h)

SEC("xdp")
int b_direct(struct xdp_md *ctx)
{
	int ret = XDP_PASS;

	C8(0, 1, 2, 3, 4, 5, 6, 7)
	C8(8, 9, 10, 11, 12, 13, 14, 15)
	C8(16, 17, 18, 19, 20, 21, 22, 23)
	C8(24, 25, 26, 27, 28, 29, 30, 31)
	C8(32, 33, 34, 35, 36, 37, 38, 39)
	C8(40, 41, 42, 43, 44, 45, 46, 47)
	C8(48, 49, 50, 51, 52, 53, 54, 55)
	C8(56, 57, 58, 59, 60, 61, 62, 63)
	return ret;
}

char _license[] SEC("license") = "GPL";
