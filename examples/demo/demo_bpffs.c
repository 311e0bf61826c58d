// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * The BPF filesystem the demo's state goes to. This is the demo's own
 * choice, not the library's policy: libxdpchain resolves its state root
 * from --root, $XDPCHAIN_BPFFS_ROOT or the default (reaching PID 1's
 * /sys/fs/bpf from a private mount namespace), and mounts a bpffs itself
 * only in the system's own mount namespace, where the mount outlives the
 * command as the pins of a lasting chain need. The demo's chain is
 * throwaway: it names the default root explicitly (DEMO_ROOT, for every
 * library call and for its check that nothing is left there), mounts a
 * bpffs on /sys/fs/bpf if a fresh machine has none, and removes its
 * state before it exits.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include "demo.h"

#define BPFFS "/sys/fs/bpf" /* where DEMO_ROOT is */

int demo_bpffs_ensure(bool *mounted)
{
	struct statfs sfs;

	*mounted = false;
	if (statfs(BPFFS, &sfs))
		return -errno;
	if ((unsigned long)sfs.f_type == BPF_FS_MAGIC)
		return 0;
	/* What systemd mounts at boot; 0700 as the state is root's. */
	if (mount("bpf", BPFFS, "bpf", 0, "mode=0700"))
		return -errno;
	*mounted = true;
	return 0;
}

bool demo_bpffs_ns_state_exists(__u64 ino)
{
	char path[128];

	/* DEMO_ROOT/ns-<netns inode>/, see docs/protocol.md */
	snprintf(path, sizeof(path), DEMO_ROOT "/ns-%" PRIu64, (uint64_t)ino);
	return access(path, F_OK) == 0 || errno != ENOENT;
}
