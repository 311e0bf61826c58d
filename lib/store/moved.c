// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * Interfaces that moved to another network namespace (layer 2; docs/
 * protocol.md, section 10a).
 *
 * The kernel moves an interface with its XDP link, so the chain keeps
 * running, but its state directory stays under the old namespace's
 * ns-<ino>/if-<ifindex>. Here the new namespace finds that directory (the
 * pinned link that runs what the kernel runs on the interface is the
 * proof) and a writer adopts it: it takes the directory's lock and renames
 * the directory to its own place, in one step, so that exactly one
 * namespace holds it at any time and nothing is ever copied or collected.
 * In the old namespace, a new interface may get the index the moved one
 * had: its first writer parks the moved chain's directory as
 * moved-<link id>, still under the old namespace and still found from the
 * new one, so that the index's directory is the new interface's.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include "kobj/kobj.h"
#include "store/store.h"

/* Whether dir holds a dispatcher pin (disp-<rev>) of program prog_id:
 * program ids are unique while a pin holds the program, so the chain
 * of dir is the one that runs prog_id. */
static bool pins_disp(const char *dir, __u32 prog_id)
{
	__u32 ids[XC_DISP_PINS_MAX];
	int n = xc_store_disp_ids(dir, ids, XC_DISP_PINS_MAX);

	for (int i = 0; i < n; i++)
		if (ids[i] == prog_id)
			return true;
	return false;
}

/* Whether dir's chain is what runs prog_id on ifindex, which the caller
 * read from the kernel: dir/dispatcher, the XDP link, runs it there (the
 * link reports its interface's index in the interface's namespace, which
 * is the caller's now); or, an adopted chain without a link (attached
 * through netlink, protocol.md 7a), dir pins that dispatcher. */
static bool runs_here(const char *dir, int ifindex, __u32 prog_id)
{
	struct bpf_link_info li = {};
	__u32 len = sizeof(li);
	char path[400];
	bool yes;
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/dispatcher", dir) >= sizeof(path))
		return false;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return errno == ENOENT && pins_disp(dir, prog_id);
	yes = xc_fd_is(fd, XC_FD_LINK) && !bpf_obj_get_info_by_fd(fd, &li, &len) &&
	      li.type == BPF_LINK_TYPE_XDP && li.prog_id == prog_id &&
	      li.xdp.ifindex == (__u32)ifindex;
	close(fd);
	return yes;
}

int xc_store_disp_ids(const char *dir, __u32 *ids, int max)
{
	unsigned long long rev;
	struct dirent *de;
	char path[400];
	int n = 0, fd;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while (n < max && (de = readdir(d))) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);

		if (!xc_name_is_num(de->d_name, "disp-", &rev) ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= sizeof(path))
			continue;
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		if (xc_fd_is(fd, XC_FD_PROG) && !bpf_obj_get_info_by_fd(fd, &info, &len))
			ids[n++] = info.id;
		close(fd);
	}
	closedir(d);
	return n;
}

int xc_store_runs_away(const char *dir, __u64 skip_ino, __u32 *disp_id, __u64 *ino, int *ifindex)
{
	__u32 ids[XC_DISP_PINS_MAX];
	int n = xc_store_disp_ids(dir, ids, XC_DISP_PINS_MAX), err = 0, r;

	for (int i = 0; i < n; i++) {
		r = xc_xdp_prog_netns(ids[i], skip_ino, ino, ifindex);
		if (r > 0) {
			*disp_id = ids[i];
			return 1;
		}
		if (r < 0 && !err) {
			*disp_id = ids[i];
			err = r;
		}
	}
	return err;
}

int xc_store_find_moved(const struct xc_state *st, __u32 prog_id, char *buf, size_t len)
{
	unsigned long long ns, idx;
	struct dirent *a, *b;
	char nsdir[300];
	DIR *root, *d;
	int found = -ENOENT;

	root = opendir(st->store.root);
	if (!root)
		return -ENOENT;
	while (found && (a = readdir(root))) {
		if (!xc_name_is_num(a->d_name, "ns-", &ns) ||
		    (size_t)snprintf(nsdir, sizeof(nsdir), "%s/%s", st->store.root, a->d_name) >=
			    sizeof(nsdir))
			continue;
		d = opendir(nsdir);
		while (d && found && (b = readdir(d))) {
			if (!xc_state_dir_name(b->d_name, &idx) ||
			    (size_t)snprintf(buf, len, "%s/%s", nsdir, b->d_name) >= len ||
			    !strcmp(buf, st->store.dir))
				continue;
			if (runs_here(buf, st->store.ifindex, prog_id))
				found = 0;
		}
		if (d)
			closedir(d);
	}
	closedir(root);
	return found;
}

int xc_store_adopt(struct xc_state *st, const char *from, __u32 prog_id, bool nonblock)
{
	struct stat a, b;
	char *slash;
	int fd, err;

	fd = open(from, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* Its lock, as its own namespace's writers take it: none of them
	 * is changing it, and they find it gone once we let go. */
	if (flock(fd, LOCK_EX | (nonblock ? LOCK_NB : 0))) {
		err = -errno;
		goto fail;
	}
	/* Still there, and still the chain that runs here? */
	err = -ESTALE;
	if (fstat(fd, &a) || stat(from, &b) || a.st_ino != b.st_ino || !a.st_nlink ||
	    !runs_here(from, st->store.ifindex, prog_id))
		goto fail;
	/* Over our own directory, locked and empty (its stale pins were
	 * collected): bpffs replaces an empty directory. A writer of ours
	 * waiting for that directory's lock finds it replaced and locks
	 * this one (xc_store_lock() checks the inode). */
	if (rename(from, st->store.dir)) {
		err = -errno;
		xc_warn("cannot move the state of the chain on ifindex %d from %s to %s: %s\n",
			st->store.ifindex, from, st->store.dir, strerror(-err));
		goto fail;
	}
	if (st->store.dir_fd >= 0)
		close(st->store.dir_fd);
	st->store.dir_fd = fd;
	xc_info("ifindex %d: adopted the chain's state from %s (the interface moved from "
		"another network namespace)\n", st->store.ifindex, from);
	/* The old namespace's directory, if that was its last interface
	 * (its writers retry when a parent goes). */
	slash = strrchr(from, '/');
	if (slash) {
		char parent[320];

		snprintf(parent, sizeof(parent), "%.*s", (int)(slash - from), from);
		rmdir(parent);
	}
	return 0;
fail:
	close(fd);
	return err;
}

bool xc_state_dir_name(const char *name, unsigned long long *num)
{
	return xc_name_is_num(name, "if-", num) || xc_name_is_num(name, XC_PARKED_PREFIX, num);
}

int xc_store_park(struct xc_state *st, __u32 away_link)
{
	char to[sizeof(st->store.dir)];
	const char *slash = strrchr(st->store.dir, '/');

	if (!slash || (size_t)snprintf(to, sizeof(to), "%.*s/" XC_PARKED_PREFIX "%u",
				       (int)(slash - st->store.dir), st->store.dir, away_link) >= sizeof(to))
		return -ENAMETOOLONG;
	/* Under its lock, so no writer of ours is inside; one of the other
	 * namespace waiting to adopt it finds its path gone and looks again. */
	if (rename(st->store.dir, to)) {
		int err = -errno;

		xc_warn("ifindex %d: cannot move the state of the chain that moved to another "
			"network namespace out of the way (%s to %s): %s\n", st->store.ifindex, st->store.dir,
			to, strerror(-err));
		return err;
	}
	xc_info("ifindex %d names another interface than the one whose chain is in %s, which "
		"moved to another network namespace: its state is now %s, where that namespace "
		"finds it\n", st->store.ifindex, st->store.dir, to);
	xc_store_unlock(st);
	return 0;
}
