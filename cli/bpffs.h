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

struct cli_ctx;
/* --libxdp-bpffs DIR (global, or adopt's and status's own): the bpffs
 * where libxdp pins its dispatchers' programs (in DIR/xdp), checked to be
 * a directory on a BPF filesystem (else a usage error, nothing done), and
 * put in $LIBXDP_BPFFS, which libxdp's own API (status) and the library
 * (the repair of an adoption's leftovers, docs/protocol.md 7a) read.
 * Returns a CLI_EXIT_* code. */
int cli_set_libxdp_bpffs(struct cli_ctx *ctx, const char *dir);

#endif
