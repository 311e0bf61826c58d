// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Fuzz target: the .xdp_run_config reader on BTF. The BTF comes from the
 * program's ELF file, so its author controls it: btf__new() (libbpf)
 * checks the header and type records, then xc_runcfg_read() follows type
 * ids and member names that are otherwise unchecked. Input: raw .BTF
 * section bytes. The reader is run for the names the BTF itself declares
 * (so that matching variables are found) and for a few fixed ones. */
#include "fuzz.h"
#include "model/model.h"

static void check(const struct btf *btf, const char *name)
{
	struct xc_runcfg cfg;
	int err;

	memset(&cfg, 0xa5, sizeof(cfg)); /* the reader must reset it */
	err = xc_runcfg_read(btf, name, &cfg);
	if (err) {
		FUZZ_ASSERT(err == -EINVAL || err == -ERANGE);
		return;
	}
	FUZZ_ASSERT(!cfg.has_priority || cfg.priority >= 0);
	FUZZ_ASSERT(cfg.has_priority || !cfg.priority);
	FUZZ_ASSERT(!(cfg.continue_on & ~XDPCHAIN_VERDICTS_ALL));
	FUZZ_ASSERT(cfg.has_actions || !cfg.continue_on);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const fixed[] = { "xdp_prog", "p", "" };
	struct btf *btf;
	__u32 id, n;
	unsigned int i;

	xc_log_set_print(fuzz_quiet_print);
	btf = btf__new(data, (__u32)size);
	if (!btf || libbpf_get_error(btf))
		return 0;
	n = btf__type_cnt(btf);
	/* Names of the variables, minus the leading '_' of the convention
	 * (bounded: a crafted BTF can declare many). Only where the types
	 * can be read at all: misaligned ones are the reader's to refuse. */
	for (id = 1; xc_btf_aligned(btf) && id < n && id < 256; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name;

		if (!t || !btf_is_var(t))
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		if (name && name[0] == '_' && strlen(name) < XDPCHAIN_NAME_LEN)
			check(btf, name + 1);
	}
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		check(btf, fixed[i]);
	btf__free(btf);
	return 0;
}
