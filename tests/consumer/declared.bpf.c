// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* A third-party program compiled against the INSTALLED <xdpchain/prog.h>
 * (tests/pkg/install.sh). */
#include <linux/bpf.h>
#include <xdpchain/prog.h>

XDPCHAIN_PROG_CONFIG(consumer_prog,
	XDPCHAIN_PRIORITY(42);
	XDPCHAIN_CONTINUE_ON(XDP_DROP);
	XDPCHAIN_FINAL(XDP_PASS);
);

SEC("xdp")
int consumer_prog(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
