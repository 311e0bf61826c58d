// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * Netlink-attached XDP programs (layer 1): an adopted chain stays
 * attached through netlink (docs/protocol.md, "Adoption"), because the
 * kernel refuses a bpf_link where a netlink-attached program runs and
 * removing that program first would leave the interface without one.
 * Every change of such a chain is one netlink replace naming the program
 * expected to run (XDP_FLAGS_REPLACE: the kernel's compare-and-swap).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include "kobj/kobj.h"

int xc_xdp_swap(int ifindex, int new_fd, int old_fd, enum xdpchain_mode mode)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, ao, .old_prog_fd = old_fd);

	/* XDP_FLAGS_UPDATE_IF_NOEXIST would refuse any program: the
	 * expected one is named instead. -EEXIST: another one runs. */
	return bpf_xdp_attach(ifindex, new_fd, xc_mode_flags(mode) | XDP_FLAGS_REPLACE, &ao);
}

/* The id of the XDP bpf_link that runs prog_id on ifindex, 0 if none. */
static __u32 xdp_link_of(int ifindex, __u32 prog_id)
{
	__u32 id = 0;

	while (!bpf_link_get_next_id(id, &id)) {
		struct bpf_link_info li = {};
		__u32 len = sizeof(li);
		int fd = bpf_link_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &li, &len) && li.type == BPF_LINK_TYPE_XDP &&
		    li.xdp.ifindex == (__u32)ifindex && li.prog_id == prog_id) {
			close(fd);
			return id;
		}
		close(fd);
	}
	return 0;
}

/* Whether a program array takes the program (0) or why not (-errno). The
 * kernel refuses a dev-bound program there (EINVAL), which bpf_prog_info
 * does not show since Linux 6.3 (its ifindex is an offloaded program's). */
static int tail_callable(int prog_fd)
{
	int map = bpf_map_create(BPF_MAP_TYPE_PROG_ARRAY, "xc_adopt_probe", 4, 4, 1, NULL);
	__u32 key = 0;
	int err;

	if (map < 0)
		return -errno;
	err = bpf_map_update_elem(map, &key, &prog_fd, BPF_ANY) ? -errno : 0;
	close(map);
	return err;
}

int xc_xdp_adoptable(int ifindex, __u32 prog_id, enum xdpchain_mode mode, bool libxdp_ok,
		     char *why, size_t why_len)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), link_id;
	char name[BPF_OBJ_NAME_LEN], holder[96];
	int n;
	int fd, err;

	if (mode == XDPCHAIN_MODE_HW) {
		snprintf(why, why_len, "program %u runs in hardware (offload) mode, which a "
			 "dispatcher calling other programs cannot", prog_id);
		return -EOPNOTSUPP;
	}
	xc_prog_name_by_id(prog_id, name, sizeof(name));
	if (!strcmp(name, XC_DISP_PROG_NAME)) {
		snprintf(why, why_len, "program %u is an xdpchain dispatcher already (of "
			 "another state root, or its state is lost)", prog_id);
		return -EEXIST;
	}
	if (!strcmp(name, "xdp_dispatcher") && !libxdp_ok) {
		snprintf(why, why_len, "program %u is libxdp's dispatcher, whose programs "
			 "this version does not adopt yet", prog_id);
		return -EOPNOTSUPP;
	}
	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0) {
		err = -errno;
		snprintf(why, why_len, "cannot get program %u: %s", prog_id, strerror(-err));
		return err;
	}
	err = bpf_obj_get_info_by_fd(fd, &info, &len) ? -errno : 0;
	if (err) {
		close(fd);
		snprintf(why, why_len, "cannot read program %u: %s", prog_id, strerror(-err));
		return err;
	}
	/* Offloaded or dev-bound (XDP hints): the kernel refuses it in a
	 * program array of a program not bound to the device. */
	if (!info.ifindex && !info.netns_dev && info.type == BPF_PROG_TYPE_XDP &&
	    tail_callable(fd) == -EINVAL)
		info.ifindex = (__u32)ifindex;
	close(fd);
	if (info.ifindex || info.netns_dev) {
		snprintf(why, why_len, "program %u is bound to a device (offloaded or "
			 "dev-bound)", prog_id);
		return -EOPNOTSUPP;
	}
	if (info.type != BPF_PROG_TYPE_XDP) {
		snprintf(why, why_len, "program %u is not an XDP program", prog_id);
		return -EINVAL;
	}
	link_id = xdp_link_of(ifindex, prog_id);
	if (link_id) {
		/* The kernel names no link's holder; /proc may. */
		n = xc_link_holders("xdp", prog_id, holder, sizeof(holder));
		snprintf(why, why_len, "program %u is attached through bpf_link %u%s%s%s, "
			 "which only its holder can replace", prog_id, link_id,
			 n > 0 ? " (held open by " : "", n > 0 ? holder : "", n > 0 ? ")" : "");
		return -EBUSY;
	}
	return 0;
}
