// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* The smallest useful observer, for bench/observers.sh: it reads the
 * decision and counts drops in its own .bss, as an operator's counter
 * would. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <xdpchain/prog.h>

XDPCHAIN_OBSERVER_MAP;

__u64 drops;

SEC("xdp")
int b_observer(struct xdp_md *ctx)
{
	const struct xdpchain_decision *d = xdpchain_observed();

	if (d && d->verdict == XDP_DROP)
		drops++;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
