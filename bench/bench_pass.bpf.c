// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* The trivial program chained in benchmarks: every framework's cost is
 * measured around the same body. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int b_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
