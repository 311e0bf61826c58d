// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* A program declaring its run config in the ELF in libxdp's spelling
 * (XDP_RUN_CONFIG() as <xdp/xdp_helpers.h> defines it; <xdpchain/prog.h>
 * provides it too): priority 5, and the chain continues after pass and
 * after drop. */
#include "trace.h"
#include <xdpchain/prog.h>

struct {
	__uint(priority, 5);
	__uint(XDP_PASS, 1);
	__uint(XDP_DROP, 1);
} XDP_RUN_CONFIG(t_runcfg);

TEST_PROG("xdp", t_runcfg, 0xc5, XDP_DROP)

char _license[] SEC("license") = "GPL";
