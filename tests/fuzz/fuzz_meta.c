// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Fuzz target: the chain metadata validator. The metadata is read back
 * from the running dispatcher's .rodata (xc_disp_read_meta() copies the
 * map value as it is, sizeof(struct xdpchain_meta) bytes), so whoever can
 * load a program named like the dispatcher controls every byte:
 * xc_meta_validate() must refuse what the rest of the library cannot
 * use, and what it accepts must be safe to use. Input: the raw bytes of
 * the struct (shorter input is zero-filled, the rest ignored). */
#include "fuzz.h"
#include "kobj/kobj.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xdpchain_meta meta, sorted;
	char why[96], buf[64];
	unsigned int i;
	int err, n;

	memset(&meta, 0, sizeof(meta));
	memcpy(&meta, data, size < sizeof(meta) ? size : sizeof(meta));
	why[0] = '\0';
	err = xc_meta_validate(&meta, why, sizeof(why));
	if (err) {
		/* Every refusal says why, in a terminated string. */
		FUZZ_ASSERT(err == -EBADMSG);
		FUZZ_ASSERT(memchr(why, '\0', sizeof(why)) && why[0]);
		/* A tiny buffer truncates the reason, never overflows. */
		FUZZ_ASSERT(xc_meta_validate(&meta, why, 1) == err && !why[0]);
		return 0;
	}

	/* What the library does with a valid chain (status, attach, gc). */
	FUZZ_ASSERT(meta.nr_progs <= XDPCHAIN_MAX_SLOTS);
	/* Spare positions (append.c) stay within the 64 slots, each with the
	 * BTF id an appended extension links to. */
	FUZZ_ASSERT(meta.nr_progs + meta.nr_spare <= XDPCHAIN_MAX_SLOTS);
	for (i = meta.nr_progs; i < meta.nr_progs + meta.nr_spare; i++)
		FUZZ_ASSERT(meta.slot_btf_id[i]);
	FUZZ_ASSERT(meta.mode == XDPCHAIN_MODE_NATIVE || meta.mode == XDPCHAIN_MODE_SKB);
	FUZZ_ASSERT(xc_meta_frags(&meta) == !!(meta.flags & XDPCHAIN_META_F_FRAGS));
	n = (int)xc_meta_backend(&meta);
	FUZZ_ASSERT(strcmp(xdpchain_backend_str((enum xdpchain_backend)n), "unknown"));
	for (i = 0; i < meta.nr_progs; i++) {
		const struct xdpchain_slot_meta *s = &meta.slots[i];

		FUZZ_ASSERT(strlen(s->name) < sizeof(s->name));
		FUZZ_ASSERT(strlen(s->owner) < sizeof(s->owner));
		n = xdpchain_verdicts_format(s->continue_on, buf, sizeof(buf));
		FUZZ_ASSERT(n > 0 && (size_t)n < sizeof(buf));
	}
	/* Accepted slots are in run order: sorting them changes nothing, so
	 * the next transaction rebuilds the very same chain. */
	sorted = meta;
	xc_slots_sort(sorted.slots, sorted.nr_progs);
	FUZZ_ASSERT(!memcmp(sorted.slots, meta.slots, sizeof(meta.slots)));
	return 0;
}
