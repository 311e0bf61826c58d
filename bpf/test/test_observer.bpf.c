// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * Observers for the kernel suites (attach --observer): each counts the
 * chain's decisions per deciding slot and verdict, as an operator's
 * own observer would, and tries to change the decision two ways (its own
 * verdict, and writing the record it reads), which the dispatcher must
 * ignore.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <xdpchain/prog.h>
#include "xdpchain_abi.h"

/* prog.h's copy of the record is the dispatcher's. */
_Static_assert(sizeof(struct xdpchain_decision) == sizeof(struct xdpchain_verdict_rec),
	       "decision record size");
_Static_assert(__builtin_offsetof(struct xdpchain_decision, prog_id) ==
	       __builtin_offsetof(struct xdpchain_verdict_rec, prog_id), "prog_id offset");
_Static_assert(XDPCHAIN_NO_SLOT == XDPCHAIN_SLOT_NONE, "no slot");

XDPCHAIN_OBSERVER_MAP;

#define OBS_SLOTS 8   /* slots counted (the tests use fewer) */
#define OBS_VERDICTS 6 /* XDP actions 0..4, then any other verdict */

/*
 * In .bss: the tests read them with bpftool (BTF names them). Not per CPU:
 * the counts are for a handful of test packets, and the adds are atomic.
 * by_slot[s][v]: decided by the program in slot s with verdict v.
 */
#define OBSERVER(name)                                                         \
	__u64 hits_##name;                                                     \
	__u64 name##_by_slot[OBS_SLOTS][OBS_VERDICTS];                            \
	__u64 name##_none;                                                     \
	__u32 name##_last_id;                                                  \
	SEC("xdp") int name(struct xdp_md *ctx)                                \
	{                                                                      \
		struct xdpchain_decision *d;                                   \
		__u32 v;                                                       \
		/* const is the promise of the helper, not of the map: this    \
		 * observer breaks it on purpose. */                           \
		d = (struct xdpchain_decision *)xdpchain_observed();           \
		__sync_fetch_and_add(&hits_##name, 1);                         \
		if (!d)                                                        \
			return XDP_TX;                                         \
		name##_last_id = d->prog_id;                                   \
		v = (__u32)d->verdict < OBS_VERDICTS - 1 ? (__u32)d->verdict   \
							 : OBS_VERDICTS - 1;   \
		if (d->slot == XDPCHAIN_NO_SLOT)                       \
			__sync_fetch_and_add(&name##_none, 1);                 \
		else if (d->slot < OBS_SLOTS)                                \
			__sync_fetch_and_add(&name##_by_slot[d->slot][v], 1); \
		/* Neither may change what the chain returns. */               \
		d->verdict = XDP_TX;                                           \
		return XDP_TX;                                                 \
	}

OBSERVER(t_observer)
OBSERVER(t_observer_b)

char _license[] SEC("license") = "GPL";
