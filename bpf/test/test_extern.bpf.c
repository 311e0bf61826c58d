// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* A program calling a function that no object defines and that is not a
 * kernel function (no __ksym): libbpf cannot open such an object. The
 * object that defines it was never linked in (bpftool gen object).
 * suite-badinput.sh expects the library to name the symbol. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern int xc_not_linked_in(__u32 ifindex);

SEC("xdp")
int t_extern(struct xdp_md *ctx)
{
	return xc_not_linked_in(ctx->ingress_ifindex) ? XDP_PASS : XDP_DROP;
}

char _license[] SEC("license") = "GPL";
