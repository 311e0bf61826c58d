// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * Reads a program's declared run config from BTF, in the convention that
 * libxdp programs use: a variable "_<prog>" in the ".xdp_run_config"
 * section whose type is a struct of __uint(name, value) members, i.e.
 * "int (*name)[value]". Members: "priority" and "XDP_<ACTION>" (1: the
 * next program runs after that verdict, 0: it is final). The continue-on
 * set starts from the default (pass). Input is untrusted: every type id is
 * checked before use.
 */
#include <stdint.h>
#include <string.h>
#include "model/model.h"

#define RUNCFG_SEC ".xdp_run_config"
/* Typedefs and modifiers followed to reach the struct (libbpf's
 * MAX_RESOLVE_DEPTH is 32 too). */
#define RUNCFG_MAX_HOPS 32

/* The value of a __uint() member: pointer to array of <value> ints. */
static int uint_member_value(const struct btf *btf, __u32 type_id, __u32 *value)
{
	const struct btf_type *t = btf__type_by_id(btf, type_id);
	const struct btf_array *arr;

	if (!t || !btf_is_ptr(t))
		return -EINVAL;
	t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_array(t))
		return -EINVAL;
	arr = btf_array(t);
	*value = arr->nelems;
	return 0;
}

static int parse_struct(const struct btf *btf, const struct btf_type *st,
			struct xc_runcfg *cfg)
{
	const struct btf_member *m = btf_members(st);
	__u16 i, n = btf_vlen(st);

	for (i = 0; i < n; i++, m++) {
		const char *mname = btf__name_by_offset(btf, m->name_off);
		__u32 val;
		int v;

		if (!mname || uint_member_value(btf, m->type, &val)) {
			xc_warn("run config: member %u is not __uint(name, value)\n", i);
			return -EINVAL;
		}
		if (!strcmp(mname, "priority")) {
			if (val > 0x7fffffffu) {
				xc_warn("run config: priority %u out of range\n", val);
				return -ERANGE;
			}
			cfg->has_priority = true;
			cfg->priority = (int)val;
			continue;
		}
		v = xc_verdict_lookup(mname, strlen(mname));
		if (v < 0 || strncmp(mname, "XDP_", 4)) {
			xc_warn("run config: unknown member '%s'\n", mname);
			return -EINVAL;
		}
		if (!cfg->has_actions) {
			cfg->has_actions = true;
			cfg->continue_on = XDPCHAIN_DEFAULT_CONTINUE;
		}
		if (val)
			cfg->continue_on |= XDPCHAIN_VERDICT_BIT(v);
		else
			cfg->continue_on &= ~XDPCHAIN_VERDICT_BIT(v);
	}
	return 0;
}

bool xc_btf_aligned(const struct btf *btf)
{
	const struct btf_type *t = btf__type_cnt(btf) > 1 ? btf__type_by_id(btf, 1) : NULL;

	/* Every type record is a multiple of 4 bytes long, so the first
	 * one's address decides for all. */
	return !t || !((uintptr_t)t & 3);
}

int xc_runcfg_read(const struct btf *btf, const char *prog_name, struct xc_runcfg *cfg)
{
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	char want[XDPCHAIN_NAME_LEN + 2];
	__s32 sec_id;
	__u16 i, n;

	memset(cfg, 0, sizeof(*cfg));
	if (!btf || !prog_name)
		return 0;
	if (!xc_btf_aligned(btf)) {
		xc_warn("run config: the BTF's types are not 4-byte aligned\n");
		return -EINVAL;
	}
	sec_id = btf__find_by_name_kind(btf, RUNCFG_SEC, BTF_KIND_DATASEC);
	if (sec_id < 0)
		return 0; /* no run config: defaults */
	sec = btf__type_by_id(btf, sec_id);
	snprintf(want, sizeof(want), "_%s", prog_name);
	vs = btf_var_secinfos(sec);
	n = btf_vlen(sec);
	for (i = 0; i < n; i++, vs++) {
		const struct btf_type *var = btf__type_by_id(btf, vs->type);
		const struct btf_type *st;
		const char *vname;
		int hops = 0;

		if (!var || !btf_is_var(var))
			return -EINVAL;
		vname = btf__name_by_offset(btf, var->name_off);
		if (!vname || strcmp(vname, want))
			continue;
		st = btf__type_by_id(btf, var->type);
		/* Bounded: libbpf 1.1 accepts BTF whose typedefs and
		 * modifiers form a loop (found by tests/fuzz, target runcfg). */
		while (st && (btf_is_mod(st) || btf_is_typedef(st)) && hops++ < RUNCFG_MAX_HOPS)
			st = btf__type_by_id(btf, st->type);
		if (!st || !btf_is_struct(st)) {
			xc_warn("run config of %s is not a struct\n", prog_name);
			return -EINVAL;
		}
		return parse_struct(btf, st, cfg);
	}
	return 0;
}
