// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * A dispatcher laid out as libxdp's, by the interoperability protocol
 * libxdp publishes (xdp-tools lib/libxdp/protocol.org), for
 * suite-adopt.sh: Debian's xdp-loader makes layout 2 only, so the other
 * layouts 'xdpchain adopt' must read (or refuse) come from here, loaded
 * and wired as libxdp does by tests/tools/libxdp_load.c. Built once per
 * layout (bpf/test/meson.build):
 *   LAYOUT=1  the first layout: no magic, a count and two arrays
 *   LAYOUT=2  the magic byte and version first, frags flags per program
 *   LAYOUT=3  the config of 2, version 3: each stub changes packet data
 *             (a no-op bpf_xdp_adjust_tail()), so that Linux 6.13 and
 *             later let an extension that changes packet data replace it
 *   LAYOUT=4  layout 3 with a config member no reader knows
 *             (queue_masks): what a future libxdp might add
 * The name of the main program must be xdp_dispatcher: that is how
 * xdpchain (and libxdp) recognise libxdp's dispatcher.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#ifndef LAYOUT
#error "build with -DLAYOUT=1, 2, 3 or 4"
#endif

#define SLOTS 10
/* What an empty stub returns: bit 31, which every slot's chain-call set
 * has, so that a slot without a program is passed over. */
#define STUB_RET 31
#if LAYOUT >= 3
#define DISP_VERSION 3
#else
#define DISP_VERSION LAYOUT
#endif

/* Member names and order as libxdp's: a reader may go by either. */
struct xdp_dispatcher_config {
#if LAYOUT >= 2
	__u8 magic;              /* 236 */
	__u8 dispatcher_version; /* DISP_VERSION */
#endif
	__u8 num_progs_enabled;
#if LAYOUT >= 2
	__u8 is_xdp_frags;
#endif
	__u32 chain_call_actions[SLOTS];
	__u32 run_prios[SLOTS];
#if LAYOUT >= 2
	__u32 program_flags[SLOTS];
#endif
#if LAYOUT == 4
	__u32 queue_masks[SLOTS];
#endif
};

/* Filled by the loader before the load: libbpf freezes .rodata, so the
 * verifier prunes the calls of the slots past num_progs_enabled;
 * volatile keeps clang from folding the all-zero initialiser in. */
static volatile const struct xdp_dispatcher_config conf = {};

#if LAYOUT >= 3
#define STUB_TOUCH(ctx) bpf_xdp_adjust_tail(ctx, 0)
#else
#define STUB_TOUCH(ctx) ((void)0)
#endif

/* A slot an extension replaces. Global and noinline: the kernel needs a
 * BTF function of its own to be the target. The volatile return keeps
 * clang from assuming the value in the caller. */
#define STUB(n)                                                                \
	__attribute__((noinline)) int prog##n(struct xdp_md *ctx)              \
	{                                                                      \
		volatile int ret = STUB_RET;                                   \
                                                                               \
		if (!ctx)                                                      \
			return XDP_ABORTED;                                    \
		STUB_TOUCH(ctx);                                               \
		return ret;                                                    \
	}

STUB(0)
STUB(1)
STUB(2)
STUB(3)
STUB(4)
STUB(5)
STUB(6)
STUB(7)
STUB(8)
STUB(9)

/* Slot n runs if enabled; a verdict outside its chain-call set ends the
 * chain with that verdict. */
#define SLOT(n)                                                                \
	if (enabled <= n)                                                      \
		return XDP_PASS;                                               \
	ret = prog##n(ctx);                                                    \
	if (!((1U << ret) & conf.chain_call_actions[n]))                       \
		return ret;

SEC("xdp")
int xdp_dispatcher(struct xdp_md *ctx)
{
	__u8 enabled = conf.num_progs_enabled;
	int ret;

	SLOT(0)
	SLOT(1)
	SLOT(2)
	SLOT(3)
	SLOT(4)
	SLOT(5)
	SLOT(6)
	SLOT(7)
	SLOT(8)
	SLOT(9)
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL"; /* extensions of it need GPL */
/* The version as BTF metadata, as libxdp marks its dispatcher: libxdp
 * reads a layout 1 config (no version byte) by it. */
__uint(dispatcher_version, DISP_VERSION) SEC("xdp_metadata");
