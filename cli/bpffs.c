// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * Where the default state root is, decided by the command, not the
 * library (a library does not mount filesystems nor reach into another
 * process's root; libxdpchain uses /sys/fs/bpf/xdpchain or the root it is
 * given, and refuses one not on bpffs). docs/protocol.md, section 5.
 *
 * Pins must outlive the command (a bpf_link whose last reference goes
 * away detaches the dispatcher), so a bpffs private to a mount namespace
 * will not do. 'ip netns exec' unshares the mount namespace and mounts a
 * fresh sysfs on /sys, which has no bpffs on fs/bpf: PID 1's view of
 * /sys/fs/bpf, reached through /proc/1/root (ptrace access to PID 1), is
 * where the rest of the system keeps its pins. With no bpffs mounted at
 * all, a command that creates a chain mounts one at /sys/fs/bpf, as
 * bpftool does, but only where the mount provably outlives it: in the
 * mount namespace of the initial PID namespace's init.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/magic.h> /* BPF_FS_MAGIC */
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include "xdpchain/xdpchain.h"
#include "bpffs.h"
#include "cli.h"

#define BPFFS_MOUNT "/sys/fs/bpf" /* XDPCHAIN_DEFAULT_ROOT's parent */
#define PID1_BPFFS "/proc/1/root" BPFFS_MOUNT
/* The inode of the initial PID namespace (include/linux/proc_ns.h). */
#define PROC_PID_INIT_INO 0xEFFFFFFCU

static bool is_bpffs(const char *path)
{
	struct statfs sfs;

	return !statfs(path, &sfs) && sfs.f_type == BPF_FS_MAGIC;
}

/* Same namespace as PID 1's, by the /proc/PID/ns links; false if unknown. */
static bool same_ns_as_init(const char *ns)
{
	char a[64], b[64], p1[32], self[32];
	ssize_t n, m;

	snprintf(p1, sizeof(p1), "/proc/1/ns/%s", ns);
	snprintf(self, sizeof(self), "/proc/self/ns/%s", ns);
	n = readlink(p1, a, sizeof(a) - 1);
	m = readlink(self, b, sizeof(b) - 1);
	return n > 0 && n == m && !memcmp(a, b, (size_t)n);
}

static bool mount_outlives_us(void)
{
	struct stat st;

	return !stat("/proc/self/ns/pid", &st) && st.st_ino == PROC_PID_INIT_INO &&
	       same_ns_as_init("pid") && same_ns_as_init("mnt");
}

const char *cli_bpffs_root(const char *root, bool creates, bool verbose)
{
	static const char pid1_root[] = "/proc/1/root" XDPCHAIN_DEFAULT_ROOT;
	const char *env = secure_getenv(XDPCHAIN_ROOT_ENV);

	if ((root && *root) || (env && *env) || is_bpffs(BPFFS_MOUNT))
		return root;
	if (is_bpffs(PID1_BPFFS)) {
		if (verbose)
			fprintf(stderr, "no bpffs at " BPFFS_MOUNT " in this mount namespace: "
				"using PID 1's, %s\n", pid1_root);
		return pid1_root;
	}
	if (!creates || !mount_outlives_us())
		return root; /* the library says what is missing */
	if (mount("bpf", BPFFS_MOUNT, "bpf", 0, "mode=0700")) {
		fprintf(stderr, "Warning: cannot mount bpffs at " BPFFS_MOUNT ": %s\n",
			strerror(errno));
		return root;
	}
	fprintf(stderr, "xdpchain: mounted a BPF filesystem at " BPFFS_MOUNT
		" (there was none)\n");
	return root;
}

int cli_set_libxdp_bpffs(struct cli_ctx *ctx, const char *dir)
{
	struct stat st;

	if (!*dir || stat(dir, &st)) {
		cli_error(ctx, "--libxdp-bpffs '%s': %s", dir, *dir ? strerror(errno) : "empty");
		return CLI_EXIT_USAGE;
	}
	if (!S_ISDIR(st.st_mode) || !is_bpffs(dir)) {
		cli_error(ctx, "--libxdp-bpffs '%s': not a directory on a BPF filesystem (bpffs): "
			  "libxdp pins its dispatchers' programs under <bpffs>/xdp", dir);
		return CLI_EXIT_USAGE;
	}
	if (setenv("LIBXDP_BPFFS", dir, 1)) {
		cli_error(ctx, "%s", strerror(errno));
		return CLI_EXIT_FAIL;
	}
	ctx->libxdp_bpffs = dir;
	return CLI_EXIT_OK;
}
