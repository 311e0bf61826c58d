// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Example: drops IPv4 UDP packets to one blocked destination port and
 * passes everything else on to the next program (priority 20). */
#include "parse.h"
#include <xdpchain/prog.h>

/*
 * const: the value goes to .rodata, which libbpf freezes after load, so
 * the verifier treats it as a constant. volatile: without it clang would
 * fold the default 9999 into the code and a loader setting another port
 * (skeleton->rodata->blocked_port before load) would have no effect.
 */
const volatile __u16 blocked_port = 9999;

/* Counters in .bss (see xdp_count.bpf.c). */
__u64 fw_dropped, fw_passed;

/* Its place in a chain, read by xdpchain (and libxdp) from the ELF file. */
XDPCHAIN_PROG_CONFIG(xdp_firewall,
	XDPCHAIN_PRIORITY(20);
	XDPCHAIN_CONTINUE_ON(XDP_PASS);
	XDPCHAIN_FINAL(XDP_DROP);
);

SEC("xdp")
int xdp_firewall(struct xdp_md *ctx)
{
	struct pkt p;

	parse(ctx, &p);
	/* Later fragments of a blocked datagram carry no port and pass;
	 * without the first one the receiver cannot reassemble it. */
	if (p.udp && p.udp->dest == bpf_htons(blocked_port)) {
		__sync_fetch_and_add(&fw_dropped, 1);
		return XDP_DROP;
	}
	__sync_fetch_and_add(&fw_passed, 1);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
