/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * Declaring a program's run config in its ELF file, in the convention
 * libxdp established (so programs written for libxdp keep working):
 *
 *   struct {
 *       __uint(priority, 10);   // lower number runs first
 *       __uint(XDP_PASS, 1);    // continue with the next program on pass
 *       __uint(XDP_DROP, 0);
 *   } XDP_RUN_CONFIG(my_prog);
 */
#ifndef XDPCHAIN_XDP_RUN_CONFIG_H
#define XDPCHAIN_XDP_RUN_CONFIG_H

#include <bpf/bpf_helpers.h>

#ifndef XDP_RUN_CONFIG
/* The variable is only read from BTF; "used" keeps clang from dropping a
 * variable no code references. */
#define XDP_RUN_CONFIG(prog) _##prog SEC(".xdp_run_config") __attribute__((used))
#endif

#endif
