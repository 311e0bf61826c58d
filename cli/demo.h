/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* Helpers of the demo command (demo_net.c). */
#ifndef XDPCHAIN_CLI_DEMO_H
#define XDPCHAIN_CLI_DEMO_H

#include <linux/types.h>

int demo_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int demo_ensure_bpffs(void);
int demo_enter_netns(const char *name);
int demo_send_udp(const char *from_if, const char *to_if, int dport, int count);
int demo_read_var(__u32 prog_id, const char *name, __u64 *value);

#endif
