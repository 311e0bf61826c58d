/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
#ifndef XDPCHAIN_CLI_BPFFS_H
#define XDPCHAIN_CLI_BPFFS_H

#include <stdbool.h>

/* The state root a command passes to the library for root (--root, may
 * be NULL): root itself, unless it and $XDPCHAIN_BPFFS_ROOT are unset and
 * no bpffs is at /sys/fs/bpf; then PID 1's through /proc/1/root if that is
 * one, else (creates: the command may create a chain) a bpffs mounted at
 * /sys/fs/bpf where the mount outlives the command, saying so on stderr.
 * verbose: say which root was chosen. */
const char *cli_bpffs_root(const char *root, bool creates, bool verbose);

#endif
