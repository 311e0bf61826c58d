// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Programs for the kernel scenario suite: each records its id in the
 * packet (trace.h) and returns a fixed verdict. */
#include "trace.h"

TEST_PROG("xdp", t_pass_a, 0xa1, XDP_PASS)
TEST_PROG("xdp", t_pass_b, 0xa2, XDP_PASS)
TEST_PROG("xdp", t_pass_c, 0xa3, XDP_PASS)
TEST_PROG("xdp", t_pass_d, 0xa4, XDP_PASS)
TEST_PROG("xdp", t_pass_e, 0xa5, XDP_PASS)
TEST_PROG("xdp", t_drop, 0xd0, XDP_DROP)
TEST_PROG("xdp", t_tx, 0x70, XDP_TX)
TEST_PROG("xdp", t_aborted, 0xab, XDP_ABORTED)
/* Returns the redirect verdict without a redirect helper call: the
 * dispatcher's verdict logic is under test, not redirection. */
TEST_PROG("xdp", t_redirect_ret, 0x4e, XDP_REDIRECT)
/* Not an XDP action: must be final and must not break the dispatcher. */
TEST_PROG("xdp", t_bogus, 0xb0, 77)
/* 31: what empty slots returned up to metadata version 4 (and a valid
 * shift count): must be final like 77, not skipped as an empty slot. */
TEST_PROG("xdp", t_ret31, 0x31, 31)
TEST_PROG("xdp.frags", t_frags_pass, 0xf0, XDP_PASS)

char _license[] SEC("license") = "GPL";
