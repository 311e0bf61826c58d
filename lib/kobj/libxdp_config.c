// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * The config of libxdp's dispatcher (layer 1; docs/protocol.md,
 * "Adoption"): the value of its one map, a frozen .rodata holding
 * `struct xdp_dispatcher_config conf` (libxdp's protocol.org), read for
 * what an adoption carries over: the programs' count, chain-call
 * actions, run priorities and frags flags.
 *
 * The struct is read by the names of its members in the map's BTF, not
 * at fixed offsets: libxdp changes the layout's version when the
 * dispatcher changes (version 3 changed the stub functions, not the
 * struct, as far as libxdp's published sources show), and reading by
 * name keeps what is read right wherever a member sits. What the reader
 * does not know it refuses by name: a member it cannot interpret may
 * change what a program's slot means, and an adoption that dropped it
 * would change how packets are judged. A version above the newest this
 * file knows is refused by number, as libxdp itself refuses a newer
 * dispatcher than it knows. libbpf parses the BTF; no library knows
 * libxdp's struct (libxdp's own API is not linked by the library, and
 * Debian's 1.3.1 knows layouts 1 and 2 only), hence this file.
 *
 * Without BTF (never libxdp's own build, which carries it), the two
 * fixed layouts of libxdp's sources are read by offset.
 */
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>
#include "kobj/kobj.h"

/* libxdp's protocol constants (protocol.org): the magic byte of layout 2
 * and later, the bit its stub functions return (always in every slot's
 * chain-call set). */
#define LIBXDP_MAGIC 236
#define LIBXDP_RETVAL_BIT 31
#define LIBXDP_NEWEST 3
#define LIBXDP_V1_SIZE (4 + 2 * 4 * XC_LIBXDP_MAX)  /* u8 count, padding, 2 arrays */
#define LIBXDP_V2_SIZE (4 + 3 * 4 * XC_LIBXDP_MAX)  /* 4 u8 fields, 3 arrays */

/* The config's members, by name: a byte or an array of one u32 per slot. */
enum member {
	M_MAGIC, M_VERSION, M_NR, M_FRAGS, M_ACTIONS, M_PRIOS, M_FLAGS, M_COUNT
};
static const struct {
	const char *name;
	bool array; /* __u32[XC_LIBXDP_MAX], else __u8 */
} members[M_COUNT] = {
	[M_MAGIC] = { "magic", false },
	[M_VERSION] = { "dispatcher_version", false },
	[M_NR] = { "num_progs_enabled", false },
	[M_FRAGS] = { "is_xdp_frags", false },
	[M_ACTIONS] = { "chain_call_actions", true },
	[M_PRIOS] = { "run_prios", true },
	[M_FLAGS] = { "program_flags", true },
};

/* Where each member of the value is: its byte offset, or -1 if absent. */
struct layout {
	long off[M_COUNT];
};

/* The values at l's offsets in buf into x (offsets already checked to
 * lie within the value). */
static int fill(const __u8 *buf, const struct layout *l, struct xc_libxdp *x, char *why,
		size_t why_len)
{
	__u32 a;

	x->nr = buf[l->off[M_NR]];
	x->frags = l->off[M_FRAGS] >= 0 && buf[l->off[M_FRAGS]];
	if (x->nr > XC_LIBXDP_MAX) {
		snprintf(why, why_len, "its config names %u programs (at most %u)", x->nr,
			 XC_LIBXDP_MAX);
		return -EINVAL;
	}
	for (unsigned int i = 0; i < x->nr; i++) {
		/* memcpy: a BTF layout need not align the arrays. */
		memcpy(&a, buf + l->off[M_ACTIONS] + 4 * i, 4);
		x->progs[i].actions = a & ~(1u << LIBXDP_RETVAL_BIT);
		memcpy(&a, buf + l->off[M_PRIOS] + 4 * i, 4);
		x->progs[i].priority = a;
		a = 0;
		if (l->off[M_FLAGS] >= 0)
			memcpy(&a, buf + l->off[M_FLAGS] + 4 * i, 4);
		x->progs[i].frags = a & BPF_F_XDP_HAS_FRAGS;
	}
	return 0;
}

/* The version a layout declares: 1 without the magic byte (the first
 * layout has neither it nor the version). */
static int version_of(const __u8 *buf, const struct layout *l, struct xc_libxdp *x, char *why,
		      size_t why_len)
{
	if ((l->off[M_MAGIC] < 0) != (l->off[M_VERSION] < 0)) {
		snprintf(why, why_len, "its config has %s without %s",
			 members[l->off[M_MAGIC] < 0 ? M_VERSION : M_MAGIC].name,
			 members[l->off[M_MAGIC] < 0 ? M_MAGIC : M_VERSION].name);
		return -EOPNOTSUPP;
	}
	if (l->off[M_MAGIC] < 0) {
		x->version = 1;
		if (l->off[M_FRAGS] >= 0 || l->off[M_FLAGS] >= 0) {
			snprintf(why, why_len, "its config has frags members but no version (layout "
				 "1 has neither)");
			return -EOPNOTSUPP;
		}
		return 0;
	}
	if (buf[l->off[M_MAGIC]] != LIBXDP_MAGIC) {
		snprintf(why, why_len, "its config's magic byte is %u, not libxdp's %u",
			 buf[l->off[M_MAGIC]], LIBXDP_MAGIC);
		return -EOPNOTSUPP;
	}
	x->version = buf[l->off[M_VERSION]];
	if (x->version < 2 || x->version > LIBXDP_NEWEST) {
		snprintf(why, why_len, "it is libxdp's dispatcher of layout version %u; this "
			 "xdpchain reads versions 1 to %u", x->version, LIBXDP_NEWEST);
		return -EOPNOTSUPP;
	}
	return 0;
}

int xc_libxdp_parse(const __u8 *buf, __u32 size, struct xc_libxdp *x, char *why,
		    size_t why_len)
{
	struct layout l;
	int err;

	for (int m = 0; m < M_COUNT; m++)
		l.off[m] = -1;
	l.off[M_ACTIONS] = 4;
	l.off[M_PRIOS] = 4 + 4 * XC_LIBXDP_MAX;
	if (size >= 2 && buf[0] == LIBXDP_MAGIC) {
		l.off[M_MAGIC] = 0;
		l.off[M_VERSION] = 1;
		l.off[M_NR] = 2;
		l.off[M_FRAGS] = 3;
		l.off[M_FLAGS] = 4 + 8 * XC_LIBXDP_MAX;
		err = version_of(buf, &l, x, why, why_len);
		if (err)
			return err;
		/* Without BTF only layout 2's offsets are known: layout 3's
		 * struct is read by its members' names. */
		if (x->version != 2) {
			snprintf(why, why_len, "its config (layout version %u) carries no BTF, "
				 "which the members of layouts after 2 are read by", x->version);
			return -EOPNOTSUPP;
		}
		if (size != LIBXDP_V2_SIZE) {
			snprintf(why, why_len, "its config (layout version 2) is %u bytes, not %u",
				 size, LIBXDP_V2_SIZE);
			return -EOPNOTSUPP;
		}
	} else if (size == LIBXDP_V1_SIZE) {
		l.off[M_NR] = 0;
		x->version = 1;
	} else {
		snprintf(why, why_len, "its config map (%u bytes) is of no libxdp dispatcher "
			 "layout this xdpchain knows without BTF (versions 1 and 2)", size);
		return -EOPNOTSUPP;
	}
	return fill(buf, &l, x, why, why_len);
}

/* Member i of struct t, at byte offset base: its place in l if its name
 * and shape are one of libxdp's, else -EOPNOTSUPP naming it. */
static int member_at(const struct btf *btf, const struct btf_type *t, int i, long base,
		     struct layout *l, char *why, size_t why_len)
{
	const struct btf_member *bm = btf_members(t) + i;
	const char *name = btf__name_by_offset(btf, bm->name_off);
	__u32 bits = btf_member_bit_offset(t, i);
	const struct btf_type *mt;
	bool ok;
	int m, id;

	for (m = 0; m < M_COUNT; m++)
		if (name && !strcmp(name, members[m].name))
			break;
	if (m == M_COUNT) {
		snprintf(why, why_len, "its config has a member \"%s\" this xdpchain does not "
			 "know (layout version %s): an adoption would drop what it means for "
			 "the programs", name && name[0] ? name : "(anonymous)",
			 l->off[M_VERSION] >= 0 ? "2 or later" : "1");
		return -EOPNOTSUPP;
	}
	if (l->off[m] >= 0 || btf_member_bitfield_size(t, i) || bits % 8) {
		snprintf(why, why_len, "its config's member %s is %s", name,
			 l->off[m] >= 0 ? "there twice" : "a bit field");
		return -EOPNOTSUPP;
	}
	id = btf__resolve_type(btf, bm->type);
	mt = id < 0 ? NULL : btf__type_by_id(btf, id);
	if (mt && btf_is_array(mt)) {
		const struct btf_array *a = btf_array(mt);

		ok = a->nelems == XC_LIBXDP_MAX;
		id = btf__resolve_type(btf, a->type);
		mt = id < 0 ? NULL : btf__type_by_id(btf, id);
		ok = ok && members[m].array && mt && btf_is_int(mt) && mt->size == 4;
	} else {
		ok = !members[m].array && mt && btf_is_int(mt) && mt->size == 1;
	}
	/* Within the struct: the kernel checks a map's BTF so, not every
	 * builder of a BTF blob. */
	if (!ok || bits / 8 + (members[m].array ? 4 * XC_LIBXDP_MAX : 1) > t->size) {
		snprintf(why, why_len, "its config's member %s is not %s", name,
			 members[m].array ? "an array of 10 u32 within the struct" :
			 "a u8 within the struct");
		return -EOPNOTSUPP;
	}
	l->off[m] = base + bits / 8;
	return 0;
}

/* The variable `conf` in the .rodata datasec t (libxdp's one variable; a
 * datasec of one variable is taken whatever its name): its type and
 * offset. */
static int find_conf(const struct btf *btf, const struct btf_type *t, __u32 *type, long *off)
{
	const struct btf_var_secinfo *vs = btf_var_secinfos(t);
	int n = btf_vlen(t);

	for (int i = 0; i < n; i++) {
		const struct btf_type *v = btf__type_by_id(btf, vs[i].type);
		const char *name = v ? btf__name_by_offset(btf, v->name_off) : NULL;

		if (v && btf_is_var(v) && ((name && !strcmp(name, "conf")) || n == 1)) {
			*type = v->type;
			*off = vs[i].offset;
			return 0;
		}
	}
	return -ENOENT;
}

int xc_libxdp_parse_btf(const struct btf *btf, __u32 value_type, const __u8 *buf, __u32 size,
			struct xc_libxdp *x, char *why, size_t why_len)
{
	const struct btf_type *t = btf__type_by_id(btf, value_type);
	struct layout l;
	long base = 0;
	__u32 type = value_type;
	int id, err;

	if (t && btf_is_datasec(t) && find_conf(btf, t, &type, &base)) {
		snprintf(why, why_len, "its config map's BTF has no variable conf");
		return -EOPNOTSUPP;
	}
	id = btf__resolve_type(btf, type);
	t = id < 0 ? NULL : btf__type_by_id(btf, id);
	if (!t || !btf_is_struct(t) || base < 0 || base + t->size > size) {
		snprintf(why, why_len, "its config map's BTF describes no struct within its "
			 "%u-byte value", size);
		return -EOPNOTSUPP;
	}
	for (int m = 0; m < M_COUNT; m++)
		l.off[m] = -1;
	/* The version members first, so that an unknown member's message
	 * can say which layout it came in. */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < btf_vlen(t); i++) {
			const char *name = btf__name_by_offset(btf, btf_members(t)[i].name_off);
			bool ver = name && (!strcmp(name, members[M_MAGIC].name) ||
					    !strcmp(name, members[M_VERSION].name));

			if (ver != !pass)
				continue;
			err = member_at(btf, t, i, base, &l, why, why_len);
			if (err)
				return err;
		}
	}
	if (l.off[M_NR] < 0 || l.off[M_ACTIONS] < 0 || l.off[M_PRIOS] < 0) {
		snprintf(why, why_len, "its config lacks %s",
			 members[l.off[M_NR] < 0 ? M_NR : l.off[M_ACTIONS] < 0 ? M_ACTIONS :
				 M_PRIOS].name);
		return -EOPNOTSUPP;
	}
	err = version_of(buf, &l, x, why, why_len);
	if (err)
		return err;
	return fill(buf, &l, x, why, why_len);
}
