// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * The verdict map observers read (layer 2; xdpchain_abi.h,
 * docs/protocol.md "Observers"): one per interface, pinned as "verdict",
 * shared by every dispatcher revision that runs observers and by every
 * observer, whose own map of that name is made this one before it loads.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "store.h"

static bool map_is_verdict(int fd)
{
	struct bpf_map_info mi = {};
	__u32 len = sizeof(mi);

	return !bpf_obj_get_info_by_fd(fd, &mi, &len) && mi.type == BPF_MAP_TYPE_PERCPU_ARRAY &&
	       mi.key_size == 4 && mi.value_size == sizeof(struct xdpchain_verdict_rec) &&
	       mi.max_entries == 1 && !strcmp(mi.name, XDPCHAIN_VERDICT_MAP_NAME);
}

int xc_verdict_map_get(struct xc_state *st)
{
	int fd = xc_get_at(st, XDPCHAIN_VERDICT_PIN), err;

	if (fd >= 0 && map_is_verdict(fd))
		return fd;
	if (fd >= 0) {
		xc_warn("%s/" XDPCHAIN_VERDICT_PIN " is not an xdpchain verdict map: replacing it\n",
			st->dir);
		close(fd);
		xc_unpin_at(st, XDPCHAIN_VERDICT_PIN);
	} else if (fd != -ENOENT) {
		return fd;
	}
	fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, XDPCHAIN_VERDICT_MAP_NAME, sizeof(__u32),
			    sizeof(struct xdpchain_verdict_rec), 1, NULL);
	if (fd < 0) {
		err = -errno;
		xc_warn("cannot create the verdict map: %s\n", strerror(errno));
		return err;
	}
	err = xc_pin_at(st, fd, XDPCHAIN_VERDICT_PIN);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int xc_observer_prepare(struct xc_state *st, struct xdpchain_prog *prog)
{
	struct bpf_map *map;
	int fd, err;

	/* Loaded already (a retry), or wrapped from an fd: as it is. */
	if (!prog->obj || prog->fd >= 0)
		return 0;
	map = bpf_object__find_map_by_name(prog->obj, XDPCHAIN_VERDICT_MAP_NAME);
	if (!map)
		return 0; /* it does not read the decision */
	if (bpf_map__type(map) != BPF_MAP_TYPE_PERCPU_ARRAY || bpf_map__key_size(map) != 4 ||
	    bpf_map__value_size(map) != sizeof(struct xdpchain_verdict_rec) ||
	    bpf_map__max_entries(map) != 1) {
		xc_warn("%s: its map " XDPCHAIN_VERDICT_MAP_NAME " is not the one observers read "
			"(declare it with XDPCHAIN_OBSERVER_MAP from <xdpchain/prog.h>)\n",
			prog->name);
		return -EINVAL;
	}
	fd = xc_verdict_map_get(st);
	if (fd < 0)
		return fd;
	err = bpf_map__reuse_fd(map, fd);
	close(fd);
	if (err)
		xc_warn("%s: cannot give it the verdict map: %s\n", prog->name, strerror(-err));
	return err;
}
