// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * The per-interface state directory on bpffs (layer 2; docs/protocol.md):
 *
 *   <root>/ns-<netns inode>/if-<ifindex>/
 *       dispatcher          the XDP bpf_link of the running dispatcher
 *       prog-<id>           each chained program
 *       link-<rev>-<id>     freplace link of program <id> into revision <rev>
 *                           (one of its own positions)
 *       link-<rev>-<id>-<pos>  the same at spare position <pos> (appended,
 *                           relocated: xc_link_pin_name())
 *       main-<rev>          a chain of one: its program's link in place of
 *                           revision <rev>'s main function
 *       progs-<rev>         tail-call program array of revision <rev>
 *       stats               verdict counters, while the chain counts them
 *       verdict             what observers read, while the chain has some
 *       disp-<rev>          dispatcher program of revision <rev>
 *       meta-<rev>          its .rodata (metadata) map
 *       live-<rev>          its .bss: programs appended or relocated in
 *                           place (append.c, relocate.c)
 *       tails-<id>-<map>    a program array of program <id>'s own object
 *   <root>/ns-<netns inode>/moved-<link id>/
 *                           the same, parked: its interface moved away and
 *                           its index names another interface (moved.c)
 *   <root>/maps/NAME        maps declared LIBBPF_PIN_BY_NAME (mapdir.c)
 *
 * The directory is also the lock (flock). The running dispatcher's .rodata
 * holds the chain metadata, so the pins only keep objects alive: anything
 * the running revision does not use is an orphan and is collected
 * (orphans.c). Which root is decided here too: the one given, else
 * $XDPCHAIN_BPFFS_ROOT, else XDPCHAIN_DEFAULT_ROOT, on a bpffs that the
 * library never mounts (the xdpchain command may: cli/bpffs.c).
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <bpf/bpf.h>
#include <linux/magic.h> /* BPF_FS_MAGIC */
#include "kobj/kobj.h"
#include "store/store.h"

/* Where the system's bpffs is mounted: XDPCHAIN_DEFAULT_ROOT's parent. */
#define XDPCHAIN_BPFFS_MOUNT "/sys/fs/bpf"

int xc_resolve_root(const char *opt_root, char *buf, size_t len)
{
	const char *root = opt_root;

	if (!root || !*root)
		root = secure_getenv(XDPCHAIN_ROOT_ENV);
	if (!root || !*root)
		root = XDPCHAIN_DEFAULT_ROOT;
	if (root[0] != '/') {
		xc_warn("state root '%s' is not an absolute path\n", root);
		return -EINVAL;
	}
	if ((size_t)snprintf(buf, len, "%s", root) >= len)
		return -ENAMETOOLONG;
	/* No trailing slashes, so that paths compose cleanly. */
	for (size_t n = strlen(buf); n > 1 && buf[n - 1] == '/'; n--)
		buf[n - 1] = '\0';
	return 0;
}

int xc_netns_ino(__u64 *ino)
{
	struct stat st;

	/* thread-self: setns() changes the calling thread's namespace. */
	if (stat("/proc/thread-self/ns/net", &st) && stat("/proc/self/ns/net", &st))
		return -errno;
	*ino = st.st_ino;
	return 0;
}

int xc_state_dir(const char *root, __u64 netns_ino, int ifindex, char *buf, size_t len)
{
	if ((size_t)snprintf(buf, len, "%s/ns-%" PRIu64 "/if-%d", root, (uint64_t)netns_ino,
			     ifindex) >= len)
		return -ENAMETOOLONG;
	return 0;
}

/* mkdir -p, 0700, refusing to build the tree anywhere but on bpffs. */
static int mkdir_bpffs(const char *path)
{
	char tmp[320];
	struct statfs sfs;
	char *p;

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (p = tmp + 1;; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(tmp, 0700) && errno != EEXIST)
			return -errno; /* ENOENT: a parent was removed meanwhile */
		*p = c;
		if (!c)
			break;
	}
	if (statfs(path, &sfs))
		return -errno;
	if (sfs.f_type != BPF_FS_MAGIC)
		return -ENOTSUP;
	return 0;
}

/* Whether we are in PID 1's mount namespace (by the /proc/PID/ns links):
 * only for the advice of check_bpffs(). */
static bool same_mnt_ns_as_init(void)
{
	char a[64], b[64];
	ssize_t n = readlink("/proc/1/ns/mnt", a, sizeof(a) - 1);
	ssize_t m = readlink("/proc/self/ns/mnt", b, sizeof(b) - 1);

	return n > 0 && n == m && !memcmp(a, b, (size_t)n);
}

static int check_bpffs(const char *root)
{
	char tmp[320];
	struct statfs sfs;
	char *slash;

	/* The nearest existing ancestor decides which filesystem we use. */
	snprintf(tmp, sizeof(tmp), "%s", root);
	while (statfs(tmp, &sfs)) {
		if (errno != ENOENT)
			return -errno;
		slash = strrchr(tmp, '/');
		if (!slash || slash == tmp)
			return -ENOENT;
		*slash = '\0';
	}
	if (sfs.f_type == BPF_FS_MAGIC)
		return 0;
	if (strcmp(root, XDPCHAIN_DEFAULT_ROOT)) {
		xc_warn("state root %s is not on a BPF filesystem: mount one there or "
			"choose another root with --root or $" XDPCHAIN_ROOT_ENV "\n", root);
		return -ENOTSUP;
	}
	/* The library does not mount (the xdpchain command may, and says
	 * so: cli/bpffs.c), nor look for another process's bpffs. */
	if (same_mnt_ns_as_init())
		xc_warn("no BPF filesystem at " XDPCHAIN_BPFFS_MOUNT ": mount one with "
			"'mount -t bpf bpf " XDPCHAIN_BPFFS_MOUNT "' or choose a state root on "
			"bpffs with --root or $" XDPCHAIN_ROOT_ENV "\n");
	else
		xc_warn("no BPF filesystem at " XDPCHAIN_BPFFS_MOUNT " in this mount namespace "
			"(does 'ip netns exec' run us? it mounts a private /sys), and PID 1's is "
			"not reachable through /proc/1/root. Pins made in a bpffs private to this "
			"namespace would vanish with it and detach the chain: use "
			"'nsenter --net=/run/netns/NAME' (keeps the mount namespace), or choose a "
			"state root on a bpffs mounted outside this namespace with --root or $"
			XDPCHAIN_ROOT_ENV "\n");
	return -ENOTSUP;
}

static int vpath(struct xc_state *st, char *buf, size_t len, const char *fmt, va_list ap)
{
	char name[64];

	vsnprintf(name, sizeof(name), fmt, ap);
	if ((size_t)snprintf(buf, len, "%s/%s", st->store.dir, name) >= len)
		return -ENAMETOOLONG;
	return 0;
}

int xc_pin_at(struct xc_state *st, int fd, const char *fmt, ...)
{
	char path[400];
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = vpath(st, path, sizeof(path), fmt, ap);
	va_end(ap);
	if (err)
		return err;
	if (bpf_obj_pin(fd, path)) {
		err = -errno;
		xc_warn("cannot pin %s: %s\n", path, strerror(errno));
		return err;
	}
	xc_fault(XC_FAULT_PIN, path);
	return 0;
}

int xc_ext_link_pin(struct xc_state *st, int prog_fd, int target_fd, __u32 btf_id,
		    const char *what, const char *prog_name, const char *name)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo, .target_btf_id = btf_id);
	int fd, err;

	fd = bpf_link_create(prog_fd, target_fd, 0, &lo);
	if (fd < 0) {
		err = -errno;
		if (what)
			xc_warn("cannot attach %s: %s\n", what, strerror(errno));
		return err;
	}
	xc_fault(XC_FAULT_EXT_LINK, prog_name);
	err = xc_pin_at(st, fd, "%s", name);
	close(fd);
	return err;
}

int xc_pos_fill(struct xc_state *st, const struct xdpchain_slot_meta *m, int prog_fd,
		unsigned int pos)
{
	__u64 rev = st->chain.base.revision;
	char name[64];
	int fd, err;

	if (m->kind == XDPCHAIN_SLOT_TAILCALL) {
		fd = xc_get_at(st, "progs-%" PRIu64, (uint64_t)rev);
		if (fd < 0)
			return fd;
		err = bpf_map_update_elem(fd, &pos, &prog_fd, BPF_ANY) ? -errno : 0;
		close(fd);
		if (!err)
			xc_fault(XC_FAULT_TAIL_UPDATE, m->name);
		return err;
	}
	err = xc_link_pin_name(name, sizeof(name), rev, m->prog_id, pos, st->chain.own);
	if (err)
		return err;
	/* Reported by the caller. base's ids are shifted down by off. */
	return xc_ext_link_pin(st, prog_fd, st->chain.disp_fd,
			       st->chain.base.slot_btf_id[pos - st->chain.off], NULL, m->name, name);
}

int xc_unpin_at(struct xc_state *st, const char *fmt, ...)
{
	char path[400];
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = vpath(st, path, sizeof(path), fmt, ap);
	va_end(ap);
	if (err)
		return err;
	if (unlink(path)) {
		err = -errno;
		if (err != -ENOENT)
			xc_warn("cannot unpin %s: %s\n", path, strerror(errno));
		return err;
	}
	xc_fault(XC_FAULT_UNPIN, path);
	return 0;
}

int xc_get_at(struct xc_state *st, const char *fmt, ...)
{
	char path[400];
	va_list ap;
	int err, fd;

	va_start(ap, fmt);
	err = vpath(st, path, sizeof(path), fmt, ap);
	va_end(ap);
	if (err)
		return err;
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}

/* The program pinned as prog-<id>, only if it really is program id: a
 * pin is a name anyone with access to the directory can point elsewhere,
 * and a chain must run the programs its description names. */
static int prog_from_pin(struct xc_state *st, __u32 id)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd = xc_get_at(st, "prog-%u", id);

	if (fd < 0)
		return fd;
	if (!xc_fd_is(fd, XC_FD_PROG) || bpf_obj_get_info_by_fd(fd, &info, &len) ||
	    info.id != id) {
		xc_warn("%s/prog-%u is not program %u: replacing the pin\n", st->store.dir, id, id);
		close(fd);
		xc_unpin_at(st, "prog-%u", id);
		return -ENOENT;
	}
	return fd;
}

int xc_chain_prog_open(struct xc_state *st, __u32 id, const char *name)
{
	int fd = prog_from_pin(st, id), err;

	if (fd >= 0)
		return fd;
	fd = bpf_prog_get_fd_by_id(id);
	if (fd >= 0 && !xc_pin_at(st, fd, "prog-%u", id))
		return fd;
	err = fd < 0 ? -errno : -EIO;
	if (fd >= 0)
		close(fd);
	xc_warn("program %u (%s) of the chain is gone\n", id, name);
	return err;
}

int xc_store_check(const struct xc_state *st)
{
	return check_bpffs(st->store.root);
}

int xc_store_root_check(const char *root)
{
	return check_bpffs(root);
}

void xc_store_read_at(struct xc_state *st, const char *dir)
{
	snprintf(st->store.dir, sizeof(st->store.dir), "%s", dir);
}

void xc_store_init(struct xc_state *st)
{
	memset(&st->store, 0, sizeof(st->store));
	st->store.dir_fd = -1;
}

void xc_store_unlock(struct xc_state *st)
{
	if (st->store.dir_fd >= 0)
		close(st->store.dir_fd); /* drops the flock */
	st->store.dir_fd = -1;
}

int xc_state_open(struct xc_state *st, int ifindex, const char *opt_root)
{
	int err;

	xc_store_init(st);
	st->store.ifindex = ifindex;
	err = xc_resolve_root(opt_root, st->store.root, sizeof(st->store.root));
	if (!err)
		err = xc_netns_ino(&st->store.netns_ino);
	if (!err)
		err = xc_state_dir(st->store.root, st->store.netns_ino, ifindex, st->store.dir,
				   sizeof(st->store.dir));
	return err;
}

int xc_store_lock(struct xc_state *st, bool create, bool nonblock)
{
	struct stat a, b;
	int err, tries;

	err = check_bpffs(st->store.root);
	if (err)
		return err;
	for (tries = 0; tries < 100; tries++) {
		if (create) {
			/* A writer that removed the last chain of the namespace
			 * removes the directories we are creating: retry. */
			err = mkdir_bpffs(st->store.dir);
			if (err == -ENOENT)
				continue;
			if (err) {
				xc_warn("cannot create state directory %s: %s\n", st->store.dir,
					strerror(-err));
				return err;
			}
		}
		st->store.dir_fd = open(st->store.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (st->store.dir_fd < 0 && errno == ENOENT && create)
			continue; /* removed between mkdir and open */
		if (st->store.dir_fd < 0)
			return -errno;
		if (flock(st->store.dir_fd, LOCK_EX | (nonblock ? LOCK_NB : 0))) {
			err = -errno;
			close(st->store.dir_fd);
			st->store.dir_fd = -1;
			return err;
		}
		/* The holder before us may have removed the directory (the
		 * last program left): then lock the new one. */
		if (!fstat(st->store.dir_fd, &a) && !stat(st->store.dir, &b) && a.st_ino == b.st_ino &&
		    a.st_nlink > 0)
			break;
		/* Without create, the open above answers whether a new
		 * directory (chain) exists now. */
		close(st->store.dir_fd);
		st->store.dir_fd = -1;
	}
	if (st->store.dir_fd < 0)
		return -EDEADLK;
	return 0;
}

int xc_store_lock_other(struct xc_state *st, const char *nsdir, const char *name, int ifindex)
{
	struct stat a;
	int err;

	xc_store_unlock(st);
	st->store.ifindex = ifindex;
	if ((size_t)snprintf(st->store.dir, sizeof(st->store.dir), "%s/%s", nsdir, name) >=
	    sizeof(st->store.dir))
		return -ENAMETOOLONG;
	st->store.dir_fd = open(st->store.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->store.dir_fd < 0)
		return -errno;
	err = flock(st->store.dir_fd, LOCK_EX | LOCK_NB) ? -errno : 0;
	if (!err && (fstat(st->store.dir_fd, &a) || !a.st_nlink))
		err = -ENOENT; /* removed by the writer that held the lock */
	if (err)
		xc_store_unlock(st);
	return err;
}

void xc_state_dir_remove(struct xc_state *st)
{
	char *slash;

	if (rmdir(st->store.dir) && errno != ENOENT && errno != ENOTEMPTY)
		xc_warn("cannot remove %s: %s\n", st->store.dir, strerror(errno));
	slash = strrchr(st->store.dir, '/');
	if (slash) {
		*slash = '\0';
		rmdir(st->store.dir); /* the namespace's directory, if now empty */
		*slash = '/';
	}
}

/* The kernel empties a program array when its last user reference (a
 * descriptor or a pin) goes, and the loader's descriptors go when it
 * exits: the program's own tail calls would then silently fail. Each
 * program array of its object is pinned as tails-<prog id>-<map id> for
 * as long as the program is in the chain (orphans.c collects the pins
 * with it). */
static int pin_prog_arrays(struct xc_state *st, struct xdpchain_prog *prog)
{
	struct bpf_map *m;
	int err;

	if (!prog->own_tails || !prog->obj)
		return 0;
	bpf_object__for_each_map(m, prog->obj) {
		struct bpf_map_info mi = {};
		__u32 len = sizeof(mi);

		if (bpf_map__type(m) != BPF_MAP_TYPE_PROG_ARRAY || bpf_map__fd(m) < 0)
			continue;
		if (bpf_obj_get_info_by_fd(bpf_map__fd(m), &mi, &len))
			return -errno;
		err = xc_pin_at(st, bpf_map__fd(m), "tails-%u-%u", prog->id, mi.id);
		if (err && err != -EEXIST)
			return err;
	}
	return 0;
}

int xc_prog_joins(struct xc_state *st, struct xdpchain_prog *prog, struct xdpchain_slot_meta *m)
{
	int err;

	xc_fault(XC_FAULT_PROG_LOAD, prog->name);
	err = xc_pin_at(st, prog->fd, "prog-%u", prog->id);
	if (err && err != -EEXIST)
		return err;
	err = pin_prog_arrays(st, prog);
	if (err)
		return err;
	m->prog_id = prog->id;
	xc_prog_tag(prog->fd, m->tag, NULL);
	return 0;
}
