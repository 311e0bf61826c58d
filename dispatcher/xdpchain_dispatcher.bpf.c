// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * The xdpchain dispatcher: attached once per interface, it runs up to
 * XDPCHAIN_MAX_SLOTS programs in priority order. A slot is filled either by
 * an EXT (freplace) program that replaces slot_N(), or by an XDP program in
 * chain_progs[N] reached through a tail call. Both kinds can be mixed.
 *
 * Verdict semantics (docs/protocol.md): programs run in order; if a
 * program's verdict v is in its continue-on set, the next program runs;
 * otherwise v is final. When the last program continues, its own verdict is
 * returned. An empty slot (XDPCHAIN_RET_EMPTY) is skipped. Any other
 * verdict >= 32 is always final and is never used as a shift count. A
 * tail-call slot whose program the kernel's tail-call budget no longer
 * reaches (XDPCHAIN_RET_EXHAUSTED) ends the chain with XDP_ABORTED: the
 * program did not judge the packet, so no later one may pass it.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "xdpchain_abi.h"

/*
 * const volatile: the library writes this through the skeleton before load
 * and libbpf freezes the map, so the verifier reads every field as a known
 * constant and removes the code of inactive slots and of the slot kind that
 * is not used. "volatile" stops clang from folding the zero initialiser into
 * the code at compile time; "const" puts it in .rodata, the only section the
 * kernel treats as constant.
 */
const volatile struct xdpchain_meta xdpchain_meta = {
	.magic = XDPCHAIN_META_MAGIC,
	.version = XDPCHAIN_META_VERSION,
};

/*
 * The positions in use beyond nr_progs (programs appended in place) and
 * their continue-on sets. Not const: the library writes it while the
 * dispatcher runs (xdpchain_abi.h says in which order). Only read at
 * spare positions, so a dispatcher without spares never loads it.
 */
struct xdpchain_live xdpchain_live;

/* Tail-call targets, indexed by slot. A new array is made for every
 * dispatcher revision so a chain change stays one atomic link update. */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, XDPCHAIN_MAX_SLOTS);
	__type(key, __u32);
	__type(value, __u32);
} chain_progs SEC(".maps");

/* A packet aborted for want of tail calls (XDPCHAIN_RET_EXHAUSTED): off
 * the packet path, so one shared counter, added to atomically. */
#define XDPCHAIN_COUNT_EXHAUSTED() __sync_fetch_and_add(&xdpchain_live.nr_exhausted, 1)
/* The verdict a final ret of position n makes: a tail-call slot out of
 * budget did not run its program, which must not let the next one (or the
 * previous verdict) pass the packet. A constant test but at appended
 * positions; the extension-only build has no tail call to run out of. */
#ifdef XDPCHAIN_EXT_ONLY
#define XDPCHAIN_FINAL(n, v) (v)
#else
#define XDPCHAIN_FINAL(n, v)                                                   \
	((n >= nr || xdpchain_meta.slots[n].kind == XDPCHAIN_SLOT_TAILCALL) &&  \
			 (v) == XDPCHAIN_RET_EXHAUSTED                         \
		 ? XDP_ABORTED                                                 \
		 : (v))
#endif

/*
 * The observed build (XDPCHAIN_OBSERVED): a chain with observers and
 * neither counters nor tracing. It shares with the instrumented build below
 * (which runs observers too, when a chain has both) the way a decision is
 * reached, XDPCHAIN_DECIDING: the verdict is kept and the observers run
 * before it is returned. A build of its own, because clang does not know
 * the instrumented build's flags: its code for them, though never run, keeps
 * registers and stack slots busy in every position (measured: 46 against 25
 * instructions per position with one observer, Linux 6.12).
 */
#if defined(XDPCHAIN_INSTRUMENTED) || defined(XDPCHAIN_OBSERVED)
#define XDPCHAIN_DECIDING 1
#endif

#ifdef XDPCHAIN_INSTRUMENTED
/*
 * The instrumented build (XDPCHAIN_META_F_STATS, XDPCHAIN_META_F_TRACE).
 * The library loads the plain build, compiled from this file without
 * XDPCHAIN_INSTRUMENTED, whenever neither flag is set: a chain without
 * counters then runs exactly the code it ran before counters existed (the
 * same xlated instructions, checked with "bpftool prog dump xlated" for
 * 1, 2 and 3 tail-call programs on Linux 6.18, before and after;
 * tests/kernel/suite-stats.sh compares off with never-on) and has
 * no stats map. A flag test in .rodata alone would leave its load behind. Within this build each flag is constant data, so the verifier
 * removes the code of the one that is not set.
 *
 * Counters: one lookup per packet for the whole chain (a single per-CPU
 * element with every program's counters), then per position two plain
 * increments in this CPU's copy. The map is created (or reused, pinned, by
 * every revision) by the library, see xdpchain_abi.h.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct xdpchain_stats_rec);
} xdpchain_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpchain_trace_rec);
} xdpchain_trace SEC(".maps");

#endif

#ifdef XDPCHAIN_DECIDING
/*
 * What observers read (XDPCHAIN_META_F_OBSERVE): the final verdict and who
 * decided it, for this packet. Created by the library and shared by every
 * revision and every observer, see xdpchain_abi.h.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpchain_verdict_rec);
} xdpchain_final SEC(".maps");

#ifdef XDPCHAIN_INSTRUMENTED
/* Slot n's program returned ret (not for an empty slot): count it. Also
 * for an observer, in xdpchain_observe(), with its own (ignored) verdict. */
#define XDPCHAIN_COUNT(n)                                                      \
	if (stats && ret != XDPCHAIN_RET_EMPTY) {                              \
		__u64 *c = stats->progs[xdpchain_meta.slots[n].stats_idx &     \
					(XDPCHAIN_MAX_SLOTS - 1)];             \
		__u32 b = (__u32)ret < XDPCHAIN_STAT_OTHER ? (__u32)ret        \
							   : XDPCHAIN_STAT_OTHER; \
		/* clang would drop the mask; the verifier needs it */         \
		asm volatile("" : "+r"(b));                                    \
		c[b & (XDPCHAIN_STAT_NR - 1)]++;                               \
		c[XDPCHAIN_STAT_BYTES] += len;                                 \
	}
/* After position n ran with verdict ret (not for an empty slot). */
#define XDPCHAIN_RECORD(n)                                                     \
	XDPCHAIN_COUNT(n)                                                      \
	if (trace) {                                                           \
		trace->verdict[n] = ret;                                       \
		trace->nr_run = n + 1;                                         \
	}
/* Set when the chain has observers (a constant the verifier knows). */
#define XDPCHAIN_OBSERVING (xdpchain_meta.flags & XDPCHAIN_META_F_OBSERVE)
/*
 * Observers count too (xdpchain_observe()), so it gets the packet's length
 * at the chain's start, which every program's bytes count. Not the stats
 * pointer: before Linux 5.12 a global function takes the context and
 * scalars only, so it looks the counters up itself.
 */
#define XDPCHAIN_OBSERVE_PARAMS struct xdp_md *ctx, int final, __u32 dpos, __u64 len
#define XDPCHAIN_OBSERVE_CALL(v, dpos) xdpchain_observe(ctx, (v), (dpos), len)
/* Observer n runs and counts its own verdict, which nothing else uses. */
#define XDPCHAIN_OBSERVER_RUN(n)                                               \
	{                                                                      \
		int ret = slot_##n(ctx);                                       \
                                                                               \
		XDPCHAIN_COUNT(n)                                              \
	}
#else
#define XDPCHAIN_RECORD(n)
#define XDPCHAIN_OBSERVING 1
#define XDPCHAIN_OBSERVE_PARAMS struct xdp_md *ctx, int final, __u32 dpos
#define XDPCHAIN_OBSERVE_CALL(v, dpos) xdpchain_observe(ctx, (v), (dpos))
#define XDPCHAIN_OBSERVER_RUN(n) slot_##n(ctx);
#endif
/* Counters, traces and observers need every verdict back: no shortcut. */
#define XDPCHAIN_LAST_TAIL(n)
/*
 * Once decided, the observers run in a function of their own
 * (xdpchain_observe(), below), called from the place that decided with
 * the verdict and who decided it. Who: the position at hand (a constant,
 * here) when its program's verdict is final; when every program continued,
 * the last program, right before position n (the first observer): n - 1,
 * which for n = 0 (no program) is XDPCHAIN_SLOT_NONE. Both constants,
 * nothing tracked per position, and no join of all the deciding places in
 * this function: with one (a label), clang kept the verdict and the
 * position in registers along every position and moved them around at
 * each (10 programs and one observer: 625 instructions per packet, against
 * 348 without the observer; the call: see docs/performance.md). That the
 * last program ran (its slot is not empty) holds because a chain with
 * observers never empties a slot in place (lib/plan.c): every removal
 * builds a new dispatcher.
 */
__attribute__((noinline)) int xdpchain_observe(XDPCHAIN_OBSERVE_PARAMS);
#define XDPCHAIN_HERE(n) const __u32 here = n;
/* These builds are loaded without spare positions. Past the last program,
 * or at the first observer (observers sort last), every program continued:
 * the verdict of the last one that ran is the chain's. */
#define XDPCHAIN_RUN_SPARE(n) XDPCHAIN_DECIDE_LAST(n)
#define XDPCHAIN_OBSERVER_AT(n)                                                \
	if (xdpchain_meta.slots[n].flags & XDPCHAIN_SLOT_F_OBSERVER)           \
		XDPCHAIN_DECIDE_LAST(n)
#define XDPCHAIN_DECIDE_LAST(n)                                                \
	{                                                                      \
		if (XDPCHAIN_OBSERVING)                                        \
			return XDPCHAIN_OBSERVE_CALL(last, (__u32)(n) - 1);    \
		return last;                                                   \
	}
/* The program here decided v: observers run before it is returned. */
#define XDPCHAIN_DECIDE(v)                                                     \
	{                                                                      \
		if (XDPCHAIN_OBSERVING)                                        \
			return XDPCHAIN_OBSERVE_CALL((v), here);               \
		return (v);                                                    \
	}
#else
#define XDPCHAIN_HERE(n)
#define XDPCHAIN_OBSERVER_AT(n)
#define XDPCHAIN_DECIDE(v) return (v);
#define XDPCHAIN_RECORD(n)
#ifdef XDPCHAIN_EXT_ONLY
/* No tail-call slot (see XDPCHAIN_SLOT_FUNC). */
#define XDPCHAIN_LAST_TAIL(n)
#else
/* The last tail-call slot is entered from here (see XDPCHAIN_RUN_SLOT),
 * while it is the last: nothing appended after it. Its entry always holds
 * its program (the library rebuilds rather than empty this position in
 * place), so a tail call that falls through ran out of the budget. */
#define XDPCHAIN_LAST_TAIL(n)                                                  \
	if (n + 1 == nr && xdpchain_meta.slots[n].kind == XDPCHAIN_SLOT_TAILCALL && \
	    end == nr) {                                                       \
		bpf_tail_call(ctx, &chain_progs, n);                           \
		XDPCHAIN_COUNT_EXHAUSTED();                                    \
		return XDP_ABORTED;                                            \
	}
#endif
/*
 * An appended position: below the live end, its continue-on set in
 * xdpchain_live, which is not constant. Its test (xdpchain_abi.h) is the
 * one action of a set of one, compared with the verdict zero-extended to
 * 64 bits: on the common path one load and one compare, as a rebuilt
 * position's one compare with an immediate plus the load (the general
 * test: a range compare, a load, a shift, a mask and a compare). For
 * other sets the test is XDPCHAIN_LIVE_GENERAL, which no 32-bit value
 * equals, and the general test decides.
 */
#define XDPCHAIN_RUN_SPARE(n)                                                  \
	if (n >= end)                                                          \
		return last;                                                   \
	ret = slot_##n(ctx);                                                   \
	{                                                                      \
		__u64 t = xdpchain_live.test[n];                               \
                                                                               \
		if ((__u64)(__u32)ret == t) {                                  \
			last = ret;                                            \
		} else if (ret != XDPCHAIN_RET_EMPTY) {                        \
			if (t != XDPCHAIN_LIVE_GENERAL)                        \
				return XDPCHAIN_FINAL(n, ret);                 \
			XDPCHAIN_VERDICT(n, xdpchain_live.slots[n].continue_on) \
		}                                                              \
	}
#endif

/*
 * Slot n, for both kinds. It must be a global (BTF_FUNC_GLOBAL) function so
 * the kernel lets an EXT program replace it, and noinline so it stays a
 * real call. A freplace slot's EXT program replaces the whole function;
 * a tail-call slot runs it: the tail call happens in a subprogram, so the
 * callee's verdict returns to the dispatcher instead of ending it, and
 * one function per slot makes the index a constant, so the JIT patches a
 * direct jump into the program (map poke) instead of an indirect,
 * retpolined one, several times cheaper per packet. When the array entry
 * is empty (always, for a freplace slot) the tail call falls through and
 * the slot reports itself empty. One function for both kinds spares the
 * dispatcher a kind test per position and the verifier half the
 * functions. clang does not know that a successful bpf_tail_call() never
 * returns, so without the volatile it would fold "always
 * XDPCHAIN_RET_EMPTY" into the caller and drop the callee's verdict (or
 * the EXT program's).
 */
#ifndef XDPCHAIN_EXT_ONLY
/*
 * A tail call falls through when the entry is empty or when the kernel's
 * budget of tail calls per packet ran out. A tail-call position's entry
 * is never empty (a vacated one holds a stub that returns
 * XDPCHAIN_RET_EMPTY), so there it means the budget: the slot says so
 * (counted once, here). A freplace position's entry is always empty: its
 * function runs only while no extension replaces it, i.e. it is vacant.
 * The kind is constant data at the dispatcher's own positions, and read
 * from the live map at appended ones, after the fall-through only.
 */
#define XDPCHAIN_TAIL_AT(n)                                                    \
	(n < xdpchain_meta.nr_progs                                            \
		 ? xdpchain_meta.slots[n].kind == XDPCHAIN_SLOT_TAILCALL       \
		 : xdpchain_live.slots[n].kind == XDPCHAIN_SLOT_TAILCALL)
#define XDPCHAIN_SLOT_FUNC(n)                                                  \
	__attribute__((noinline)) int slot_##n(struct xdp_md *ctx)             \
	{                                                                      \
		volatile int ret = XDPCHAIN_RET_EMPTY;                         \
		bpf_tail_call(ctx, &chain_progs, n);                           \
		if (XDPCHAIN_TAIL_AT(n)) {                                     \
			XDPCHAIN_COUNT_EXHAUSTED();                            \
			return XDPCHAIN_RET_EXHAUSTED;                         \
		}                                                              \
		return ret;                                                    \
	}
#else
/*
 * The extension-only build (XDPCHAIN_META_F_EXT_ONLY), for chains whose
 * slots are all freplace: no tail call anywhere in the program. The
 * verifier marks a program that can reach a tail call (any subprogram
 * holding one, dead or not), and the JIT then carries the tail-call
 * counter through it: set up in the prologue, reloaded before every call
 * (x86-64: 7 instructions per packet and one per position). A freplace
 * slot never tail-calls, so this build saves that, and the last-position
 * shortcut below, which only tail-call slots take. The volatile keeps
 * clang from folding the empty value into the caller (the EXT program
 * replaces this body).
 *
 * The kernel lets an extension that changes packet data (bpf_xdp_adjust_head
 * and the like) replace only a function that may change it too ("Extension
 * program changes packet data, while original does not": Linux 6.13, and
 * 6.12.y), and a tail call counts as one. So the slot adjusts the head by
 * nothing, which leaves every packet as it is (a frame too short for it is
 * refused unchanged) and costs one helper call at an empty slot only: a
 * filled one runs its program instead. It also keeps ctx used, without
 * which clang would stop passing it and the verifier would refuse the call
 * ("Caller passes invalid args").
 */
#define XDPCHAIN_SLOT_FUNC(n)                                                  \
	__attribute__((noinline)) int slot_##n(struct xdp_md *ctx)             \
	{                                                                      \
		volatile int ret = XDPCHAIN_RET_EMPTY;                         \
		bpf_xdp_adjust_head(ctx, 0);                                   \
		return ret;                                                    \
	}
#endif

#define XDPCHAIN_SLOTS_8(a, b, c, d, e, f, g, h)                               \
	XDPCHAIN_SLOT_FUNC(a) XDPCHAIN_SLOT_FUNC(b) XDPCHAIN_SLOT_FUNC(c)   \
	XDPCHAIN_SLOT_FUNC(d) XDPCHAIN_SLOT_FUNC(e) XDPCHAIN_SLOT_FUNC(f)   \
	XDPCHAIN_SLOT_FUNC(g) XDPCHAIN_SLOT_FUNC(h)

/*
 * Built in several sizes (XDPCHAIN_NR_SLOTS: 8, 16, 32, 64; the library
 * loads the smallest that holds the chain). Before Linux 6.8 the verifier
 * checks every global function, reachable or not, so the 64 slot
 * functions of the 64-slot build cost hundreds of verified instructions
 * even for a chain of one; the 8-slot build has 8.
 */
#ifndef XDPCHAIN_NR_SLOTS
#define XDPCHAIN_NR_SLOTS XDPCHAIN_MAX_SLOTS
#endif
#if XDPCHAIN_NR_SLOTS != 8 && XDPCHAIN_NR_SLOTS != 16 && XDPCHAIN_NR_SLOTS != 32 && \
	XDPCHAIN_NR_SLOTS != XDPCHAIN_MAX_SLOTS
#error "XDPCHAIN_NR_SLOTS must be 8, 16, 32 or 64"
#endif

/* M(a, ..., h) for every group of 8 slots of this build: the slot
 * functions, the positions and the observers are unrolled over the same
 * slots. */
#define XDPCHAIN_GROUP_0(M) M(0, 1, 2, 3, 4, 5, 6, 7)
#if XDPCHAIN_NR_SLOTS > 8
#define XDPCHAIN_GROUP_1(M) M(8, 9, 10, 11, 12, 13, 14, 15)
#else
#define XDPCHAIN_GROUP_1(M)
#endif
#if XDPCHAIN_NR_SLOTS > 16
#define XDPCHAIN_GROUP_2(M)                                                    \
	M(16, 17, 18, 19, 20, 21, 22, 23) M(24, 25, 26, 27, 28, 29, 30, 31)
#else
#define XDPCHAIN_GROUP_2(M)
#endif
#if XDPCHAIN_NR_SLOTS > 32
#define XDPCHAIN_GROUP_3(M)                                                    \
	M(32, 33, 34, 35, 36, 37, 38, 39) M(40, 41, 42, 43, 44, 45, 46, 47)    \
	M(48, 49, 50, 51, 52, 53, 54, 55) M(56, 57, 58, 59, 60, 61, 62, 63)
#else
#define XDPCHAIN_GROUP_3(M)
#endif
#define XDPCHAIN_EACH_8(M)                                                     \
	XDPCHAIN_GROUP_0(M) XDPCHAIN_GROUP_1(M) XDPCHAIN_GROUP_2(M) XDPCHAIN_GROUP_3(M)

XDPCHAIN_EACH_8(XDPCHAIN_SLOTS_8)

/*
 * One chain position. The conditions read constant data only, but for
 * spare positions. The first inactive position returns, so the verifier
 * sees everything after it as unreachable and removes it: an unused slot
 * costs nothing per packet (testing "n < nr_progs" around each slot
 * instead would leave a dead load behind for every one of the 64
 * positions). One unsigned "ret >= 32" test is all the common path
 * makes before the continue-on test; off it, an empty slot
 * (XDPCHAIN_RET_EMPTY) is skipped and any other verdict, negative ones
 * included, is final and never a shift count >= 32. Verdicts below 32
 * that are no XDP action (5 to 31) are final too: continue-on sets hold
 * XDP actions only.
 *
 * The last program's verdict is the chain's whatever its continue-on set,
 * so a last tail-call slot is entered with a tail call from here, not from
 * a subprogram: the kernel then returns its verdict directly and the
 * subprogram call and the verdict test are saved (one tail-call program
 * costs a tail call, no more). If the array entry is empty, the tail call
 * falls through and the empty slot is skipped as usual. Not in the
 * instrumented build, whose counters and traces need every verdict.
 *
 * Spare positions run only below the live end (end, read once per
 * packet), one compare each; their continue-on sets are in
 * xdpchain_live. The "n >= nr" test is constant, so each position keeps
 * the code of one kind only, and a dispatcher without spares (end is then
 * nr, constant too) none of theirs.
 */
#define XDPCHAIN_VERDICT(n, cont)                                              \
	if ((__u32)ret >= XDPCHAIN_NR_VERDICT_BITS) {                          \
		if (ret != XDPCHAIN_RET_EMPTY)                                 \
			XDPCHAIN_DECIDE(XDPCHAIN_FINAL(n, ret))                \
	} else {                                                               \
		if (!(((cont) >> ret) & 1))                                    \
			XDPCHAIN_DECIDE(ret)                                   \
		last = ret;                                                    \
	}

/*
 * A rebuilt position's test, specialised on its continue-on set: a
 * constant the verifier knows (frozen .rodata), so it keeps the one case
 * that applies and removes the others, compares included, as dead code.
 * A set of one action, by far the most common ("continue on pass"), needs
 * no shift and no range test: that action continues, the empty value is
 * skipped, every other value is final, which is what the general test
 * decides for such a set. On the common path that is one compare with an
 * immediate (the general test: a load, a range compare, a shift, a mask
 * and a compare). Other sets, and appended positions (whose sets are in
 * the mutable xdpchain_live), take the general test.
 */
#define XDPCHAIN_VERDICT_ONE(n, v)                                             \
	if (ret != (v)) {                                                      \
		if (ret != XDPCHAIN_RET_EMPTY)                                 \
			XDPCHAIN_DECIDE(XDPCHAIN_FINAL(n, ret))                \
	} else {                                                               \
		last = (v);                                                    \
	}

#define XDPCHAIN_CASE_ONE(n, v)                                                \
	case 1u << (v):                                                        \
		XDPCHAIN_VERDICT_ONE(n, v)                                     \
		break;

#define XDPCHAIN_VERDICT_CONST(n, cont)                                        \
	switch (cont) {                                                        \
	XDPCHAIN_CASE_ONE(n, XDP_PASS)                                         \
	XDPCHAIN_CASE_ONE(n, XDP_DROP)                                         \
	XDPCHAIN_CASE_ONE(n, XDP_TX)                                           \
	XDPCHAIN_CASE_ONE(n, XDP_REDIRECT)                                     \
	XDPCHAIN_CASE_ONE(n, XDP_ABORTED)                                      \
	default:                                                               \
		XDPCHAIN_VERDICT(n, cont)                                      \
		break;                                                         \
	}

#define XDPCHAIN_RUN_SLOT(n)                                                   \
	if (n >= nr) {                                                         \
		XDPCHAIN_RUN_SPARE(n)                                          \
	} else {                                                               \
		XDPCHAIN_HERE(n)                                               \
		XDPCHAIN_OBSERVER_AT(n)                                        \
		XDPCHAIN_LAST_TAIL(n)                                          \
		ret = slot_##n(ctx);                                           \
		XDPCHAIN_RECORD(n)                                             \
		XDPCHAIN_VERDICT_CONST(n, xdpchain_meta.slots[n].continue_on)  \
	}

#ifdef XDPCHAIN_DECIDING
/* After the decision: observer n runs (its verdict is ignored), each with
 * the record as the dispatcher wrote it (an observer can write it: the
 * next one must not see that). Constant tests: only observers' positions
 * keep code. */
#define XDPCHAIN_OBSERVE(n)                                                    \
	if (n < nr && (xdpchain_meta.slots[n].flags & XDPCHAIN_SLOT_F_OBSERVER)) { \
		*obs = decision;                                               \
		XDPCHAIN_OBSERVER_RUN(n)                                       \
	}
#define XDPCHAIN_OBSERVE_8(a, b, c, d, e, f, g, h)                             \
	XDPCHAIN_OBSERVE(a) XDPCHAIN_OBSERVE(b) XDPCHAIN_OBSERVE(c)            \
	XDPCHAIN_OBSERVE(d) XDPCHAIN_OBSERVE(e) XDPCHAIN_OBSERVE(f)            \
	XDPCHAIN_OBSERVE(g) XDPCHAIN_OBSERVE(h)
#endif

#define XDPCHAIN_RUN_8(a, b, c, d, e, f, g, h)                                 \
	XDPCHAIN_RUN_SLOT(a) XDPCHAIN_RUN_SLOT(b) XDPCHAIN_RUN_SLOT(c)         \
	XDPCHAIN_RUN_SLOT(d) XDPCHAIN_RUN_SLOT(e) XDPCHAIN_RUN_SLOT(f)         \
	XDPCHAIN_RUN_SLOT(g) XDPCHAIN_RUN_SLOT(h)

SEC("xdp")
int xdpchain_disp(struct xdp_md *ctx)
{
	/* What an empty chain (or a chain of empty slots) returns. */
	int last = XDP_PASS;
	int ret;
	/*
	 * nr_progs and the live end, each read once and kept in a
	 * callee-saved register across the slot calls (the other two hold
	 * ctx and last). The metadata's address is not kept: rematerialising
	 * it is one move of an immediate per position, no memory access
	 * (keeping it in a register instead, as builds before spare
	 * positions did, left no register for the live end, which then cost
	 * two loads per appended position).
	 */
	__u32 nr;
#ifndef XDPCHAIN_DECIDING
	__u32 end, spare;
#endif
#ifdef XDPCHAIN_INSTRUMENTED
	struct xdpchain_stats_rec *stats = NULL;
	struct xdpchain_trace_rec *trace = NULL;
	__u32 key = XDPCHAIN_STATS_COUNTERS;
	__u64 len = 0;

	if (xdpchain_meta.flags & XDPCHAIN_META_F_STATS) {
		stats = bpf_map_lookup_elem(&xdpchain_stats, &key);
		len = (__u64)(ctx->data_end - ctx->data);
	}
	if (xdpchain_meta.flags & XDPCHAIN_META_F_TRACE) {
		key = 0;
		trace = bpf_map_lookup_elem(&xdpchain_trace, &key);
	}
#endif
	nr = xdpchain_meta.nr_progs;
#ifndef XDPCHAIN_DECIDING
	end = nr;
	/* Read once: each read of the const volatile is a load. */
	spare = xdpchain_meta.nr_spare;
	if (spare) {
		/* volatile: the library raises it while packets run; this
		 * packet runs the positions that were live when it started. */
		end = *(volatile __u32 *)&xdpchain_live.nr_end;
		/* Never written by the library (readers call such a chain
		 * alien): fail closed. And the verifier learns from it that
		 * no position past the spares runs, so it removes them. */
		if (end > nr + spare)
			return XDP_ABORTED;
	}
#endif

	XDPCHAIN_EACH_8(XDPCHAIN_RUN_8)
	/* Reached only if nr_progs exceeded this build's size, which the
	 * library never loads: fail closed rather than skip programs. */
	if (nr > XDPCHAIN_NR_SLOTS)
		return XDP_ABORTED;
#ifndef XDPCHAIN_DECIDING
	return last;
#else
	XDPCHAIN_DECIDE_LAST(XDPCHAIN_NR_SLOTS)
#endif
}

#ifdef XDPCHAIN_DECIDING
/*
 * The chain decided final, by the program in slot dpos (or
 * XDPCHAIN_SLOT_NONE): the observers see it in this CPU's record and
 * cannot change it; their verdicts are dropped (but counted, with
 * counters) and final is returned, whatever they write in the record. A
 * global function (verified once, for any final and dpos), and noinline
 * so that it stays one.
 */
__attribute__((noinline)) int xdpchain_observe(XDPCHAIN_OBSERVE_PARAMS)
{
	struct xdpchain_verdict_rec *obs;
	__u32 key = 0, nr = xdpchain_meta.nr_progs, id = 0;
#ifdef XDPCHAIN_INSTRUMENTED
	/* This CPU's counters again (see XDPCHAIN_OBSERVE_PARAMS): one
	 * lookup per packet for all the observers. Without counters (a trace
	 * dispatcher, which runs no observers) the stats map is not created
	 * and this is dead code: the verifier, which checks this function
	 * even unreached before Linux 6.8, never walks it. */
	struct xdpchain_stats_rec *stats = NULL;
	__u32 skey = XDPCHAIN_STATS_COUNTERS;

	if (xdpchain_meta.flags & XDPCHAIN_META_F_STATS)
		stats = bpf_map_lookup_elem(&xdpchain_stats, &skey);
#endif

	if (dpos < XDPCHAIN_MAX_SLOTS) {
		__u32 i = dpos;

		/* clang would drop the mask after the test; the verifier
		 * needs it (a bounded index into constant data) */
		asm volatile("" : "+r"(i));
		id = xdpchain_meta.slots[i & (XDPCHAIN_MAX_SLOTS - 1)].prog_id;
	}
	obs = bpf_map_lookup_elem(&xdpchain_final, &key);
	if (obs) {
		struct xdpchain_verdict_rec decision = {
			.verdict = final,
			.slot = dpos,
			.prog_id = id,
		};

		XDPCHAIN_EACH_8(XDPCHAIN_OBSERVE_8)
	}
	return final;
}
#endif

char _license[] SEC("license") = "GPL";
