// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* The dispatcher's verifier cost, measured on the built object itself:
 * its .rodata gets a chain's metadata as the library would write it, and
 * the load (verifier and JIT) is timed. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "xdpchain_abi.h"
#include "model/model.h" /* xc_meta_spares(): the library's own policy */
#include "disp_cost.h"
#include "measure.h"

#define MAX_LOADS 32

static int load_once(const char *path, const struct xdpchain_meta *meta, double *ns,
		     __u32 *verified, __u32 *xlated)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_program *prog;
	struct bpf_map *map, *ro = NULL;
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	double t0;
	int err;

	if (!obj)
		return -errno;
	bpf_object__for_each_map(map, obj) {
		const char *name = bpf_map__name(map);
		size_t n = strlen(name);

		if (n >= 7 && !strcmp(name + n - 7, ".rodata"))
			ro = map;
	}
	prog = bpf_object__next_program(obj, NULL);
	err = !ro || !prog ? -ENOENT : bpf_map__set_initial_value(ro, meta, sizeof(*meta));
	if (!err) {
		t0 = now_ns();
		err = bpf_object__load(obj);
		*ns = now_ns() - t0;
	}
	if (!err && bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
		err = -errno;
	if (!err) {
		*verified = info.verified_insns;
		*xlated = info.xlated_prog_len;
	}
	bpf_object__close(obj);
	return err;
}

/* The build the library would load for nr positions: path is the 64-slot one,
 * the smaller ones sit next to it as <name>_8.o, _16.o, _32.o. */
static const char *variant(const char *path, unsigned int nr, char *buf, size_t len)
{
	static const unsigned int sizes[] = { 8, 16, 32 };
	size_t n = strlen(path);

	if (n < 2 || strcmp(path + n - 2, ".o"))
		return path;
	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (nr > sizes[i])
			continue;
		snprintf(buf, len, "%.*s_%u.o", (int)(n - 2), path, sizes[i]);
		return access(buf, R_OK) ? path : buf;
	}
	return path;
}

int disp_cost_measure(const char *path, unsigned int nr, bool tail, unsigned int loads,
		      struct disp_cost *out)
{
	char buf[4096];
	struct xdpchain_meta meta = {
		.magic = XDPCHAIN_META_MAGIC,
		.version = XDPCHAIN_META_VERSION,
		.revision = 1,
		.nr_progs = nr,
	};
	double ns[MAX_LOADS];
	struct sample s;
	unsigned int i;
	int err;

	if (!nr || nr > XDPCHAIN_MAX_SLOTS || !loads)
		return -EINVAL;
	if (loads > MAX_LOADS)
		loads = MAX_LOADS;
	for (i = 0; i < nr; i++) {
		meta.slots[i].prog_id = i + 1;
		meta.slots[i].kind = tail ? XDPCHAIN_SLOT_TAILCALL : XDPCHAIN_SLOT_FREPLACE;
		meta.slots[i].continue_on = 1u << XDP_PASS;
		meta.slots[i].stats_idx = (__u8)i;
	}
	/* As a rebuild of nr programs has them (lib/model/meta.c). */
	meta.nr_spare = xc_meta_spares(&meta);
	path = variant(path, nr + meta.nr_spare, buf, sizeof(buf));
	for (i = 0; i < loads; i++) {
		err = load_once(path, &meta, &ns[i], &out->verified, &out->xlated);
		if (err)
			return err;
	}
	sample_of(ns, loads, &s);
	out->load_ns = s.med;
	return 0;
}
