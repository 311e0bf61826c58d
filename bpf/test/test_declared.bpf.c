// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* A program declaring its run config with the macros of <xdpchain/prog.h>:
 * priority 7; the chain continues after tx and drop, and pass is final
 * (removed from the default set), so every value differs from the
 * defaults and from test_runcfg.bpf.c. */
#include "trace.h"
#include <xdpchain/prog.h>

XDPCHAIN_PROG_CONFIG(t_declared,
	XDPCHAIN_PRIORITY(7);
	XDPCHAIN_CONTINUE_ON(XDP_TX);
	XDPCHAIN_CONTINUE_ON(XDP_DROP);
	XDPCHAIN_FINAL(XDP_PASS);
);

TEST_PROG("xdp", t_declared, 0xd7, XDP_PASS)

char _license[] SEC("license") = "GPL";
