/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * Declaring a program's run config in its ELF file, in the convention
 * libxdp established, so that programs written for libxdp keep their
 * priority and continue-on set under xdpchain and the other way round:
 *
 *   struct {
 *       __uint(priority, 10);   // lower number runs first
 *       __uint(XDP_PASS, 1);    // continue with the next program on pass
 *       __uint(XDP_DROP, 0);    // a drop is final
 *   } XDP_RUN_CONFIG(my_prog);
 *
 * The loader reads only the BTF of the variable _my_prog (the values are
 * encoded in the array sizes by __uint()), never its contents; a global
 * with external linkage is always emitted, even though no code uses it.
 */
#ifndef XDPCHAIN_XDP_RUN_CONFIG_H
#define XDPCHAIN_XDP_RUN_CONFIG_H

#include <bpf/bpf_helpers.h>

#ifndef XDP_RUN_CONFIG
#define XDP_RUN_CONFIG(f) _##f SEC(".xdp_run_config")
#endif

#endif
