// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Loading the embedded dispatcher with its frozen configuration, and
 * reading that configuration back from a running dispatcher.
 *
 * Builds of dispatcher/xdpchain_dispatcher.bpf.c embedded: the plain one
 * in four sizes (8, 16, 32 and 64 slots; a chain gets the smallest that
 * holds it, which verifies fastest), and the instrumented one (64 slots)
 * with verdict counters and tracing. A chain with neither switched on runs
 * a plain one, so it costs what it cost before counters existed (see the
 * dispatcher source), and a chain of freplace slots only the extension-only
 * plain build (XDPCHAIN_META_F_EXT_ONLY: no tail call, so no tail-call
 * counter per packet), in the same four sizes. A chain with observers and
 * without counters runs the observed build (64 slots), with counters the
 * instrumented one, which runs observers too. All builds have the same
 * metadata, maps and names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "kobj.h"
#include "xdpchain_dispatcher.skel.h"
#include "xdpchain_dispatcher_8.skel.h"
#include "xdpchain_dispatcher_16.skel.h"
#include "xdpchain_dispatcher_32.skel.h"
#include "xdpchain_dispatcher_ext8.skel.h"
#include "xdpchain_dispatcher_ext16.skel.h"
#include "xdpchain_dispatcher_ext32.skel.h"
#include "xdpchain_dispatcher_ext64.skel.h"
#include "xdpchain_dispatcher_inst.skel.h"
#include "xdpchain_dispatcher_obs.skel.h"


struct xdpchain_dispatcher {
	struct xc_disp_plain8 *plain8;
	struct xc_disp_plain16 *plain16;
	struct xc_disp_plain32 *plain32;
	struct xc_disp_plain *plain;
	struct xc_disp_ext8 *ext8;
	struct xc_disp_ext16 *ext16;
	struct xc_disp_ext32 *ext32;
	struct xc_disp_ext64 *ext64;
	struct xc_disp_inst *inst;
	struct xc_disp_obs *obs;
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_map *progs;
	struct bpf_map *rodata; /* the metadata */
	struct bpf_map *live;   /* .bss: struct xdpchain_live */
	struct bpf_map *stats; /* NULL unless XDPCHAIN_META_F_STATS */
	struct bpf_map *trace; /* NULL unless XDPCHAIN_META_F_TRACE */
	struct bpf_map *verdict; /* NULL unless XDPCHAIN_META_F_OBSERVE */
};

/* Open the plain build d->field (skeleton xc_disp_<field>) into d. The skeleton's
 * rodata is writable until load; the const volatile only matters to the
 * BPF side. */
#define DISP_OPEN_PLAIN(d, field, meta)                                  \
	({                                                                     \
		int __err = 0;                                                 \
		(d)->field = xc_disp_##field##__open();                         \
		if (!(d)->field) {                                             \
			__err = -errno;                                        \
		} else {                                                       \
			memcpy((void *)&(d)->field->rodata->xdpchain_meta, meta, \
			       sizeof(*(meta)));                               \
			(d)->field->bss->xdpchain_live.nr_end = (meta)->nr_progs; \
			(d)->obj = (d)->field->obj;                            \
			(d)->prog = (d)->field->progs.xdpchain_disp;           \
			(d)->progs = (d)->field->maps.chain_progs;             \
			(d)->rodata = (d)->field->maps.rodata;                 \
			(d)->live = (d)->field->maps.bss;                      \
			__err = set_btf_ids((d)->obj,                          \
				(void *)&(d)->field->rodata->xdpchain_meta);   \
		}                                                              \
		__err;                                                         \
	})

/* Open the smallest of a family's four builds (8, 16, 32 and 64 slot
 * functions) that holds end positions. */
#define DISP_OPEN_SIZED(d, f8, f16, f32, f64, meta, end)                       \
	((end) <= 8    ? DISP_OPEN_PLAIN(d, f8, meta)                          \
	 : (end) <= 16 ? DISP_OPEN_PLAIN(d, f16, meta)                         \
	 : (end) <= 32 ? DISP_OPEN_PLAIN(d, f32, meta)                         \
		       : DISP_OPEN_PLAIN(d, f64, meta))

/* The BTF id of every slot function of the build, and of its main
 * function, into its metadata (xdpchain_abi.h: appended programs link to
 * the slots; the append that ends a chain of one's shortcut waits on the
 * main function). */
static int set_btf_ids(struct bpf_object *obj, struct xdpchain_meta *meta)
{
	const struct btf *btf = bpf_object__btf(obj);
	char name[16];
	int id;

	for (unsigned int i = 0; i < XDPCHAIN_MAX_SLOTS; i++) {
		snprintf(name, sizeof(name), "slot_%u", i);
		id = btf__find_by_name_kind(btf, name, BTF_KIND_FUNC);
		meta->slot_btf_id[i] = id > 0 ? (__u32)id : 0;
		if (id <= 0 && i < meta->nr_progs + meta->nr_spare)
			return -ENOENT;
	}
	id = btf__find_by_name_kind(btf, XC_DISP_PROG_NAME, BTF_KIND_FUNC);
	if (id <= 0)
		return -ENOENT;
	meta->main_btf_id = (__u32)id;
	return 0;
}

/* Whether meta may run in the extension-only build: plain, every slot
 * freplace. */
static bool ext_only(const struct xdpchain_meta *meta)
{
	if (meta->flags & (XDPCHAIN_META_F_STATS | XDPCHAIN_META_F_TRACE | XDPCHAIN_META_F_OBSERVE))
		return false;
	for (unsigned int i = 0; i < meta->nr_progs; i++)
		if (meta->slots[i].kind != XDPCHAIN_SLOT_FREPLACE)
			return false;
	return true;
}

static int disp_open(struct xdpchain_dispatcher *d, const struct xdpchain_meta *meta)
{
	unsigned int end = meta->nr_progs + meta->nr_spare;
	struct xdpchain_meta *m;
	size_t sz;
	int err;

	if (ext_only(meta)) {
		err = DISP_OPEN_SIZED(d, ext8, ext16, ext32, ext64, meta, end);
		if (err)
			return err;
		/* In the loaded copy (the pinned metadata, and what
		 * xc_disp_get_meta() returns; writable until the load, like
		 * the skeleton's rodata): readers and writers learn from it
		 * that no tail-call program may be appended. */
		m = (struct xdpchain_meta *)bpf_map__initial_value(d->rodata, &sz);
		if (!m || sz < sizeof(*m))
			return -EINVAL;
		m->flags |= XDPCHAIN_META_F_EXT_ONLY;
		return 0;
	}
	if (!(meta->flags & (XDPCHAIN_META_F_STATS | XDPCHAIN_META_F_TRACE | XDPCHAIN_META_F_OBSERVE)))
		return DISP_OPEN_SIZED(d, plain8, plain16, plain32, plain, meta, end);
	if (!(meta->flags & (XDPCHAIN_META_F_STATS | XDPCHAIN_META_F_TRACE))) {
		int err = DISP_OPEN_PLAIN(d, obs, meta);

		if (!err)
			d->verdict = d->obs->maps.xdpchain_final;
		return err;
	}
	d->inst = xc_disp_inst__open();
	if (!d->inst)
		return -errno;
	memcpy((void *)&d->inst->rodata->xdpchain_meta, meta, sizeof(*meta));
	d->inst->bss->xdpchain_live.nr_end = meta->nr_progs;
	d->obj = d->inst->obj;
	d->prog = d->inst->progs.xdpchain_disp;
	d->progs = d->inst->maps.chain_progs;
	d->rodata = d->inst->maps.rodata;
	d->live = d->inst->maps.bss;
	/* The code using a map whose flag is off is removed by the verifier,
	 * so the map is not created at all (libbpf poisons its loads). */
	if (meta->flags & XDPCHAIN_META_F_STATS)
		d->stats = d->inst->maps.xdpchain_stats;
	else
		bpf_map__set_autocreate(d->inst->maps.xdpchain_stats, false);
	if (meta->flags & XDPCHAIN_META_F_TRACE)
		d->trace = d->inst->maps.xdpchain_trace;
	else
		bpf_map__set_autocreate(d->inst->maps.xdpchain_trace, false);
	/* Created even without observers (a private one, 16 bytes per CPU):
	 * xdpchain_observe(), which uses it, is a global function, and before
	 * Linux 6.8 the verifier checks every global function, reached or not,
	 * and refuses a reference to a map that was not created. */
	if (meta->flags & XDPCHAIN_META_F_OBSERVE)
		d->verdict = d->inst->maps.xdpchain_final;
	return 0;
}

struct xdpchain_dispatcher *xc_disp_load_maps(const struct xdpchain_meta *meta, int stats_fd,
					      int verdict_fd)
{
	struct xdpchain_dispatcher *d;
	__u32 flags;
	int err;

	d = calloc(1, sizeof(*d));
	if (!d)
		return xc_err_ptr(-ENOMEM);
	err = disp_open(d, meta);
	if (!err && meta->version != xc_forged_version(meta->version)) {
		/* Tests only (lib/fault.c): a chain of another protocol
		 * version, in the loaded copy (as disp_open() sets the
		 * extension-only flag). */
		size_t sz;
		struct xdpchain_meta *m =
			(struct xdpchain_meta *)bpf_map__initial_value(d->rodata, &sz);

		if (m && sz >= sizeof(*m))
			m->version = xc_forged_version(meta->version);
	}
	if (err) {
		xc_warn("cannot open the dispatcher: %s\n", strerror(-err));
		free(d);
		return xc_err_ptr(err);
	}
	flags = bpf_program__flags(d->prog);
	if (meta->flags & XDPCHAIN_META_F_FRAGS)
		flags |= BPF_F_XDP_HAS_FRAGS;
	err = bpf_program__set_flags(d->prog, flags);
	/* Every revision counts into the interface's one pinned map. */
	if (!err && d->stats && stats_fd >= 0) {
		err = bpf_map__reuse_fd(d->stats, stats_fd);
		if (err)
			xc_warn("cannot reuse the stats map: %s\n", strerror(-err));
	}
	/* Observers read the interface's one verdict map (xdpchain_abi.h). */
	if (!err && d->verdict && verdict_fd >= 0) {
		err = bpf_map__reuse_fd(d->verdict, verdict_fd);
		if (err)
			xc_warn("cannot reuse the verdict map: %s\n", strerror(-err));
	}
	if (!err)
		err = bpf_object__load(d->obj);
	if (err) {
		xc_warn("cannot load the dispatcher: %s\n", strerror(-err));
		xc_disp_free(d);
		return xc_err_ptr(err);
	}
	return d;
}

struct xdpchain_dispatcher *xc_disp_load(const struct xdpchain_meta *meta)
{
	return xc_disp_load_maps(meta, -1, -1);
}

/*
 * Extensions are loaded against slot_0 of a one-slot dispatcher loaded for
 * the purpose: since Linux 6.8 the verifier removes global functions the
 * main program cannot reach, so only an active slot can be a target, and
 * with our own copy we know its BTF id without CAP_SYS_ADMIN (ext_load.c).
 * The kernel re-checks the program against its real slot when the chain
 * links it.
 */
struct xdpchain_dispatcher *xc_disp_load_ext_target(bool frags, __u32 *btf_id)
{
	struct xdpchain_dispatcher *d;
	struct xdpchain_meta *one = malloc(sizeof(*one)); /* 10 KB: not on the stack */
	int id;

	if (!one)
		return xc_err_ptr(-ENOMEM);
	xc_meta_init_probe(one);
	if (frags) {
		one->flags |= XDPCHAIN_META_F_FRAGS;
		one->slots[0].flags |= XDPCHAIN_SLOT_F_FRAGS;
	}
	d = xc_disp_load(one);
	free(one);
	if (!d)
		return NULL;
	id = xc_disp_slot_btf_id(d, 0);
	if (id <= 0) {
		xc_disp_free(d);
		return xc_err_ptr(id < 0 ? id : -ENOENT);
	}
	*btf_id = (__u32)id;
	return d;
}

int xc_disp_prog_fd(struct xdpchain_dispatcher *d)
{
	return bpf_program__fd(d->prog);
}

int xc_disp_array_fd(struct xdpchain_dispatcher *d)
{
	return bpf_map__fd(d->progs);
}

int xc_disp_meta_fd(struct xdpchain_dispatcher *d)
{
	return bpf_map__fd(d->rodata);
}

int xc_disp_live_fd(struct xdpchain_dispatcher *d)
{
	return bpf_map__fd(d->live);
}

void xc_disp_get_meta(struct xdpchain_dispatcher *d, struct xdpchain_meta *meta)
{
	size_t sz;
	const void *v = bpf_map__initial_value(d->rodata, &sz);

	memcpy(meta, v, sizeof(*meta));
}

int xc_disp_stats_fd(struct xdpchain_dispatcher *d)
{
	return d->stats ? bpf_map__fd(d->stats) : -ENOENT;
}

int xc_disp_trace_fd(struct xdpchain_dispatcher *d)
{
	return d->trace ? bpf_map__fd(d->trace) : -ENOENT;
}

int xc_disp_slot_btf_id(struct xdpchain_dispatcher *d, unsigned int slot)
{
	char name[16];

	snprintf(name, sizeof(name), "slot_%u", slot);
	return btf__find_by_name_kind(bpf_object__btf(d->obj), name, BTF_KIND_FUNC);
}

int xc_disp_main_btf_id(struct xdpchain_dispatcher *d)
{
	return btf__find_by_name_kind(bpf_object__btf(d->obj), XC_DISP_PROG_NAME,
				      BTF_KIND_FUNC);
}

void xc_disp_free(struct xdpchain_dispatcher *d)
{
	if (!d)
		return;
	xc_disp_plain8__destroy(d->plain8);
	xc_disp_plain16__destroy(d->plain16);
	xc_disp_plain32__destroy(d->plain32);
	xc_disp_plain__destroy(d->plain);
	xc_disp_ext8__destroy(d->ext8);
	xc_disp_ext16__destroy(d->ext16);
	xc_disp_ext32__destroy(d->ext32);
	xc_disp_ext64__destroy(d->ext64);
	xc_disp_inst__destroy(d->inst);
	xc_disp_obs__destroy(d->obs);
	free(d);
}

/* The maps of a running dispatcher, one by one, until fn returns
 * non-zero (which is returned; fn owns the fd it is given then). */
static int for_each_map(int disp_fd, int (*fn)(int fd, const struct bpf_map_info *mi, void *arg),
			void *arg)
{
	struct bpf_prog_info info = {};
	/* Zeroed although the kernel fills them: valgrind does not know
	 * that BPF_OBJ_GET_INFO_BY_FD writes through info.map_ids. */
	__u32 len = sizeof(info), map_ids[8] = { 0 }, i;
	int err = -ENOENT;

	info.nr_map_ids = 8;
	info.map_ids = (__u64)(unsigned long)map_ids;
	if (bpf_obj_get_info_by_fd(disp_fd, &info, &len))
		return -errno;
	if (info.type != BPF_PROG_TYPE_XDP || strcmp(info.name, XC_DISP_PROG_NAME))
		return -EMEDIUMTYPE;
	for (i = 0; i < info.nr_map_ids && i < 8; i++) {
		struct bpf_map_info mi = {};
		__u32 mlen = sizeof(mi);
		int ret, fd = bpf_map_get_fd_by_id(map_ids[i]);

		if (fd < 0) {
			/* Without CAP_SYS_ADMIN: say so, not "no such map". */
			if (errno == EPERM || errno == EACCES)
				err = -errno;
			continue;
		}
		if (bpf_obj_get_info_by_fd(fd, &mi, &mlen)) {
			close(fd);
			continue;
		}
		ret = fn(fd, &mi, arg);
		if (ret)
			return ret;
		close(fd);
	}
	return err;
}

/* Whether map fd is a dispatcher's metadata map: an ARRAY of one
 * struct xdpchain_meta named "*.rodata". */
static bool name_ends(const struct bpf_map_info *mi, const char *sfx)
{
	size_t nlen = strlen(mi->name), slen = strlen(sfx);

	return nlen >= slen && !strcmp(mi->name + nlen - slen, sfx);
}

/* A dispatcher of another protocol version has its metadata map too, of
 * whatever size that version's struct has; it begins with magic and
 * version, which is all that is read of it (XC_META_OTHER_MAX: more is no
 * metadata of ours). */
#define XC_META_OTHER_MAX (1u << 20)
static bool is_meta_map(int fd, const struct bpf_map_info *mi)
{
	return xc_fd_is(fd, XC_FD_MAP) && mi->type == BPF_MAP_TYPE_ARRAY &&
	       mi->value_size >= 2 * sizeof(__u32) && mi->value_size <= XC_META_OTHER_MAX &&
	       mi->max_entries == 1 && name_ends(mi, ".rodata");
}

static bool is_live_map(int fd, const struct bpf_map_info *mi)
{
	return xc_fd_is(fd, XC_FD_MAP) && mi->type == BPF_MAP_TYPE_ARRAY &&
	       mi->value_size == sizeof(struct xdpchain_live) && mi->max_entries == 1 &&
	       name_ends(mi, ".bss");
}

/* The metadata in map fd (is_meta_map()): the whole of this version's;
 * of another size, only as much as fits, for its magic and version
 * (xc_meta_validate() refuses it by its version). -EMEDIUMTYPE: a map of
 * another size that claims this version, which no dispatcher of ours
 * has. */
static int read_meta_value(int fd, const struct bpf_map_info *mi, struct xdpchain_meta *meta)
{
	__u32 key = 0;
	void *buf;
	int err;

	memset(meta, 0, sizeof(*meta));
	if (mi->value_size == sizeof(*meta))
		return bpf_map_lookup_elem(fd, &key, meta) ? -errno : 0;
	buf = calloc(1, mi->value_size);
	if (!buf)
		return -ENOMEM;
	err = bpf_map_lookup_elem(fd, &key, buf) ? -errno : 0;
	if (!err)
		memcpy(meta, buf, mi->value_size < sizeof(*meta) ? mi->value_size : sizeof(*meta));
	free(buf);
	if (!err && meta->version == XDPCHAIN_META_VERSION)
		err = -EMEDIUMTYPE;
	return err;
}

static int read_meta_cb(int fd, const struct bpf_map_info *mi, void *arg)
{
	int err;

	if (!is_meta_map(fd, mi))
		return 0;
	err = read_meta_value(fd, mi, arg);
	close(fd);
	return err ? err : 1;
}

static int live_map_cb(int fd, const struct bpf_map_info *mi, void *arg)
{
	if (!is_live_map(fd, mi))
		return 0;
	*(int *)arg = fd;
	return 1;
}

/*
 * Read the metadata of a running dispatcher from its .rodata map. map_fd,
 * if >= 0, is that map from a pin (no CAP_SYS_ADMIN needed): it is used
 * only if it really is one of the program's maps. Otherwise the map is
 * found by id, which needs CAP_SYS_ADMIN.
 */
int xc_disp_read_meta(int disp_fd, int map_fd, struct xdpchain_meta *meta)
{
	struct bpf_prog_info info = {};
	struct bpf_map_info mi = {};
	__u32 len = sizeof(info), mlen = sizeof(mi), map_ids[8] = { 0 }, i;
	int err;

	if (map_fd >= 0) {
		info.nr_map_ids = 8;
		info.map_ids = (__u64)(unsigned long)map_ids;
		if (bpf_obj_get_info_by_fd(disp_fd, &info, &len))
			return -errno;
		if (info.type != BPF_PROG_TYPE_XDP || strcmp(info.name, XC_DISP_PROG_NAME))
			return -EMEDIUMTYPE;
		if (!bpf_obj_get_info_by_fd(map_fd, &mi, &mlen) && is_meta_map(map_fd, &mi))
			for (i = 0; i < info.nr_map_ids && i < 8; i++)
				if (map_ids[i] == mi.id)
					return read_meta_value(map_fd, &mi, meta);
		xc_warn("the pinned metadata map is not the dispatcher's: ignoring it\n");
	}
	err = for_each_map(disp_fd, read_meta_cb, meta);
	return err == 1 ? 0 : err;
}

/* Whether map pin_fd (info mi) is one of program disp_fd's maps: then a
 * pinned map can be trusted without looking the program's maps up by id,
 * which needs CAP_SYS_ADMIN. */
static bool is_own_map(int disp_fd, int pin_fd, struct bpf_map_info *mi)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), mlen = sizeof(*mi), map_ids[8] = { 0 };

	info.nr_map_ids = 8;
	info.map_ids = (__u64)(unsigned long)map_ids;
	memset(mi, 0, sizeof(*mi));
	if (bpf_obj_get_info_by_fd(disp_fd, &info, &len) ||
	    bpf_obj_get_info_by_fd(pin_fd, mi, &mlen))
		return false;
	for (__u32 i = 0; i < info.nr_map_ids && i < 8; i++)
		if (map_ids[i] == mi->id)
			return true;
	return false;
}

/*
 * The live map of a running dispatcher (a new fd): pin_fd, from the pin
 * live-<rev>, if it really is one of the program's maps, else found by
 * id (CAP_SYS_ADMIN). pin_fd is consumed.
 */
int xc_disp_live_map(int disp_fd, int pin_fd)
{
	struct bpf_map_info mi;
	int fd = -1, err;

	if (pin_fd >= 0) {
		if (is_own_map(disp_fd, pin_fd, &mi) && is_live_map(pin_fd, &mi))
			return pin_fd;
		xc_warn("the pinned live map is not the dispatcher's: ignoring it\n");
		close(pin_fd);
	}
	err = for_each_map(disp_fd, live_map_cb, &fd);
	return err == 1 ? fd : err;
}

static int stats_map_cb(int fd, const struct bpf_map_info *mi, void *arg)
{
	if (mi->type != BPF_MAP_TYPE_PERCPU_ARRAY || strcmp(mi->name, XDPCHAIN_STATS_MAP_NAME) ||
	    mi->value_size != sizeof(struct xdpchain_stats_rec) || mi->max_entries != 2)
		return 0;
	*(int *)arg = fd;
	return 1;
}

/* The stats map the running dispatcher counts into (a new fd): pin_fd,
 * from the interface's stats pin, if it is the dispatcher's, else found
 * by id (CAP_SYS_ADMIN); -ENOENT if there is none. pin_fd is consumed. */
int xc_disp_stats_map(int disp_fd, int pin_fd)
{
	struct bpf_map_info mi;
	int fd = -1, err;

	if (pin_fd >= 0) {
		if (xc_fd_is(pin_fd, XC_FD_MAP) && is_own_map(disp_fd, pin_fd, &mi) &&
		    stats_map_cb(pin_fd, &mi, &fd) == 1)
			return pin_fd;
		close(pin_fd);
	}
	err = for_each_map(disp_fd, stats_map_cb, &fd);
	return err == 1 ? fd : err;
}
