// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* A program declaring its run config in the ELF (libxdp convention):
 * priority 5, and the chain continues after pass and after drop. */
#include "trace.h"
#include "xdp_run_config.h"

struct {
	__uint(priority, 5);
	__uint(XDP_PASS, 1);
	__uint(XDP_DROP, 1);
} XDP_RUN_CONFIG(t_runcfg);

TEST_PROG("xdp", t_runcfg, 0xc5, XDP_DROP)

char _license[] SEC("license") = "GPL";
