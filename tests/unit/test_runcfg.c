// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* The .xdp_run_config reader, on BTF built in memory exactly as clang
 * emits it for __uint(name, value) members. */
#include <string.h>
#include "model/model.h"
#include "check.h"

struct member {
	const char *name;
	__u32 value;
};

/* Build: DATASEC ".xdp_run_config" { VAR "_<prog>" : struct { members } } */
static struct btf *build(const char *var_name, const struct member *mem, int n,
			 bool break_ptr)
{
	struct btf *btf = btf__new_empty();
	int int_id, idx_id, st_id, var_id, sec_id, i;
	int types[16];

	int_id = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	idx_id = btf__add_int(btf, "__ARRAY_SIZE_TYPE__", 4, 0);
	for (i = 0; i < n; i++) {
		int arr = btf__add_array(btf, idx_id, int_id, mem[i].value);

		types[i] = break_ptr ? arr : btf__add_ptr(btf, arr);
	}
	st_id = btf__add_struct(btf, NULL, 8 * n);
	for (i = 0; i < n; i++)
		btf__add_field(btf, mem[i].name, types[i], 64 * i, 0);
	var_id = btf__add_var(btf, var_name, BTF_VAR_GLOBAL_ALLOCATED, st_id);
	sec_id = btf__add_datasec(btf, ".xdp_run_config", 8 * n);
	btf__add_datasec_var_info(btf, var_id, 0, 8 * n);
	(void)sec_id;
	return btf;
}

static void test_read(void)
{
	const struct member m1[] = { { "priority", 10 }, { "XDP_PASS", 1 }, { "XDP_DROP", 1 } };
	const struct member m2[] = { { "XDP_PASS", 0 }, { "XDP_TX", 1 } };
	const struct member m3[] = { { "priority", 3 } };
	const struct member bad[] = { { "colour", 1 } };
	const struct member big[] = { { "priority", 0x80000000u } };
	struct xc_runcfg cfg;
	struct btf *btf;

	btf = build("_xdp_fw", m1, 3, false);
	CHECK(xc_runcfg_read(btf, "xdp_fw", &cfg) == 0);
	CHECK(cfg.has_priority && cfg.priority == 10);
	CHECK(cfg.has_actions && cfg.continue_on == ((1u << 2) | (1u << 1)));
	/* Another program of the same object has no run config. */
	CHECK(xc_runcfg_read(btf, "xdp_lb", &cfg) == 0 && !cfg.has_priority && !cfg.has_actions);
	btf__free(btf);

	btf = build("_p", m2, 2, false);
	CHECK(xc_runcfg_read(btf, "p", &cfg) == 0);
	CHECK(!cfg.has_priority && cfg.continue_on == (1u << 3)); /* pass cleared */
	btf__free(btf);

	btf = build("_p", m3, 1, false);
	CHECK(xc_runcfg_read(btf, "p", &cfg) == 0 && cfg.priority == 3 && !cfg.has_actions);
	btf__free(btf);

	btf = build("_p", bad, 1, false);
	CHECK(xc_runcfg_read(btf, "p", &cfg) == -EINVAL);
	btf__free(btf);

	btf = build("_p", m1, 3, true); /* arrays without the pointer */
	CHECK(xc_runcfg_read(btf, "p", &cfg) == -EINVAL);
	btf__free(btf);

	btf = build("_p", big, 1, false);
	CHECK(xc_runcfg_read(btf, "p", &cfg) == -ERANGE);
	btf__free(btf);

	/* No BTF or no section: defaults. */
	CHECK(xc_runcfg_read(NULL, "p", &cfg) == 0 && !cfg.has_priority);
	btf = btf__new_empty();
	CHECK(xc_runcfg_read(btf, "p", &cfg) == 0 && !cfg.has_actions);
	btf__free(btf);
}

/* The struct behind typedefs and modifiers, member names that are not
 * XDP_<ACTION>, a variable that is not a struct, a typedef loop. */
static void test_types(void)
{
	const struct member m1[] = { { "priority", 4 }, { "XDP_TX", 1 } };
	const struct member bare[] = { { "pass", 1 } };
	const struct member lower[] = { { "xdp_pass", 1 } };
	struct xc_runcfg cfg;
	struct btf *btf;
	int st_id, td, cst, var, loop_a, loop_b;

	/* DATASEC { VAR "_p": const typedef struct {...} } */
	btf = build("_other", m1, 2, false);
	st_id = btf__find_by_name_kind(btf, "_other", BTF_KIND_VAR);
	st_id = btf__type_by_id(btf, st_id)->type;
	td = btf__add_typedef(btf, "cfg_t", st_id);
	cst = btf__add_const(btf, td);
	var = btf__add_var(btf, "_p", BTF_VAR_GLOBAL_ALLOCATED, cst);
	CHECK(var > 0);
	/* Only the section's variables count: add a second section. */
	btf__add_datasec(btf, ".xdp_run_config2", 16);
	btf__add_datasec_var_info(btf, var, 0, 16);
	CHECK(xc_runcfg_read(btf, "p", &cfg) == 0 && !cfg.has_priority);
	btf__free(btf);

	btf = btf__new_empty();
	{
		int int_id = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
		int idx = btf__add_int(btf, "__ARRAY_SIZE_TYPE__", 4, 0);
		int arr = btf__add_array(btf, idx, int_id, 4);
		int ptr = btf__add_ptr(btf, arr);
		int s = btf__add_struct(btf, NULL, 8);

		btf__add_field(btf, "priority", ptr, 0, 0);
		td = btf__add_typedef(btf, "cfg_t", s);
		cst = btf__add_volatile(btf, td);
		var = btf__add_var(btf, "_p", BTF_VAR_GLOBAL_ALLOCATED, cst);
		/* A variable of type int: not a run config. */
		int bad = btf__add_var(btf, "_q", BTF_VAR_GLOBAL_ALLOCATED, int_id);
		/* A loop of typedefs: bounded, refused. */
		loop_a = btf__add_typedef(btf, "la", 0);
		loop_b = btf__add_typedef(btf, "lb", loop_a);
		((struct btf_type *)btf__type_by_id(btf, loop_a))->type = loop_b;
		int lv = btf__add_var(btf, "_l", BTF_VAR_GLOBAL_ALLOCATED, loop_a);

		btf__add_datasec(btf, ".xdp_run_config", 24);
		btf__add_datasec_var_info(btf, var, 0, 8);
		btf__add_datasec_var_info(btf, bad, 8, 8);
		btf__add_datasec_var_info(btf, lv, 16, 8);
	}
	CHECK(xc_runcfg_read(btf, "p", &cfg) == 0 && cfg.has_priority && cfg.priority == 4);
	CHECK(xc_runcfg_read(btf, "q", &cfg) == -EINVAL);
	CHECK(xc_runcfg_read(btf, "l", &cfg) == -EINVAL);
	/* The variable's name is "_" and the program's whole name. */
	CHECK(xc_runcfg_read(btf, "", &cfg) == 0 && !cfg.has_priority);
	CHECK(xc_runcfg_read(btf, "pp", &cfg) == 0 && !cfg.has_priority);
	btf__free(btf);

	/* Actions are spelled XDP_<ACTION>, in capitals, as libxdp's. */
	btf = build("_p", bare, 1, false);
	CHECK(xc_runcfg_read(btf, "p", &cfg) == -EINVAL);
	btf__free(btf);
	btf = build("_p", lower, 1, false);
	CHECK(xc_runcfg_read(btf, "p", &cfg) == -EINVAL);
	btf__free(btf);
}

static int quiet(enum xdpchain_print_level l, const char *f, va_list a)
{
	return 0;
}

int main(void)
{
	xc_log_set_print(quiet);
	test_read();
	test_types();
	return check_report("test_runcfg");
}
