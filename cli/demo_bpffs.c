// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* The BPF filesystem the library keeps its state in: a fresh machine may
 * not have it mounted, and the demo checks that it leaves nothing there. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/vfs.h>
#include <xdpchain/xdpchain.h>
#include "demo.h"

#define BPFFS "/sys/fs/bpf"
#define BPF_FS_MAGIC_ 0xcafe4a11 /* linux/magic.h's BPF_FS_MAGIC */

const char *demo_bpffs_root(const char *root)
{
	if (!root || !*root)
		root = secure_getenv(XDPCHAIN_ROOT_ENV);
	return root && *root ? root : XDPCHAIN_DEFAULT_ROOT;
}

int demo_bpffs_ensure(const char *root, bool *mounted)
{
	size_t n = strlen(BPFFS);
	struct statfs sfs;

	*mounted = false;
	root = demo_bpffs_root(root);
	/* Another root is the user's choice; the library checks it. */
	if (strncmp(root, BPFFS, n) || (root[n] && root[n] != '/'))
		return 0;
	if (statfs(BPFFS, &sfs))
		return -errno;
	if ((unsigned long)sfs.f_type == BPF_FS_MAGIC_)
		return 0;
	/* What systemd mounts at boot; 0700 as the state is root's. */
	if (mount("bpf", BPFFS, "bpf", 0, "mode=0700"))
		return -errno;
	*mounted = true;
	return 0;
}

bool demo_bpffs_ns_state_exists(const char *root, __u64 ino)
{
	char path[4096];

	/* <root>/ns-<netns inode>/, see docs/protocol.md */
	snprintf(path, sizeof(path), "%s/ns-%" PRIu64, demo_bpffs_root(root), (uint64_t)ino);
	return access(path, F_OK) == 0 || errno != ENOENT;
}
