// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Programs for tests/kernel/suite-badinput.sh: one the verifier rejects,
 * one that needs no privilege beyond loading XDP (no packet pointer
 * arithmetic, no maps), and one that is not XDP. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Reads the packet without checking it against data_end. */
SEC("xdp")
int t_reject(struct xdp_md *ctx)
{
	unsigned char *data = (void *)(long)ctx->data;

	return data[20] == 0x45 ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int t_plain(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("tc")
int t_not_xdp(struct __sk_buff *skb)
{
	return 0;
}

char _license[] SEC("license") = "GPL";
