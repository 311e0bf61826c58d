// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* lib/kobj/libxdp_config.c: the config of libxdp's dispatcher, what an
 * adoption carries over (priorities, chain-call actions, frags): by the
 * fixed offsets of layouts 1 and 2 (xc_libxdp_parse()), and by the names
 * in the map's BTF (xc_libxdp_parse_btf()), built here as clang emits it
 * for `static volatile const struct xdp_dispatcher_config conf`: layouts
 * 1 to 3, members moved, and what is refused (an unknown member, a newer
 * version, a wrong shape, a missing member). */
#include <string.h>
#include <linux/bpf.h>
#include <bpf/btf.h>
#include "kobj/kobj.h"
#include "check.h"

#define MAX XC_LIBXDP_MAX

/* A config of layout v (1 or 2 offsets; any version byte) with two
 * programs, as libxdp's struct lays it out. */
static size_t config(__u8 *buf, unsigned int v)
{
	__u32 arr[3 * MAX];
	size_t n = v == 1 ? 2 * MAX : 3 * MAX;

	memset(buf, 0, 4 + sizeof(arr));
	memset(arr, 0, sizeof(arr));
	arr[0] = (1u << 2) | (1u << 31);          /* pass, and libxdp's own bit */
	arr[1] = (1u << 2) | (1u << 1) | (1u << 31);
	arr[MAX] = 10;
	arr[MAX + 1] = 20;
	arr[2 * MAX + 1] = BPF_F_XDP_HAS_FRAGS;
	if (v == 1) {
		buf[0] = 2;
	} else {
		buf[0] = 236;
		buf[1] = (__u8)v;
		buf[2] = 2;
	}
	memcpy(buf + 4, arr, n * 4);
	return 4 + n * 4;
}

/* A member of a struct in the BTF built below. */
struct field {
	const char *name;
	int kind;   /* 1: __u8, 4: __u32[MAX], 3: __u32[8], 5: __u64[MAX] */
	__u32 off;  /* bytes */
};

/* BTF of `static volatile const struct <fields> conf` in a .rodata
 * datasec of size bytes: the datasec's id, the BTF in *out. */
static int build(const struct field *f, int n, __u32 size, struct btf **out)
{
	struct btf *btf = btf__new_empty();
	int u8, u32, u64, idx, a10, a8, a64, st, var, ds;

	u8 = btf__add_int(btf, "unsigned char", 1, 0);
	u8 = btf__add_typedef(btf, "__u8", u8);
	u32 = btf__add_int(btf, "unsigned int", 4, 0);
	u32 = btf__add_typedef(btf, "__u32", u32);
	u64 = btf__add_int(btf, "unsigned long long", 8, 0);
	idx = btf__add_int(btf, "__ARRAY_SIZE_TYPE__", 4, 0);
	a10 = btf__add_array(btf, idx, u32, MAX);
	a8 = btf__add_array(btf, idx, u32, 8);
	a64 = btf__add_array(btf, idx, u64, MAX);
	st = btf__add_struct(btf, "xdp_dispatcher_config", size);
	for (int i = 0; i < n; i++) {
		int t = f[i].kind == 1 ? u8 : f[i].kind == 4 ? a10 : f[i].kind == 3 ? a8 : a64;

		CHECK(btf__add_field(btf, f[i].name, t, f[i].off * 8, 0) == 0);
	}
	st = btf__add_volatile(btf, st);
	st = btf__add_const(btf, st);
	var = btf__add_var(btf, "conf", BTF_VAR_STATIC, st);
	ds = btf__add_datasec(btf, ".rodata", size);
	CHECK(btf__add_datasec_var_info(btf, var, 0, size) == 0);
	*out = btf;
	return ds;
}

static const struct field v1[] = {
	{ "num_progs_enabled", 1, 0 }, { "chain_call_actions", 4, 4 }, { "run_prios", 4, 44 },
};
static const struct field v2[] = {
	{ "magic", 1, 0 }, { "dispatcher_version", 1, 1 }, { "num_progs_enabled", 1, 2 },
	{ "is_xdp_frags", 1, 3 }, { "chain_call_actions", 4, 4 }, { "run_prios", 4, 44 },
	{ "program_flags", 4, 84 },
};

/* Parse buf (size bytes) by the BTF of fields f. */
static int by_btf(const struct field *f, int n, const __u8 *buf, __u32 size,
		  struct xc_libxdp *x, char *why, size_t why_len)
{
	struct btf *btf;
	int ds = build(f, n, size, &btf), err;

	memset(x, 0, sizeof(*x));
	err = xc_libxdp_parse_btf(btf, (__u32)ds, buf, size, x, why, why_len);
	btf__free(btf);
	return err;
}

static void check_two(const struct xc_libxdp *x, unsigned int version, bool frags)
{
	CHECK(x->version == version && x->nr == 2);
	CHECK(x->progs[0].priority == 10 && x->progs[1].priority == 20);
	CHECK(x->progs[0].actions == (1u << 2) && x->progs[1].actions == ((1u << 2) | (1u << 1)));
	CHECK(!x->progs[0].frags && x->progs[1].frags == frags);
}

static void fixed_offsets(void)
{
	__u8 buf[4 + 3 * 4 * MAX + 8];
	struct xc_libxdp x;
	char why[200];
	size_t n;

	n = config(buf, 2);
	CHECK(n == 124);
	CHECK(xc_libxdp_parse(buf, (__u32)n, &x, why, sizeof(why)) == 0);
	check_two(&x, 2, true);
	n = config(buf, 1);
	CHECK(n == 84);
	CHECK(xc_libxdp_parse(buf, (__u32)n, &x, why, sizeof(why)) == 0);
	check_two(&x, 1, false); /* layout 1 has no flags */
	/* Layout 3 without BTF: its members are read by name only. */
	n = config(buf, 3);
	CHECK(xc_libxdp_parse(buf, (__u32)n, &x, why, sizeof(why)) == -EOPNOTSUPP);
	CHECK(strstr(why, "version 3") && strstr(why, "no BTF"));
	/* A version beyond the newest known: refused by number. */
	n = config(buf, 4);
	CHECK(xc_libxdp_parse(buf, (__u32)n, &x, why, sizeof(why)) == -EOPNOTSUPP);
	CHECK(strstr(why, "version 4") != NULL);
	/* Layout 2 of another size; no magic and not layout 1's size. */
	n = config(buf, 2);
	CHECK(xc_libxdp_parse(buf, (__u32)n + 4, &x, why, sizeof(why)) == -EOPNOTSUPP);
	CHECK(xc_libxdp_parse(buf + 1, 90, &x, why, sizeof(why)) == -EOPNOTSUPP);
	/* More programs than slots. */
	n = config(buf, 2);
	buf[2] = 11;
	CHECK(xc_libxdp_parse(buf, (__u32)n, &x, why, sizeof(why)) == -EINVAL);
}

static void by_names(void)
{
	__u8 buf[4 + 3 * 4 * MAX + 48], moved[sizeof(buf)];
	struct field f[8];
	struct xc_libxdp x;
	char why[200];
	size_t n;

	/* Layouts 1, 2 and 3 as libxdp builds them: the same as by offset. */
	n = config(buf, 1);
	CHECK(by_btf(v1, 3, buf, (__u32)n, &x, why, sizeof(why)) == 0);
	check_two(&x, 1, false);
	n = config(buf, 2);
	CHECK(by_btf(v2, 7, buf, (__u32)n, &x, why, sizeof(why)) == 0);
	check_two(&x, 2, true);
	n = config(buf, 3);
	CHECK(by_btf(v2, 7, buf, (__u32)n, &x, why, sizeof(why)) == 0);
	check_two(&x, 3, true);

	/* Members moved (the arrays first, then the bytes): read where the
	 * BTF says, not at layout 2's offsets. */
	memset(moved, 0, sizeof(moved));
	memcpy(moved, buf + 4, 3 * 4 * MAX);
	memcpy(moved + 3 * 4 * MAX, buf, 4);
	memcpy(f, v2, sizeof(v2));
	for (int i = 0; i < 7; i++)
		f[i].off = i < 4 ? 3 * 4 * MAX + (__u32)i : 4 * MAX * ((__u32)i - 4);
	CHECK(by_btf(f, 7, moved, (__u32)n, &x, why, sizeof(why)) == 0);
	check_two(&x, 3, true);

	/* A member this reader does not know: refused, named. */
	memcpy(f, v2, sizeof(v2));
	f[7] = (struct field){ "queue_masks", 4, 124 };
	CHECK(by_btf(f, 8, buf, (__u32)n + 40, &x, why, sizeof(why)) == -EOPNOTSUPP);
	CHECK(strstr(why, "\"queue_masks\"") && strstr(why, "2 or later"));
	/* A version newer than the reader knows, members all known. */
	buf[1] = 4;
	CHECK(by_btf(v2, 7, buf, (__u32)n, &x, why, sizeof(why)) == -EOPNOTSUPP);
	CHECK(strstr(why, "version 4") != NULL);
	buf[1] = 3;
	/* Not libxdp's magic. */
	buf[0] = 235;
	CHECK(by_btf(v2, 7, buf, (__u32)n, &x, why, sizeof(why)) == -EOPNOTSUPP);
	CHECK(strstr(why, "magic") != NULL);
	buf[0] = 236;
	/* Wrong shapes: 8 priorities, 64-bit actions, a u32 array as count. */
	memcpy(f, v2, sizeof(v2));
	f[5].kind = 3;
	CHECK(by_btf(f, 7, buf, (__u32)n, &x, why, sizeof(why)) == -EOPNOTSUPP);
	CHECK(strstr(why, "run_prios") != NULL);
	memcpy(f, v2, sizeof(v2));
	f[4].kind = 5;
	f[5].off = 84;
	f[6].off = 124;
	CHECK(by_btf(f, 7, buf, (__u32)n + 40, &x, why, sizeof(why)) == -EOPNOTSUPP);
	CHECK(strstr(why, "chain_call_actions") != NULL);
	/* A member past the struct's end (the kernel checks; a blob may not). */
	memcpy(f, v2, sizeof(v2));
	f[6].off = 100;
	CHECK(by_btf(f, 7, buf, (__u32)n, &x, why, sizeof(why)) == -EOPNOTSUPP);
	CHECK(strstr(why, "program_flags") != NULL);
	/* Missing the priorities; a version without the magic. */
	memcpy(f, v2, sizeof(v2));
	f[5] = f[6];
	CHECK(by_btf(f, 6, buf, (__u32)n, &x, why, sizeof(why)) == -EOPNOTSUPP);
	CHECK(strstr(why, "lacks run_prios") != NULL);
	CHECK(by_btf(v2 + 1, 6, buf, (__u32)n, &x, why, sizeof(why)) == -EOPNOTSUPP);
	CHECK(strstr(why, "without magic") != NULL);
	/* A value smaller than the struct. */
	CHECK(by_btf(v2, 7, buf, 60, &x, why, sizeof(why)) == -EOPNOTSUPP);
	/* More programs than slots. */
	buf[2] = 11;
	CHECK(by_btf(v2, 7, buf, (__u32)n, &x, why, sizeof(why)) == -EINVAL);
}

int main(void)
{
	fixed_offsets();
	by_names();
	return check_report("test_libxdp");
}
