// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * libxdp's dispatcher, read for an adoption (layer 1; docs/protocol.md,
 * "Adoption"). The library does not link libxdp: it reads only what an
 * adoption needs, by libxdp's published protocol (xdp-tools
 * lib/libxdp/protocol.org): the dispatcher's one config map (its frozen
 * .rodata: the programs' count, chain-call actions, run priorities and
 * flags, read by libxdp_config.c), and the component programs libxdp pinned
 * under <bpffs>/xdp/dispatch-<ifindex>-<dispatcher id>/prog<N>-prog,
 * read and removed under libxdp's own lock (an exclusive flock on the
 * <bpffs>/xdp directory), as libxdp itself does. These pins are not
 * xdpchain's state: nothing here touches the state directory.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/magic.h>
#include <sys/file.h>
#include <sys/vfs.h>
#include <sys/utsname.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include "kobj/kobj.h"

/* Paths under libxdp's bpffs: not PATH_MAX, the library's functions stay
 * under 2 KB of stack (docs/architecture.md). */
#define DIR_LEN 400
#define PATH_LEN (DIR_LEN + 32)

const char *xc_libxdp_root(const char *root)
{
	const char *env;

	if (root && root[0])
		return root;
	/* libxdp's own variable, as libxdp reads it. */
	env = secure_getenv("LIBXDP_BPFFS");
	return env && env[0] ? env : "/sys/fs/bpf";
}

int xc_libxdp_lock(const char *root, char *why, size_t why_len)
{
	struct statfs sfs;
	char dir[DIR_LEN];
	int fd;

	/* A wrong directory says so, not "no such pin" further on. */
	if (statfs(xc_libxdp_root(root), &sfs) || sfs.f_type != BPF_FS_MAGIC) {
		snprintf(why, why_len, "libxdp's bpffs %s is not a BPF filesystem: libxdp pins "
			 "its dispatchers' programs under <bpffs>/xdp (libxdp_bpffs, "
			 "$LIBXDP_BPFFS)", xc_libxdp_root(root));
		return -EINVAL;
	}
	snprintf(dir, sizeof(dir), "%s/xdp", xc_libxdp_root(root));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int err = -errno;

		snprintf(why, why_len, "cannot open libxdp's directory %s (%s): its pins "
			 "name the dispatcher's programs (LIBXDP_BPFFS names another bpffs)",
			 dir, strerror(-err));
		return err;
	}
	if (flock(fd, LOCK_EX)) {
		int err = -errno;

		close(fd);
		snprintf(why, why_len, "cannot lock %s: %s", dir, strerror(-err));
		return err;
	}
	return fd;
}

void xc_libxdp_unlock(int lock_fd)
{
	if (lock_fd >= 0)
		close(lock_fd); /* releases the flock */
}

/* Re-linking an extension to a second target needs Linux 5.10. */
static bool kernel_relinks(void)
{
	struct utsname u;
	unsigned int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return true; /* cannot tell: the link itself will say */
	return major > 5 || (major == 5 && minor >= 10);
}

/* The config map's value buf, by the names in the map's BTF when it has
 * one (libxdp_config.c says why). */
static int parse_config(const struct bpf_map_info *mi, const __u8 *buf, struct xc_libxdp *x,
			char *why, size_t why_len)
{
	struct btf *btf;
	int err;

	if (!mi->btf_id || !mi->btf_value_type_id)
		return xc_libxdp_parse(buf, mi->value_size, x, why, why_len);
	btf = btf__load_from_kernel_by_id(mi->btf_id);
	if (!btf) {
		err = -errno;
		snprintf(why, why_len, "cannot read its config map's BTF %u: %s", mi->btf_id,
			 strerror(-err));
		return err;
	}
	err = xc_libxdp_parse_btf(btf, mi->btf_value_type_id, buf, mi->value_size, x, why,
				  why_len);
	btf__free(btf);
	return err;
}

/* The dispatcher's one map, its frozen config. */
static int read_config(int disp_fd, struct xc_libxdp *x, char *why, size_t why_len)
{
	struct bpf_prog_info pi = {};
	struct bpf_map_info mi = {};
	__u32 len = sizeof(pi), map_id = 0, key = 0;
	__u8 *buf;
	int fd, err;

	pi.nr_map_ids = 1;
	pi.map_ids = (__u64)(unsigned long)&map_id;
	if (bpf_obj_get_info_by_fd(disp_fd, &pi, &len)) {
		err = -errno;
		snprintf(why, why_len, "cannot read the dispatcher: %s", strerror(-err));
		return err;
	}
	if (pi.nr_map_ids != 1) {
		snprintf(why, why_len, "its dispatcher has %u maps, not libxdp's one config "
			 "map", pi.nr_map_ids);
		return -EOPNOTSUPP;
	}
	fd = bpf_map_get_fd_by_id(map_id);
	if (fd < 0) {
		err = -errno;
		snprintf(why, why_len, "cannot get its config map %u: %s", map_id, strerror(-err));
		return err;
	}
	len = sizeof(mi);
	err = bpf_obj_get_info_by_fd(fd, &mi, &len) ? -errno : 0;
	if (!err && (mi.key_size != 4 || mi.max_entries != 1 || mi.value_size < 2 ||
		     mi.value_size > 4096)) {
		snprintf(why, why_len, "its config map is not libxdp's (key %u, value %u bytes, "
			 "%u entries)", mi.key_size, mi.value_size, mi.max_entries);
		close(fd);
		return -EOPNOTSUPP;
	}
	buf = err ? NULL : calloc(1, mi.value_size);
	if (!err && !buf)
		err = -ENOMEM;
	if (!err && bpf_map_lookup_elem(fd, &key, buf))
		err = -errno;
	close(fd);
	if (err) {
		snprintf(why, why_len, "cannot read its config map: %s", strerror(-err));
		free(buf);
		return err;
	}
	err = parse_config(&mi, buf, x, why, why_len);
	free(buf);
	return err;
}

/* Component i: its pinned program, an extension (the link pin, when the
 * kernel says its target, links it to this dispatcher). */
static int read_prog(const char *dir, unsigned int i, __u32 disp_id, struct xc_libxdp_prog *p,
		     char *why, size_t why_len)
{
	struct bpf_prog_info pi = {};
	struct bpf_link_info li = {};
	__u32 len = sizeof(pi);
	char path[PATH_LEN];
	int lfd, err;

	snprintf(path, sizeof(path), "%s/prog%u-prog", dir, i);
	p->fd = bpf_obj_get(path);
	if (p->fd < 0) {
		err = -errno;
		snprintf(why, why_len, "cannot open libxdp's pin %s: %s", path, strerror(-err));
		return err;
	}
	if (bpf_obj_get_info_by_fd(p->fd, &pi, &len) || pi.type != BPF_PROG_TYPE_EXT) {
		snprintf(why, why_len, "%s is not an extension program", path);
		return -EINVAL;
	}
	p->id = pi.id;
	snprintf(p->name, sizeof(p->name), "%s", pi.name[0] ? pi.name : "unnamed");
	snprintf(path, sizeof(path), "%s/prog%u-link", dir, i);
	lfd = bpf_obj_get(path);
	if (lfd < 0)
		return 0; /* libxdp before links (5.7-5.9) pinned none */
	len = sizeof(li);
	err = bpf_obj_get_info_by_fd(lfd, &li, &len) ? -errno : 0;
	close(lfd);
	/* target_obj_id: Linux 5.13 and later; 0 before (not checked). */
	if (!err && li.prog_id == pi.id && li.tracing.target_obj_id &&
	    li.tracing.target_obj_id != disp_id) {
		snprintf(why, why_len, "%s links program %u to program %u, not to the "
			 "dispatcher %u", path, pi.id, li.tracing.target_obj_id, disp_id);
		return -ESTALE;
	}
	return 0;
}

void xc_libxdp_close(struct xc_libxdp *x)
{
	for (unsigned int i = 0; i < XC_LIBXDP_MAX; i++) {
		if (x->progs[i].fd >= 0)
			close(x->progs[i].fd);
		x->progs[i].fd = -1;
	}
}

int xc_libxdp_read(const char *root, int ifindex, int disp_fd, __u32 disp_id,
		   struct xc_libxdp *x, char *why, size_t why_len)
{
	char dir[DIR_LEN];
	int err;

	memset(x, 0, sizeof(*x));
	for (unsigned int i = 0; i < XC_LIBXDP_MAX; i++)
		x->progs[i].fd = -1;
	if (!kernel_relinks()) {
		snprintf(why, why_len, "its programs would have to be linked to a second "
			 "dispatcher, which needs Linux 5.10 or later");
		return -EOPNOTSUPP;
	}
	err = read_config(disp_fd, x, why, why_len);
	if (err)
		return err;
	snprintf(dir, sizeof(dir), "%s/xdp/dispatch-%d-%u", xc_libxdp_root(root), ifindex,
		 disp_id);
	if (!x->nr) {
		snprintf(why, why_len, "libxdp's dispatcher runs no program");
		return -ENOENT;
	}
	for (unsigned int i = 0; i < x->nr; i++) {
		err = read_prog(dir, i, disp_id, &x->progs[i], why, why_len);
		if (err) {
			xc_libxdp_close(x);
			return err;
		}
	}
	return 0;
}

/* Remove libxdp's pins in dir (prog<N>-prog, prog<N>-link: nothing else
 * libxdp puts there), then dir; fn (may be NULL) hears of each. */
static int unpin_dir(const char *dir, xc_libxdp_removed_fn fn, void *ctx)
{
	char path[DIR_LEN + 128];
	struct dirent *de;
	DIR *d;
	int err = 0;

	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "prog", 4))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path)) {
			if (errno != ENOENT && !err)
				err = -errno;
		} else if (fn) {
			fn(dir, de->d_name, ctx);
		}
	}
	closedir(d);
	if (!err && rmdir(dir) && errno != ENOENT)
		err = -errno;
	return err;
}

int xc_libxdp_unpin(const char *root, int ifindex, __u32 disp_id)
{
	char dir[DIR_LEN];

	snprintf(dir, sizeof(dir), "%s/xdp/dispatch-%d-%u", xc_libxdp_root(root), ifindex,
		 disp_id);
	return unpin_dir(dir, NULL, NULL);
}

/* The directory name dispatch-<ifindex>-<id> of ifindex: its id, else 0. */
static __u32 dispatch_id(const char *name, int ifindex)
{
	int idx = 0, end = 0;
	unsigned int id = 0;

	if (sscanf(name, "dispatch-%d-%u%n", &idx, &id, &end) != 2 || name[end] || idx != ifindex)
		return 0;
	return id;
}

static bool id_in(__u32 id, const __u32 *ids, unsigned int n)
{
	for (unsigned int i = 0; id && i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* The program a pin of libxdp's names: prog<N>-prog itself, prog<N>-link
 * the extension it links; 0 for anything else (not libxdp's layout). */
static __u32 pin_prog_id(const char *dir, const char *name)
{
	struct bpf_prog_info pi = {};
	struct bpf_link_info li = {};
	char path[DIR_LEN + 128], kind[8];
	unsigned int n;
	int end = 0, fd;
	__u32 len, id = 0;

	if (sscanf(name, "prog%u-%4s%n", &n, kind, &end) != 2 || name[end] ||
	    (strcmp(kind, "prog") && strcmp(kind, "link")))
		return 0;
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return 0;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	if (!strcmp(kind, "prog") && xc_fd_is(fd, XC_FD_PROG)) {
		len = sizeof(pi);
		if (!bpf_obj_get_info_by_fd(fd, &pi, &len) && pi.type == BPF_PROG_TYPE_EXT)
			id = pi.id;
	} else if (!strcmp(kind, "link") && xc_fd_is(fd, XC_FD_LINK)) {
		len = sizeof(li);
		if (!bpf_obj_get_info_by_fd(fd, &li, &len))
			id = li.prog_id;
	}
	close(fd);
	return id;
}

/* The evidence that dir is our adoption's leftover: it holds libxdp's
 * pins only, at least one program, and every program they name is one of
 * ids (our running chain's). */
static bool our_leftover(const char *dir, const __u32 *ids, unsigned int n)
{
	unsigned int progs = 0;
	struct dirent *de;
	bool ok = true;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return false;
	while (ok && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		ok = id_in(pin_prog_id(dir, de->d_name), ids, n);
		progs += ok && strstr(de->d_name, "-prog") != NULL;
	}
	closedir(d);
	return ok && progs;
}

/* Whether <xdir> holds a directory of ifindex for another dispatcher than
 * running: without libxdp's lock, only to spare taking it. */
static bool any_other(const char *xdir, int ifindex, __u32 running)
{
	struct dirent *de;
	bool found = false;
	DIR *d;

	d = opendir(xdir);
	while (d && !found && (de = readdir(d))) {
		__u32 id = dispatch_id(de->d_name, ifindex);

		found = id && id != running;
	}
	if (d)
		closedir(d);
	return found;
}

int xc_libxdp_collect(const char *root, int ifindex, __u32 running, const __u32 *ids,
		      unsigned int n, xc_libxdp_removed_fn fn, void *ctx)
{
	char xdir[DIR_LEN], dir[DIR_LEN + 64]; /* libxdp's names are short */
	struct dirent *de;
	__u32 now = 0, id;
	int lock, err = 0, removed = 0;
	DIR *d;

	snprintf(xdir, sizeof(xdir), "%s/xdp", xc_libxdp_root(root));
	if (!running || !any_other(xdir, ifindex, running))
		return 0;
	/* libxdp's lock, without waiting: we hold the interface's, which an
	 * adoption takes after libxdp's (waiting could deadlock), and libxdp
	 * at work may be building a directory. Busy: the next writer. */
	lock = open(xdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lock < 0)
		return 0;
	if (flock(lock, LOCK_EX | LOCK_NB)) {
		close(lock);
		return 0;
	}
	/* Our dispatcher still runs (libxdp replaces only under its lock). */
	if (xc_xdp_prog_id(ifindex, &now, NULL) || now != running)
		goto out;
	d = opendir(xdir);
	while (d && (de = readdir(d))) {
		id = dispatch_id(de->d_name, ifindex);
		if (!id || id == running)
			continue;
		if (snprintf(dir, sizeof(dir), "%s/%s", xdir, de->d_name) >= (int)sizeof(dir) ||
		    !our_leftover(dir, ids, n))
			continue;
		err = unpin_dir(dir, fn, ctx);
		if (err)
			break;
		removed++;
		if (fn)
			fn(xdir, de->d_name, ctx);
	}
	if (d)
		closedir(d);
out:
	close(lock);
	return err ? err : removed;
}
