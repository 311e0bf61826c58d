// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * bpf_loop (Linux 5.17 and later), in an object of its own so that the
 * other test objects still load on older kernels. s_loop checks the IPv4
 * header checksum of each frame: the header is copied to the stack and
 * bpf_loop's callback adds one 16-bit word per iteration. A hit is a
 * frame whose checksum is valid after exactly 10 iterations (xdptest
 * sends valid ones); loop_iters, loop_sum and loop_ret (bpf_loop's return
 * value) keep what the last frame gave (tests/kernel/suite-programs.sh).
 */
#include "parse.h"

__u64 hits_s_loop;
__u32 loop_iters, loop_sum;
__s64 loop_ret;

struct csum_ctx {
	__u16 words[10]; /* a 20-byte IPv4 header */
	__u32 sum;
	__u32 iters;
};

static long add_word(__u32 i, void *data)
{
	struct csum_ctx *c = data;

	if (i >= 10)
		return 1; /* stop */
	c->sum += c->words[i];
	/* Not c->iters++: Linux 6.1's verifier walks a callback once and
	 * then takes a counter it increments for the constant 1, so it
	 * removed "iters == 10" after the loop, and the hit with it, as dead
	 * code (bpftool prog dump xlated shows it; verifiers since 6.7 walk
	 * callbacks until their states converge). The index is a value it
	 * does not know. */
	c->iters = i + 1;
	return 0;
}

SEC("xdp")
int s_loop(struct xdp_md *ctx)
{
	struct csum_ctx c = {};
	struct pkt p;
	long n;

	parse(ctx, &p);
	if (!p.ip)
		return XDP_PASS;
	__builtin_memcpy(c.words, p.ip, sizeof(c.words));
	n = bpf_loop(10, add_word, &c, 0);
	c.sum = (c.sum & 0xffff) + (c.sum >> 16);
	c.sum = (c.sum & 0xffff) + (c.sum >> 16);
	loop_iters = c.iters;
	loop_sum = c.sum;
	loop_ret = n;
	if (n == 10 && c.iters == 10 && c.sum == 0xffff)
		__sync_fetch_and_add(&hits_s_loop, 1);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
