// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * The per-interface state directory on bpffs (docs/protocol.md):
 *
 *   <root>/ns-<netns inode>/if-<ifindex>/
 *       dispatcher          the XDP bpf_link of the running dispatcher
 *       prog-<id>           each chained program
 *       link-<rev>-<id>     freplace link of program <id> into revision <rev>
 *       progs-<rev>         tail-call program array of revision <rev>
 *       stats               verdict counters, while the chain counts them
 *       disp-<rev>          dispatcher program of revision <rev>
 *       meta-<rev>          its .rodata (metadata) map
 *       live-<rev>          its .bss: programs appended in place (append.c)
 *
 * The directory is also the lock (flock). The running dispatcher's .rodata
 * holds the chain metadata, so the pins only keep objects alive: anything
 * the running revision does not use is an orphan and is collected.
 */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include "internal.h"

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif
/* Where the system's bpffs is mounted: XDPCHAIN_DEFAULT_ROOT's parent. */
#define XDPCHAIN_BPFFS_MOUNT "/sys/fs/bpf"

static bool is_bpffs(const char *path)
{
	struct statfs sfs;

	return !statfs(path, &sfs) && sfs.f_type == BPF_FS_MAGIC;
}

/*
 * The default root lives on the system's bpffs at /sys/fs/bpf. A process
 * in another mount namespace may not see it there: 'ip netns exec'
 * unshares the mount namespace and mounts a fresh sysfs on /sys, which has
 * no bpffs on fs/bpf. Pins must outlive the command (a bpf_link whose last
 * reference goes away detaches the dispatcher), so a bpffs private to such
 * a namespace will not do; PID 1's view of /sys/fs/bpf, reached through
 * /proc/1/root, is where the rest of the system keeps its pins. It needs
 * the privilege to follow PID 1's root (ptrace access); without it the
 * writer fails with a message naming the fixes (check_bpffs).
 */
static void default_root(char *buf, size_t len)
{
	static const char host[] = "/proc/1/root" XDPCHAIN_BPFFS_MOUNT;

	if (!is_bpffs(XDPCHAIN_BPFFS_MOUNT) && is_bpffs(host)) {
		xc_debug("no bpffs at " XDPCHAIN_BPFFS_MOUNT " in this mount namespace: "
			 "using PID 1's, %s\n", host);
		snprintf(buf, len, "/proc/1/root%s", XDPCHAIN_DEFAULT_ROOT);
		return;
	}
	snprintf(buf, len, "%s", XDPCHAIN_DEFAULT_ROOT);
}

int xc_resolve_root(const char *opt_root, char *buf, size_t len)
{
	const char *root = opt_root;

	if (!root || !*root)
		root = secure_getenv(XDPCHAIN_ROOT_ENV);
	if (!root || !*root) {
		default_root(buf, len);
		return 0;
	}
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

/*
 * No bpffs at /sys/fs/bpf: mount one there, as bpftool does, but only
 * where the mount provably outlives us: in the mount namespace of the
 * initial PID namespace's init, which lives as long as the system. A mount
 * in any other namespace could vanish with it, and with it the pins that
 * keep the chain attached.
 */
#define PROC_PID_INIT_INO 0xEFFFFFFCU
static int mount_default_bpffs(void)
{
	struct stat st;

	if (stat("/proc/self/ns/pid", &st) || st.st_ino != PROC_PID_INIT_INO ||
	    !same_ns_as_init("pid") || !same_ns_as_init("mnt"))
		return -ENOTSUP;
	if (mount("bpf", XDPCHAIN_BPFFS_MOUNT, "bpf", 0, "mode=0700")) {
		xc_warn("cannot mount bpffs at " XDPCHAIN_BPFFS_MOUNT ": %s\n", strerror(errno));
		return -errno;
	}
	xc_info("mounted a BPF filesystem at " XDPCHAIN_BPFFS_MOUNT " (there was none)\n");
	return 0;
}

static int check_bpffs(const char *root, bool create)
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
	if (create && !mount_default_bpffs())
		return 0;
	if (same_ns_as_init("mnt"))
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

int xc_xdp_prog_id(int ifindex, __u32 *id, enum xdpchain_mode *mode)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int err;

	*id = 0;
	if (mode)
		*mode = XDPCHAIN_MODE_UNSPEC;
	err = bpf_xdp_query(ifindex, 0, &q);
	if (err)
		return err;
	if (q.drv_prog_id) {
		*id = q.drv_prog_id;
		if (mode)
			*mode = XDPCHAIN_MODE_NATIVE;
	} else if (q.skb_prog_id) {
		*id = q.skb_prog_id;
		if (mode)
			*mode = XDPCHAIN_MODE_SKB;
	} else if (q.hw_prog_id) {
		*id = q.hw_prog_id;
		if (mode)
			*mode = XDPCHAIN_MODE_HW;
	} else {
		*id = q.prog_id;
	}
	return 0;
}

static int vpath(struct xc_state *st, char *buf, size_t len, const char *fmt, va_list ap)
{
	char name[64];

	vsnprintf(name, sizeof(name), fmt, ap);
	if ((size_t)snprintf(buf, len, "%s/%s", st->dir, name) >= len)
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

/* What a file descriptor from bpffs is: "bpf-prog", "bpf-map", "bpf-link"
 * (the kernel's anonymous inode names; older kernels spell the last one
 * "bpf_link"). Object info alone cannot tell: the info call succeeds on
 * any BPF object, and ids of different kinds overlap. */
bool xc_fd_is(int fd, const char *kind)
{
	char path[64], target[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	if (strncmp(target, "anon_inode:", 11))
		return false;
	for (char *p = target + 11; *p; p++)
		if (*p == '_')
			*p = '-';
	return !strcmp(target + 11, kind);
}

static void state_reset(struct xc_state *st)
{
	memset(st, 0, sizeof(*st));
	st->dir_fd = st->link_fd = st->disp_fd = -1;
}

void xc_state_close(struct xc_state *st)
{
	if (st->link_fd >= 0)
		close(st->link_fd);
	if (st->disp_fd >= 0)
		close(st->disp_fd);
	st->link_fd = st->disp_fd = -1;
	st->have = false;
}

/* The program a link runs now, 0 if unknown. */
static __u32 link_prog_id(int link_fd)
{
	struct bpf_link_info li = {};
	__u32 len = sizeof(li);

	return bpf_obj_get_info_by_fd(link_fd, &li, &len) ? 0 : li.prog_id;
}

/*
 * The running dispatcher program and its metadata map from their pins
 * disp-<rev> and meta-<rev> (these need no CAP_SYS_ADMIN, unlike getting
 * them by id). A pin is used only if it is the program the link runs;
 * the map is checked against the program's maps by xc_disp_read_meta().
 */
static int disp_from_pins(struct xc_state *st, __u32 prog_id, int *map_fd)
{
	unsigned long long rev;
	struct dirent *de;
	int fd = -1, n;
	DIR *d;

	*map_fd = -1;
	d = opendir(st->dir);
	if (!d)
		return -errno;
	while (fd < 0 && (de = readdir(d))) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);

		if (sscanf(de->d_name, "disp-%llu%n", &rev, &n) != 1 || de->d_name[n])
			continue;
		fd = xc_get_at(st, "%s", de->d_name);
		if (fd < 0)
			continue;
		if (!xc_fd_is(fd, XC_FD_PROG) || bpf_obj_get_info_by_fd(fd, &info, &len) ||
		    info.id != prog_id) {
			close(fd);
			fd = -1;
			continue;
		}
		*map_fd = xc_get_at(st, "meta-%llu", rev);
	}
	closedir(d);
	return fd < 0 ? -ENOENT : fd;
}

/* The pinned link runs a program on our interface that is not a valid
 * chain of ours: leave everything alone (collecting the pins would
 * detach it, or unlink the programs of a chain we do not understand). */
static int alien(struct xc_state *st, __u32 prog_id, const char *why)
{
	st->alien_id = prog_id;
	snprintf(st->alien_why, sizeof(st->alien_why), "%s", why);
	xc_warn("%s/dispatcher runs program %u on ifindex %d, which is not a valid xdpchain "
		"chain (%s): leaving the directory alone\n", st->dir, prog_id, st->ifindex,
		why);
	xc_state_close(st);
	return 0;
}

/*
 * Read the running chain: the pinned link must be an XDP link on our
 * interface, its program our dispatcher with valid metadata built for this
 * interface and namespace, and it must be what the kernel runs there.
 * A pin that is not a live XDP link of this interface is stale (collected
 * by the caller's gc); a live link to anything else is alien (kept).
 *
 * Readers take no lock, so a writer may swap the dispatcher between our
 * steps: the program we read is then freed or no longer runs. When the
 * link has moved on to another program meanwhile, read again (a bounded
 * number of times) instead of reporting a running chain as absent.
 */
static int read_chain(struct xc_state *st)
{
	struct bpf_link_info li;
	__u32 len, running;
	char why[160];
	int err, tries = 0, map_fd;

	st->link_fd = xc_get_at(st, "dispatcher");
	if (st->link_fd < 0) {
		err = st->link_fd;
		st->link_fd = -1;
		if (err == -ENOENT)
			return 0;
		xc_warn("cannot open %s/dispatcher: %s\n", st->dir, strerror(-err));
		return err;
	}
again:
	memset(&li, 0, sizeof(li));
	len = sizeof(li);
	if (!xc_fd_is(st->link_fd, XC_FD_LINK) || bpf_obj_get_info_by_fd(st->link_fd, &li, &len)) {
		xc_warn("%s/dispatcher is not a BPF link: collecting it\n", st->dir);
		goto stale;
	}
	if (li.type != BPF_LINK_TYPE_XDP || li.xdp.ifindex != (__u32)st->ifindex) {
		if (li.type == BPF_LINK_TYPE_XDP && !li.xdp.ifindex)
			xc_info("%s/dispatcher is detached (interface gone?): collecting it\n",
				st->dir);
		else
			xc_warn("%s/dispatcher is not an XDP link of ifindex %d: collecting it\n",
				st->dir, st->ifindex);
		goto stale;
	}
	/* A live XDP link on our interface: from here on, whatever it runs
	 * runs on the interface, so it is either our chain or alien. */
	st->disp_fd = disp_from_pins(st, li.prog_id, &map_fd);
	if (st->disp_fd < 0)
		st->disp_fd = bpf_prog_get_fd_by_id(li.prog_id);
	if (st->disp_fd < 0) {
		err = -errno;
		st->disp_fd = -1;
		if (err == -ENOENT)
			goto raced; /* freed: swapped meanwhile */
		xc_warn("cannot get program %u of %s/dispatcher: %s\n", li.prog_id, st->dir,
			strerror(-err));
		xc_state_close(st);
		return err;
	}
	st->disp_id = li.prog_id;
	err = xc_disp_read_meta(st->disp_fd, map_fd, &st->base);
	if (map_fd >= 0)
		close(map_fd);
	if (err && err != -EMEDIUMTYPE && err != -ENOENT) {
		xc_warn("cannot read the metadata of dispatcher %u: %s\n", li.prog_id,
			strerror(-err));
		xc_state_close(st);
		return err;
	}
	if (err || xc_meta_validate(&st->base, why, sizeof(why)) ||
	    st->base.ifindex != (__u32)st->ifindex || st->base.netns_ino != st->netns_ino) {
		/* Not a chain of ours - unless the link moved on meanwhile. */
		if (tries++ < 16 && link_prog_id(st->link_fd) != li.prog_id) {
			close(st->disp_fd);
			st->disp_fd = -1;
			goto again;
		}
		if (err)
			snprintf(why, sizeof(why), "not an xdpchain dispatcher");
		else if (st->base.ifindex == (__u32)st->ifindex &&
			 st->base.netns_ino == st->netns_ino)
			; /* why says it */
		else if (!xc_meta_validate(&st->base, why, sizeof(why)))
			snprintf(why, sizeof(why), "metadata of another interface or namespace");
		return alien(st, li.prog_id, why);
	}
	/* Appended and vacant slots are read before the check below: a
	 * writer collects a revision's links only after swapping it out, so
	 * if the dispatcher still runs after they were read, what was read
	 * is its state. */
	err = xc_state_appended(st, why, sizeof(why));
	if (err && tries++ < 16 && link_prog_id(st->link_fd) != li.prog_id) {
		close(st->disp_fd); /* swapped meanwhile: its pins are gone */
		st->disp_fd = -1;
		goto again;
	}
	if (err == -EBADMSG)
		return alien(st, li.prog_id, why);
	if (err) {
		xc_warn("dispatcher %u: %s\n", li.prog_id, why);
		xc_state_close(st);
		return err;
	}
	xc_state_effective(st);
	if (xc_xdp_prog_id(st->ifindex, &running, NULL) || running != st->disp_id)
		goto raced;
	st->have = true;
	return 0;
raced:
	/* A writer swapped the dispatcher after we read the link? */
	if (tries++ < 16 && link_prog_id(st->link_fd) != li.prog_id) {
		if (st->disp_fd >= 0)
			close(st->disp_fd);
		st->disp_fd = -1;
		goto again;
	}
	xc_warn("%s: dispatcher %u is not what runs on ifindex %d: collecting it\n",
		st->dir, li.prog_id, st->ifindex);
stale:
	xc_state_close(st);
	return 0;
}

static int state_open(struct xc_state *st, int ifindex, const char *opt_root)
{
	int err;

	state_reset(st);
	st->ifindex = ifindex;
	err = xc_resolve_root(opt_root, st->root, sizeof(st->root));
	if (!err)
		err = xc_netns_ino(&st->netns_ino);
	if (!err)
		err = xc_state_dir(st->root, st->netns_ino, ifindex, st->dir, sizeof(st->dir));
	return err;
}

int xc_state_read(struct xc_state *st, int ifindex, const char *opt_root)
{
	int err = state_open(st, ifindex, opt_root);

	if (!err)
		err = read_chain(st);
	return err;
}

int xc_state_lock(struct xc_state *st, int ifindex, const char *opt_root, bool create)
{
	return xc_state_lock_flags(st, ifindex, opt_root, create, false);
}

int xc_state_lock_flags(struct xc_state *st, int ifindex, const char *opt_root, bool create,
			bool nonblock)
{
	struct stat a, b;
	int err, tries;

	err = state_open(st, ifindex, opt_root);
	if (err)
		return err;
	err = check_bpffs(st->root, create);
	if (err)
		return err;
	for (tries = 0; tries < 100; tries++) {
		if (create) {
			/* A writer that removed the last chain of the namespace
			 * removes the directories we are creating: retry. */
			err = mkdir_bpffs(st->dir);
			if (err == -ENOENT)
				continue;
			if (err) {
				xc_warn("cannot create state directory %s: %s\n", st->dir,
					strerror(-err));
				return err;
			}
		}
		st->dir_fd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (st->dir_fd < 0 && errno == ENOENT && create)
			continue; /* removed between mkdir and open */
		if (st->dir_fd < 0)
			return -errno;
		if (flock(st->dir_fd, LOCK_EX | (nonblock ? LOCK_NB : 0))) {
			err = -errno;
			close(st->dir_fd);
			st->dir_fd = -1;
			return err;
		}
		/* The holder before us may have removed the directory (the
		 * last program left): then lock the new one. */
		if (!fstat(st->dir_fd, &a) && !stat(st->dir, &b) && a.st_ino == b.st_ino &&
		    a.st_nlink > 0)
			break;
		/* Without create, the open above answers whether a new
		 * directory (chain) exists now. */
		close(st->dir_fd);
		st->dir_fd = -1;
	}
	if (st->dir_fd < 0)
		return -EDEADLK;
	err = read_chain(st);
	if (err) {
		xc_state_unlock(st);
		return err;
	}
	xc_state_gc(st, st->have ? &st->meta : NULL);
	return 0;
}

void xc_state_unlock(struct xc_state *st)
{
	xc_state_close(st);
	if (st->dir_fd >= 0)
		close(st->dir_fd); /* drops the flock */
	st->dir_fd = -1;
}

static bool meta_has_prog(const struct xdpchain_meta *meta, __u32 id)
{
	unsigned int i;

	for (i = 0; meta && i < meta->nr_progs; i++)
		if (meta->slots[i].prog_id == id)
			return true;
	return false;
}

__thread struct xc_gc_report *xc_gc_reporter;

void xc_state_gc(struct xc_state *st, const struct xdpchain_meta *meta)
{
	/* Pins are named after the dispatcher's revision, which vacant
	 * slots do not change; meta (the running chain) has no vacancy. */
	unsigned long long base_rev = st->base.revision, rev;
	unsigned int id;
	struct dirent *de;
	DIR *d;
	int n;

	if (st->alien_id && !meta)
		return; /* not ours to collect (read_chain) */
	d = opendir(st->dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		const char *name = de->d_name;
		bool drop;

		if (name[0] == '.')
			continue;
		if (!strcmp(name, "dispatcher"))
			drop = !meta;
		else if (sscanf(name, "prog-%u%n", &id, &n) == 1 && !name[n])
			drop = !meta_has_prog(meta, id);
		else if (sscanf(name, "link-%llu-%u%n", &rev, &id, &n) == 2 && !name[n])
			drop = !meta || rev != base_rev || !meta_has_prog(meta, id);
		else if ((sscanf(name, "progs-%llu%n", &rev, &n) == 1 ||
			  sscanf(name, "disp-%llu%n", &rev, &n) == 1 ||
			  sscanf(name, "meta-%llu%n", &rev, &n) == 1 ||
			  sscanf(name, XDPCHAIN_LIVE_PIN "-%llu%n", &rev, &n) == 1) && !name[n])
			drop = !meta || rev != base_rev;
		else if (!strcmp(name, XDPCHAIN_STATS_PIN))
			drop = !meta || !(meta->flags & XDPCHAIN_META_F_STATS);
		else {
			xc_warn("%s/%s: unknown entry, left alone\n", st->dir, name);
			continue;
		}
		if (drop) {
			xc_debug("collecting %s/%s\n", st->dir, name);
			if (!xc_unpin_at(st, "%s", name) && xc_gc_reporter)
				xc_gc_reporter->fn(xc_gc_reporter, st->dir, name);
		}
	}
	closedir(d);
}
