/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * <xdpchain/prog.h>: for authors of XDP programs (BPF side, compiled with
 * clang -target bpf -g). Declares a program's place in a chain in its own
 * ELF file: its priority (lower number runs first) and the verdicts after
 * which the next program runs (its continue-on set).
 *
 *   #include <linux/bpf.h>
 *   #include <xdpchain/prog.h>
 *
 *   XDPCHAIN_PROG_CONFIG(xdp_fw,
 *           XDPCHAIN_PRIORITY(20);
 *           XDPCHAIN_CONTINUE_ON(XDP_PASS);
 *           XDPCHAIN_FINAL(XDP_DROP);
 *   );
 *
 *   SEC("xdp")
 *   int xdp_fw(struct xdp_md *ctx) { ... }
 *
 * The encoding is libxdp's ".xdp_run_config" convention, so libxdp reads
 * the same declaration and programs written for libxdp keep theirs under
 * xdpchain: a global variable "_<program name>" in section
 * ".xdp_run_config" whose type is a struct of __uint(name, value) members
 * ("int (*name)[value]": the value is an array size in BTF, so the loader
 * reads only BTF, never the variable's bytes). The libxdp spelling works
 * as well:
 *
 *   struct {
 *           __uint(priority, 20);
 *           __uint(XDP_PASS, 1);
 *   } XDP_RUN_CONFIG(xdp_fw);
 *
 * Rules (lib/runcfg.c): "priority" is 0 to 2^31-1; "XDP_<VERDICT>" with
 * 1 adds the verdict to the continue-on set, 0 removes it; the set starts
 * from the default, XDP_PASS, as soon as one verdict is declared; any
 * other member makes the object unusable (the loader refuses it rather
 * than guess). Options given at attach time (xdpchain attach --priority,
 * --continue-on; xdpchain_prog__set_priority() and
 * xdpchain_prog__set_continue_on()) override the declaration.
 */
#ifndef XDPCHAIN_PROG_H
#define XDPCHAIN_PROG_H

#include <bpf/bpf_helpers.h>

/* The variable holding prog's run config. */
#define XDPCHAIN_RUN_CONFIG(prog) _##prog SEC(".xdp_run_config")

/* libxdp's name for the same thing (<xdp/xdp_helpers.h>). */
#ifndef XDP_RUN_CONFIG
#define XDP_RUN_CONFIG(prog) XDPCHAIN_RUN_CONFIG(prog)
#endif

/* Members of an XDPCHAIN_PROG_CONFIG(), each followed by ';'. */
#define XDPCHAIN_PRIORITY(n) __uint(priority, n)
/* verdict: XDP_ABORTED, XDP_DROP, XDP_PASS, XDP_TX or XDP_REDIRECT
 * (the names of enum xdp_action, spelled out). */
#define XDPCHAIN_CONTINUE_ON(verdict) __uint(verdict, 1)
#define XDPCHAIN_FINAL(verdict) __uint(verdict, 0)

/* Declare prog's run config; the members are XDPCHAIN_PRIORITY(),
 * XDPCHAIN_CONTINUE_ON() and XDPCHAIN_FINAL(), each ended by ';'. */
#define XDPCHAIN_PROG_CONFIG(prog, ...) \
	struct { __VA_ARGS__ } XDPCHAIN_RUN_CONFIG(prog)

/*
 * Observers (xdpchain attach --observer, xdpchain_prog__set_observer()):
 * a program that runs after the chain has decided, reads the decision and
 * cannot change it (its verdict is ignored; it must not write the packet
 * nor call bpf_redirect*()). Declare the map once, at file scope, and read
 * the decision for the packet at hand:
 *
 *   XDPCHAIN_OBSERVER_MAP;
 *
 *   SEC("xdp")
 *   int count_drops(struct xdp_md *ctx)
 *   {
 *           const struct xdpchain_decision *d = xdpchain_observed();
 *
 *           if (d && d->verdict == XDP_DROP)
 *                   ... d->prog_id decided it, from dispatcher slot d->slot
 *           return XDP_PASS;
 *   }
 *
 * The library makes the object's map the interface's own when it loads
 * the observer: the dispatcher writes this CPU's element before the first
 * observer runs (the same layout as xdpchain_abi.h's struct
 * xdpchain_verdict_rec; docs/protocol.md, "Observers").
 */
struct xdpchain_decision {
	int verdict;                /* the chain's final verdict */
	unsigned int slot;          /* dispatcher slot of the program that
				     * decided (status -j's "slot": its
				     * run position, 0-based, unless programs
				     * left in place), or XDPCHAIN_NO_SLOT */
	unsigned int prog_id;       /* its kernel program id, or 0 */
	unsigned int pad;           /* 0 */
};
/* No program decided (none ran): the verdict is XDP_PASS. */
#define XDPCHAIN_NO_SLOT 0xffffffffu

#define XDPCHAIN_OBSERVER_MAP                                                  \
	struct {                                                               \
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);                       \
		__uint(max_entries, 1);                                        \
		__type(key, unsigned int);                                     \
		__type(value, struct xdpchain_decision);                       \
	} xdpchain_final SEC(".maps")

/* This packet's decision, or NULL (never, once the observer runs in a
 * chain; test it anyway: the verifier requires it). */
#define xdpchain_observed()                                                    \
	((const struct xdpchain_decision *)bpf_map_lookup_elem(               \
		&xdpchain_final, &(unsigned int){ 0 }))

#endif
