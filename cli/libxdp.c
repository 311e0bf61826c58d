// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * Reading a libxdp dispatcher, for status only (facts from libxdp's
 * documented multi-program protocol, not its code): the dispatcher is an
 * XDP program named "xdp_dispatcher" whose global functions prog0..prog9
 * are replaced by EXT programs; its frozen .rodata holds the config:
 *   version 1: u8 num_progs_enabled; u32 chain_call_actions[10];
 *              u32 run_prios[10]                           (84 bytes)
 *   version 2: u8 magic (236), u8 version (2), u8 num_progs_enabled,
 *              u8 is_xdp_frags; u32 chain_call_actions[10];
 *              u32 run_prios[10]; u32 program_flags[10]    (124 bytes)
 * The chained programs are found through their freplace links, whose
 * target is the dispatcher and one of its progN functions. Nothing here
 * writes anything.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include "libxdp.h"

#define CONFIG_V1_SIZE 84
#define CONFIG_V2_SIZE 124
#define CONFIG_V2_MAGIC 236
#define ACTIONS_MASK 0x1f

static __u32 get_u32(const unsigned char *p)
{
	__u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The .rodata config: 0 if it was read (v->config_version set). */
static int read_config(const __u32 *map_ids, __u32 nr, struct libxdp_view *v,
		       __u32 actions[LIBXDP_MAX_SLOTS], __u32 prios[LIBXDP_MAX_SLOTS])
{
	unsigned char buf[CONFIG_V2_SIZE];
	__u32 i, key = 0;

	for (i = 0; i < nr; i++) {
		struct bpf_map_info mi = {};
		__u32 len = sizeof(mi);
		size_t nlen;
		int fd = bpf_map_get_fd_by_id(map_ids[i]);

		if (fd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(fd, &mi, &len) || mi.type != BPF_MAP_TYPE_ARRAY ||
		    (mi.value_size != CONFIG_V1_SIZE && mi.value_size != CONFIG_V2_SIZE) ||
		    (nlen = strlen(mi.name)) < 7 || strcmp(mi.name + nlen - 7, ".rodata") ||
		    bpf_map_lookup_elem(fd, &key, buf)) {
			close(fd);
			continue;
		}
		close(fd);
		if (mi.value_size == CONFIG_V2_SIZE) {
			if (buf[0] != CONFIG_V2_MAGIC)
				continue;
			v->config_version = buf[1];
			v->nr_enabled = buf[2];
			v->frags = buf[3];
		} else {
			v->config_version = 1;
			v->nr_enabled = buf[0];
		}
		for (unsigned int s = 0; s < LIBXDP_MAX_SLOTS; s++) {
			actions[s] = get_u32(buf + 4 + 4 * s) & ACTIONS_MASK;
			prios[s] = get_u32(buf + 4 + 4 * LIBXDP_MAX_SLOTS + 4 * s);
		}
		if (v->nr_enabled > LIBXDP_MAX_SLOTS)
			v->nr_enabled = LIBXDP_MAX_SLOTS;
		return 0;
	}
	return -ENOENT;
}

/* The slot number of the dispatcher function with BTF id btf_id
 * ("progN"), or -1. A lone program may replace the dispatcher's main
 * function itself (libxdp 1.3.1 does so on Linux 6.12, as measured): it
 * is then the whole chain, slot 0. */
static int slot_of(const struct btf *btf, __u32 btf_id)
{
	const struct btf_type *t = btf ? btf__type_by_id(btf, btf_id) : NULL;
	const char *name;
	unsigned int n;
	int len;

	if (!t)
		return -1;
	name = btf__name_by_offset(btf, t->name_off);
	if (name && btf_is_func(t) && !strcmp(name, LIBXDP_DISPATCHER_NAME))
		return 0;
	if (!name || sscanf(name, "prog%u%n", &n, &len) != 1 || name[len] ||
	    n >= LIBXDP_MAX_SLOTS)
		return -1;
	return (int)n;
}

static int cmp_slot(const void *a, const void *b)
{
	const struct libxdp_prog *x = a, *y = b;

	return (x->slot > y->slot) - (x->slot < y->slot);
}

/* Every freplace link whose target is the dispatcher. */
static void read_progs(const struct btf *btf, struct libxdp_view *v,
		       const __u32 actions[LIBXDP_MAX_SLOTS], const __u32 prios[LIBXDP_MAX_SLOTS])
{
	__u32 id = 0;

	while (!bpf_link_get_next_id(id, &id)) {
		struct bpf_link_info li = {};
		struct bpf_prog_info pi = {};
		__u32 len = sizeof(li), plen = sizeof(pi);
		struct libxdp_prog *p;
		int fd = bpf_link_get_fd_by_id(id), pfd, slot;

		if (fd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(fd, &li, &len) || li.type != BPF_LINK_TYPE_TRACING ||
		    li.tracing.target_obj_id != v->dispatcher_id) {
			close(fd);
			continue;
		}
		close(fd);
		slot = slot_of(btf, li.tracing.target_btf_id);
		if (slot < 0 || v->nr_progs >= LIBXDP_MAX_SLOTS)
			continue;
		p = &v->progs[v->nr_progs++];
		p->id = li.prog_id;
		p->slot = (unsigned int)slot;
		p->priority = prios[slot];
		p->actions = actions[slot];
		snprintf(p->name, sizeof(p->name), "?");
		pfd = bpf_prog_get_fd_by_id(li.prog_id);
		if (pfd >= 0) {
			if (!bpf_obj_get_info_by_fd(pfd, &pi, &plen))
				snprintf(p->name, sizeof(p->name), "%s", pi.name);
			close(pfd);
		}
	}
	v->progs_read = errno == ENOENT;
	qsort(v->progs, v->nr_progs, sizeof(v->progs[0]), cmp_slot);
}

int libxdp_view_read(__u32 disp_id, struct libxdp_view *v)
{
	__u32 actions[LIBXDP_MAX_SLOTS] = {}, prios[LIBXDP_MAX_SLOTS] = {};
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), map_ids[8];
	struct btf *btf = NULL;
	int fd, err = 0;

	memset(v, 0, sizeof(*v));
	v->dispatcher_id = disp_id;
	fd = bpf_prog_get_fd_by_id(disp_id);
	if (fd < 0)
		return -errno;
	info.nr_map_ids = 8;
	info.map_ids = (__u64)(unsigned long)map_ids;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		err = -errno;
	close(fd);
	if (err)
		return err;
	if (info.type != BPF_PROG_TYPE_XDP || strcmp(info.name, LIBXDP_DISPATCHER_NAME))
		return -EMEDIUMTYPE;
	if (read_config(map_ids, info.nr_map_ids < 8 ? info.nr_map_ids : 8, v, actions,
			prios))
		return 0; /* a libxdp dispatcher whose config we cannot read */
	if (info.btf_id)
		btf = btf__load_from_kernel_by_id(info.btf_id);
	read_progs(btf, v, actions, prios);
	btf__free(btf);
	return 0;
}
