// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Maps that libbpf pins by name when it loads an object: those declared
 * with __uint(pinning, LIBBPF_PIN_BY_NAME), which it gives the pin path
 * PIN_ROOT/NAME when the object is opened (bpf_object_open_opts'
 * pin_root_path, default /sys/fs/bpf). At load it reuses a compatible map
 * pinned there, or creates the map and pins it; if it can do neither, the
 * load fails with only libbpf's own lines ("failed to auto-pin") to say
 * why. This file says why in the library's words (the one place: the
 * command line quotes it, api/internal.h), and keeps a throwaway load
 * from pinning anything. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/statfs.h>
#include <bpf/bpf.h>
#include <linux/magic.h> /* BPF_FS_MAGIC */
#include "kobj/kobj.h"

/* Whether fd is a map libbpf would reuse for m: its checks (type, key and
 * value size, entries, flags, map_extra). */
static bool reusable(int fd, const struct bpf_map *m)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (!xc_fd_is(fd, XC_FD_MAP) || bpf_obj_get_info_by_fd(fd, &info, &len))
		return false;
	return info.type == bpf_map__type(m) && info.key_size == bpf_map__key_size(m) &&
	       info.value_size == bpf_map__value_size(m) &&
	       info.max_entries == bpf_map__max_entries(m) &&
	       info.map_flags == bpf_map__map_flags(m) && info.map_extra == bpf_map__map_extra(m);
}

/* Why m could not be pinned at path, into buf: false if nothing here
 * explains it. */
static bool explain(const struct bpf_map *m, const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	struct statfs fs;
	char *dir;
	bool found = true;
	int fd;

	fd = bpf_obj_get(path);
	if (fd >= 0) {
		bool ok = reusable(fd, m), is_map = xc_fd_is(fd, XC_FD_MAP);

		close(fd);
		if (ok)
			return false; /* libbpf would have taken it */
		snprintf(buf, len, "map %s is declared LIBBPF_PIN_BY_NAME: %s holds %s, which "
			 "libbpf cannot reuse for it (type, key and value size, entries and flags "
			 "must match): remove that pin, or pin the maps in another directory "
			 "(pin_root_path; xdpchain attach --pin-maps DIR)", bpf_map__name(m), path,
			 is_map ? "another map" : "no map");
		return true;
	}
	if (!slash)
		return false;
	dir = slash == path ? strdup("/") : strndup(path, (size_t)(slash - path));
	if (!dir)
		return false;
	if (statfs(dir, &fs))
		snprintf(buf, len, "map %s is declared LIBBPF_PIN_BY_NAME: cannot pin it as %s: "
			 "%s: %s (its directory must be on a BPF filesystem; libbpf creates it if "
			 "its parent is: pin_root_path; xdpchain attach --pin-maps DIR)",
			 bpf_map__name(m), path, dir, strerror(errno));
	else if (fs.f_type != BPF_FS_MAGIC)
		snprintf(buf, len, "map %s is declared LIBBPF_PIN_BY_NAME: cannot pin it as %s: "
			 "%s is not a BPF filesystem here (pin the maps in a directory on a bpffs: "
			 "pin_root_path, xdpchain attach --pin-maps DIR; or, in a network "
			 "namespace, enter it with nsenter --net instead of ip netns exec, which "
			 "remounts /sys)", bpf_map__name(m), path, dir);
	else
		found = false;
	free(dir);
	return found;
}

bool xc_pin_why(struct bpf_object *obj, char *buf, size_t len)
{
	struct bpf_map *m;

	/* libbpf stops at the first map it cannot reuse or pin, and after a
	 * failed load unpins what it pinned (not what it reused): the maps
	 * with a pin path and no pin are that map and those after it (or,
	 * after a failure of another kind, every map it pinned). */
	bpf_object__for_each_map(m, obj) {
		const char *path = bpf_map__pin_path(m);

		if (path && !bpf_map__is_pinned(m) && explain(m, path, buf, len))
			return true;
	}
	return false;
}

bool xc_pin_failure(struct bpf_object *obj, const char *what)
{
	char why[1024];

	if (!xc_pin_why(obj, why, sizeof(why)))
		return false;
	xc_warn("%s: %s\n", what, why);
	return true;
}

int xc_pins_clear(struct bpf_object *obj)
{
	struct bpf_map *m;
	int err;

	bpf_object__for_each_map(m, obj) {
		if (!bpf_map__pin_path(m))
			continue;
		err = bpf_map__set_pin_path(m, NULL);
		if (err)
			return err;
	}
	return 0;
}

/* libbpf's pin root when bpf_object_open_opts.pin_root_path is NULL. */
#define LIBBPF_PIN_ROOT "/sys/fs/bpf"

int xc_pins_move(struct bpf_object *obj, const char *dir)
{
	const size_t root_len = strlen(LIBBPF_PIN_ROOT "/");
	struct bpf_map *m;
	int n = 0, err;
	char *path;

	bpf_object__for_each_map(m, obj) {
		const char *cur = bpf_map__pin_path(m);

		/* Only the path libbpf gave a LIBBPF_PIN_BY_NAME map at open:
		 * one the caller set through the bpf_object is theirs. */
		if (!cur || strncmp(cur, LIBBPF_PIN_ROOT "/", root_len) ||
		    strcmp(cur + root_len, bpf_map__name(m)))
			continue;
		if (asprintf(&path, "%s/%s", dir, bpf_map__name(m)) < 0)
			return -ENOMEM;
		err = bpf_map__set_pin_path(m, path);
		free(path);
		if (err)
			return err;
		n++;
	}
	return n;
}
