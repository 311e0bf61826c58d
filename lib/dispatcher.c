// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Loading the embedded dispatcher with its frozen configuration, and
 * reading that configuration back from a running dispatcher. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "internal.h"
#include "xdpchain_dispatcher.skel.h"

#define DISPATCHER_PROG_NAME "xdpchain_disp"

struct xdpchain_dispatcher *xc_disp_load(const struct xdpchain_meta *meta)
{
	struct xdpchain_dispatcher *d;
	__u32 flags;
	int err;

	d = xdpchain_dispatcher__open();
	if (!d)
		return xc_err_ptr(-errno);
	/* The skeleton's rodata is writable until load; the const volatile
	 * only matters to the BPF side. */
	memcpy((void *)&d->rodata->xdpchain_meta, meta, sizeof(*meta));
	flags = bpf_program__flags(d->progs.xdpchain_disp);
	if (meta->flags & XDPCHAIN_META_F_FRAGS)
		flags |= BPF_F_XDP_HAS_FRAGS;
	err = bpf_program__set_flags(d->progs.xdpchain_disp, flags);
	if (!err)
		err = xdpchain_dispatcher__load(d);
	if (err) {
		xc_warn("cannot load the dispatcher: %s\n", strerror(-err));
		xdpchain_dispatcher__destroy(d);
		return xc_err_ptr(err);
	}
	return d;
}

int xc_disp_prog_fd(struct xdpchain_dispatcher *d)
{
	return bpf_program__fd(d->progs.xdpchain_disp);
}

int xc_disp_array_fd(struct xdpchain_dispatcher *d)
{
	return bpf_map__fd(d->maps.chain_progs);
}

int xc_disp_slot_btf_id(struct xdpchain_dispatcher *d, unsigned int slot)
{
	char name[16];

	snprintf(name, sizeof(name), "slot_%u", slot);
	return btf__find_by_name_kind(bpf_object__btf(d->obj), name, BTF_KIND_FUNC);
}

void xc_disp_free(struct xdpchain_dispatcher *d)
{
	xdpchain_dispatcher__destroy(d);
}

/* Find the .rodata map of a running dispatcher and read its metadata. */
int xc_disp_read_meta(int disp_fd, struct xdpchain_meta *meta)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), map_ids[8], i;
	int err = -ENOENT;

	info.nr_map_ids = 8;
	info.map_ids = (__u64)(unsigned long)map_ids;
	if (bpf_obj_get_info_by_fd(disp_fd, &info, &len))
		return -errno;
	if (info.type != BPF_PROG_TYPE_XDP || strcmp(info.name, DISPATCHER_PROG_NAME))
		return -EMEDIUMTYPE;
	for (i = 0; i < info.nr_map_ids && i < 8; i++) {
		struct bpf_map_info mi = {};
		__u32 mlen = sizeof(mi), key = 0;
		size_t nlen;
		int fd = bpf_map_get_fd_by_id(map_ids[i]);

		if (fd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(fd, &mi, &mlen)) {
			close(fd);
			continue;
		}
		nlen = strlen(mi.name);
		if (mi.type == BPF_MAP_TYPE_ARRAY && mi.value_size == sizeof(*meta) &&
		    nlen >= 7 && !strcmp(mi.name + nlen - 7, ".rodata")) {
			err = bpf_map_lookup_elem(fd, &key, meta) ? -errno : 0;
			close(fd);
			return err;
		}
		close(fd);
	}
	return err;
}
