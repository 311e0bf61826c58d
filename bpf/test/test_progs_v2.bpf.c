// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* "A rebuilt object": programs named like some of test_progs.bpf.c but with
 * other code (other trace ids), so other kernel tags. Used by the apply
 * suite to check that a new build replaces the running one. */
#include "trace.h"

TEST_PROG("xdp", t_pass_a, 0xe1, XDP_PASS)
TEST_PROG("xdp", t_pass_b, 0xe2, XDP_PASS)

char _license[] SEC("license") = "GPL";
