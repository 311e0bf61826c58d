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
#include "store/store.h"

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
			st->store.dir);
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

static __u32 map_id(int fd)
{
	struct bpf_map_info mi = {};
	__u32 len = sizeof(mi);

	return bpf_obj_get_info_by_fd(fd, &mi, &len) ? 0 : mi.id;
}

/* A program loaded elsewhere (xdpchain_prog__from_fd()): its maps are what
 * they are. One of the observers' name that is not the interface's would
 * read zeros for ever: refused. Its maps are found by id, which needs
 * CAP_SYS_ADMIN; without it the check is skipped (said at debug level). */
static int loaded_observer_check(struct xc_state *st, struct xdpchain_prog *prog)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), ids[64] = { 0 }, want;
	int fd, err = 0;

	fd = xc_verdict_map_get(st);
	if (fd < 0)
		return fd;
	want = map_id(fd);
	close(fd);
	info.nr_map_ids = sizeof(ids) / sizeof(ids[0]);
	info.map_ids = (__u64)(unsigned long)ids;
	if (bpf_obj_get_info_by_fd(prog->fd, &info, &len))
		return -errno;
	for (__u32 i = 0; i < info.nr_map_ids && i < sizeof(ids) / sizeof(ids[0]); i++) {
		struct bpf_map_info mi = {};
		__u32 mlen = sizeof(mi);

		if (ids[i] == want)
			return 0;
		fd = bpf_map_get_fd_by_id(ids[i]);
		if (fd < 0) {
			xc_debug("%s: cannot check its map %u: %s\n", prog->name, ids[i],
				 strerror(errno));
			continue;
		}
		if (!bpf_obj_get_info_by_fd(fd, &mi, &mlen) &&
		    !strcmp(mi.name, XDPCHAIN_VERDICT_MAP_NAME))
			err = -EINVAL;
		close(fd);
		if (err) {
			xc_warn("%s (%u): its map " XDPCHAIN_VERDICT_MAP_NAME " (%u) is not the "
				"interface's (%u): as an observer it would never see a decision; "
				"attach it from its object file, which xdpchain loads with the "
				"interface's map\n", prog->name, prog->id, ids[i], want);
			return err;
		}
	}
	return 0;
}

int xc_observer_prepare(struct xc_state *st, struct xdpchain_prog *prog)
{
	struct bpf_map *map;
	int fd, err;

	if (prog->from_fd)
		return loaded_observer_check(st, prog);
	/* Loaded already (a retry): as it is. */
	if (!prog->obj || prog->fd >= 0 || prog->obj_loaded)
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

void xc_observer_hint(const struct xdpchain_prog *prog)
{
	if (prog->observer || !prog->obj ||
	    !bpf_object__find_map_by_name(prog->obj, XDPCHAIN_VERDICT_MAP_NAME))
		return;
	/* Not an error: a program may share an object with observers. But
	 * as a program its xdpchain_final is a map of its own that nothing
	 * writes, so xdpchain_observed() would read no decision, silently. */
	xc_warn("%s: its object reads the chain's decision (it declares "
		XDPCHAIN_VERDICT_MAP_NAME ": XDPCHAIN_OBSERVER_MAP, xdpchain_observed()), which "
		"only observers get; it joins as a program, where it reads no decision: to "
		"observe, attach it with --observer (xdpchain_prog__set_observer())\n", prog->name);
}
