// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * Maps pinned by name under the state root (layer 2; docs/protocol.md,
 * section 5). libbpf pins the maps an object declares LIBBPF_PIN_BY_NAME
 * as PIN_ROOT/NAME, /sys/fs/bpf/NAME unless the object was opened with a
 * pin root: outside the state root, where a private root (--root) would
 * never look and nothing would say they are. An object opened without
 * pin_root_path has them pinned in <root>/maps/ instead, one directory
 * per root, so that two objects declaring the same map still share it.
 * Sharing by name is why the pins outlive the programs: a detach leaves
 * them, and finds them here to say where they are.
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "kobj/kobj.h"
#include "store/store.h"

/* Maps one program may use (the kernel's MAX_USED_MAPS). */
#define PROG_MAX_MAPS 64
/* A path in the map directory: the root (at most 255 bytes, struct
 * xc_state) and a map name (at most NAME_MAX). */
#define MAP_PATH_MAX 600

int xc_map_dir(const char *root, char *buf, size_t len)
{
	if ((size_t)snprintf(buf, len, "%s/" XC_MAP_DIR, root) >= len)
		return -ENAMETOOLONG;
	return 0;
}

int xc_map_dir_prepare(struct xc_state *st, struct xdpchain_prog *prog)
{
	char dir[MAP_PATH_MAX];
	int n;

	/* Loaded by an earlier attempt: its maps are where that one put
	 * them. The caller's own bpf_object keeps the caller's paths. */
	if (!prog->pins_default || !prog->obj || prog->fd >= 0)
		return 0;
	n = xc_map_dir(st->store.root, dir, sizeof(dir));
	if (!n)
		n = xc_pins_move(prog->obj, dir);
	if (n > 0)
		xc_debug("%s: its %d map(s) declared LIBBPF_PIN_BY_NAME are pinned in %s "
			 "(libbpf creates the directory)\n", prog->name, n, dir);
	return n < 0 ? n : 0;
}

/* The ids of the maps program prog_id uses, from its prog-<id> pin (by
 * id only with CAP_SYS_ADMIN). Returns how many, or -errno. */
static int prog_map_ids(struct xc_state *st, __u32 prog_id, __u32 ids[PROG_MAX_MAPS])
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd, err;

	/* A pin pointed at another program would name its maps: only the
	 * program of that id counts. */
	fd = xc_get_at(st, "prog-%u", prog_id);
	if (fd >= 0 && (bpf_obj_get_info_by_fd(fd, &info, &len) || info.id != prog_id)) {
		close(fd);
		fd = -1;
	}
	if (fd < 0)
		fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		return -errno;
	memset(&info, 0, sizeof(info));
	len = sizeof(info);
	info.nr_map_ids = PROG_MAX_MAPS;
	info.map_ids = (__u64)(unsigned long)ids;
	err = bpf_obj_get_info_by_fd(fd, &info, &len) ? -errno : 0;
	close(fd);
	if (err)
		return err;
	return info.nr_map_ids < PROG_MAX_MAPS ? (int)info.nr_map_ids : PROG_MAX_MAPS;
}

/* The id of the map pinned at path, 0 if it is none. */
static __u32 pinned_map_id(const char *path)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), id = 0;
	int fd = bpf_obj_get(path);

	if (fd < 0)
		return 0;
	if (xc_fd_is(fd, XC_FD_MAP) && !bpf_obj_get_info_by_fd(fd, &info, &len))
		id = info.id;
	close(fd);
	return id;
}

int xc_map_dir_find(struct xc_state *st, __u32 prog_id, xc_map_pin_fn fn, void *ctx)
{
	/* Zeroed: the kernel fills it, which valgrind does not see. */
	__u32 ids[PROG_MAX_MAPS] = {}, id;
	char dir[MAP_PATH_MAX], path[MAP_PATH_MAX];
	struct dirent *de;
	int nids, n = 0;
	DIR *d;

	nids = prog_map_ids(st, prog_id, ids);
	if (nids <= 0)
		return nids;
	if (xc_map_dir(st->store.root, dir, sizeof(dir)))
		return 0;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= sizeof(path))
			continue;
		id = pinned_map_id(path);
		for (int i = 0; id && i < nids; i++) {
			if (ids[i] != id)
				continue;
			if (fn)
				fn(prog_id, de->d_name, path, ctx);
			n++;
			break;
		}
	}
	closedir(d);
	return n;
}
