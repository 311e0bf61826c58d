/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * The dispatcher's configuration, shared by the BPF dispatcher and the
 * library. It is placed in the dispatcher's .rodata, frozen before load, and
 * is at the same time the on-bpffs metadata of the chain: whatever program
 * runs on the interface carries the exact description of itself, so the
 * metadata can never disagree with the running chain (docs/protocol.md).
 *
 * Layout rules: fixed-size fields only, explicit padding, little changes
 * only by bumping XDPCHAIN_META_VERSION.
 */
#ifndef XDPCHAIN_ABI_H
#define XDPCHAIN_ABI_H

#include <linux/types.h>

#define XDPCHAIN_MAX_SLOTS 64
/* The kernel allows 33 tail calls per packet (MAX_TAIL_CALL_CNT, 32 before
 * Linux 5.17), counted over the whole chain: a 34th tail-call slot would
 * be skipped silently. Chains use at most 32 tail-call slots, the same on
 * every kernel. freplace slots do not count. */
#define XDPCHAIN_MAX_TAILCALL_SLOTS 32
#define XDPCHAIN_META_MAGIC 0x58444348u /* "XDCH" */
/* The on-bpffs protocol version: 9 is xdpchain 0.1.0's, the only one it
 * reads and writes. Development versions before the release wrote 2 to 8,
 * so the numbering goes on from there (a 1 would be taken for theirs);
 * a chain of any other version is refused by every change and removed
 * whole by detach --all (docs/protocol.md, section 3). */
#define XDPCHAIN_META_VERSION 9u

/* Returned by an empty slot (no freplace program attached, or an empty
 * program-array entry), which the dispatcher skips as if the
 * slot did not exist. Any 32-bit value is a verdict a program could
 * return, so one must be reserved: this one ("XDCE") is no XDP action, far
 * from the small and negative values a faulty program returns (a small
 * value such as 31 ends the chain as every unknown verdict does), and
 * positive, so it is the same as a 32-bit immediate and
 * as a sign-extended 64-bit one. */
#define XDPCHAIN_RET_EMPTY 0x58444345
/* What a tail-call slot returns when its tail call fell through
 * although a program fills it (a vacated one holds a stub returning
 * XDPCHAIN_RET_EMPTY): the kernel's budget of tail calls per packet
 * (MAX_TAIL_CALL_CNT) ran out, taken by the chain's tail calls and the
 * programs' own. The program was not run, so nothing after it may pass the
 * packet: the dispatcher returns XDP_ABORTED (the kernel's xdp_exception
 * trace event) and counts it in xdpchain_live.nr_exhausted. ("XDCX": no
 * XDP action, like XDPCHAIN_RET_EMPTY.) */
#define XDPCHAIN_RET_EXHAUSTED 0x58444358
/* Verdicts below this are tested against a continue-on set (a shift
 * count); the rest are final, but for XDPCHAIN_RET_EMPTY. */
#define XDPCHAIN_NR_VERDICT_BITS 32

#define XDPCHAIN_NAME_LEN 64
#define XDPCHAIN_OWNER_LEN 32

/* Where a program runs relative to another one of the chain (its anchor),
 * whatever their priorities: right before it, or right after it. */
enum xdpchain_anchor {
	XDPCHAIN_ANCHOR_NONE = 0,
	XDPCHAIN_ANCHOR_BEFORE = 1,
	XDPCHAIN_ANCHOR_AFTER = 2,
};

/* How a slot is filled. */
enum xdpchain_slot_kind {
	XDPCHAIN_SLOT_FREPLACE = 1, /* an EXT program replaces slot_N() */
	XDPCHAIN_SLOT_TAILCALL = 2, /* tail call into chain_progs[N] */
};

/* meta.flags */
#define XDPCHAIN_META_F_FRAGS (1u << 0) /* dispatcher loaded frags-aware */
#define XDPCHAIN_META_F_STATS (1u << 1) /* count verdicts in xdpchain_stats */
/* Only on a throwaway dispatcher that is never linked to an interface
 * (xdpchain trace): record every position's verdict in xdpchain_trace. */
#define XDPCHAIN_META_F_TRACE (1u << 2)
/* The extension-only build, loaded for a chain of freplace
 * slots only and neither stats nor trace: its slot functions hold no tail
 * call, which spares every packet the JIT's tail-call counter. A tail-call
 * program joins such a chain only through a new dispatcher. */
#define XDPCHAIN_META_F_EXT_ONLY (1u << 3)
/* The chain has observers (XDPCHAIN_SLOT_F_OBSERVER), which
 * only the instrumented build runs: the dispatcher records the final
 * verdict and who decided it in xdpchain_final, then runs them. */
#define XDPCHAIN_META_F_OBSERVE (1u << 4)

/* slot.flags */
#define XDPCHAIN_SLOT_F_FRAGS (1u << 0) /* program declared frags support */
/* The attachment lives only as long as the process owner_pid (started at
 * owner_start, in pid namespace owner_pidns): once that process is gone,
 * the next change of the chain removes the program (docs/protocol.md). */
#define XDPCHAIN_SLOT_F_UNTIL_EXIT (1u << 4)
/* An observer. It runs after the chain decided (observers sort
 * after every other program, among themselves by the usual rules), reads
 * the decision in xdpchain_final, and its own verdict is ignored. */
#define XDPCHAIN_SLOT_F_OBSERVER (1u << 5)
/* The program's object has program arrays, so it may make tail
 * calls of its own, which take from the same per-packet budget as the
 * chain's (XDPCHAIN_RET_EXHAUSTED): writers warn when such a program joins
 * a chain with tail-call slots. Informational: the dispatcher never reads
 * it. */
#define XDPCHAIN_SLOT_F_TAILCALLS (1u << 6)
/* The kernel's tail calls per packet (MAX_TAIL_CALL_CNT; 32 before Linux
 * 5.17), what a chain's tail-call slots and its programs' own share. */
#define XDPCHAIN_TAILCALL_BUDGET 33
/* Observers per chain (they take slots like other programs). */
#define XDPCHAIN_MAX_OBSERVERS 8

struct xdpchain_slot_meta {
	__u32 prog_id;      /* kernel id of the chained program */
	__u32 continue_on;  /* bit v set: verdict v lets the next program run */
	__s32 priority;     /* lower runs first */
	__u8 kind;          /* enum xdpchain_slot_kind */
	__u8 flags;         /* XDPCHAIN_SLOT_F_* */
	__u8 stats_idx;     /* element of the stats arrays, 0..63, unique */
	/* enum xdpchain_anchor, placement relative to the program
	 * anchor_id (docs/protocol.md, "Run order"). */
	__u8 anchor;
	__u64 attach_time;  /* CLOCK_REALTIME, nanoseconds */
	__u8 tag[8];        /* kernel program tag, for ordering ties */
	char name[XDPCHAIN_NAME_LEN];   /* NUL-terminated */
	char owner[XDPCHAIN_OWNER_LEN]; /* NUL-terminated, may be empty */
	/* XDPCHAIN_SLOT_F_UNTIL_EXIT only, else 0: the owning process. */
	__u32 owner_pid;    /* pid in the namespace owner_pidns */
	__u32 anchor_id;    /* with anchor, else 0 */
	__u64 owner_start;  /* its start time, /proc/PID/stat field 22 (ticks) */
	__u64 owner_pidns;  /* inode of its pid namespace */
};

struct xdpchain_meta {
	__u32 magic;      /* XDPCHAIN_META_MAGIC */
	__u32 version;    /* XDPCHAIN_META_VERSION */
	__u64 revision;   /* grows by one on every change */
	__u32 nr_progs;   /* active slots: 0..nr_progs-1 */
	__u32 flags;      /* XDPCHAIN_META_F_* */
	__u32 ifindex;    /* interface the chain was built for */
	__u32 mode;       /* enum xdpchain_mode of the attachment */
	__u64 netns_ino;  /* inode of the network namespace */
	struct xdpchain_slot_meta slots[XDPCHAIN_MAX_SLOTS];
	/* Spare positions nr_progs .. nr_progs + nr_spare - 1
	 * can take appended programs without a new dispatcher: which of them
	 * are in use is in struct xdpchain_live. */
	__u32 nr_spare;
	/* BTF id of the main function, for the same
	 * reason as slot_btf_id: the append that ends the chain of one's
	 * shortcut (docs/protocol.md) waits on it. */
	__u32 main_btf_id;
	/* BTF id of slot_N() in this dispatcher's BTF, for every position
	 * of this build: an appended freplace program links to it. Read
	 * from here because the dispatcher's BTF is readable by id only
	 * with CAP_SYS_ADMIN, and every slot function has the same type. */
	__u32 slot_btf_id[XDPCHAIN_MAX_SLOTS];
};

/*
 * The mutable part of a dispatcher with spare positions (its .bss map,
 * pinned as live-<rev>): positions nr_progs .. nr_end - 1 run appended
 * programs described in slots[position]. Written only under the
 * interface lock: a position's description first, then its program is
 * linked (or put in its array entry), then nr_end grows by one with a
 * single store, the commit point of an append. The dispatcher reads
 * nr_end and nr_start with one aligned 64-bit load and, per appended
 * position, its test and, for a set of several actions or none, its
 * continue-on set, per packet; it never reads slots[] below nr_progs
 * (those are in xdpchain_meta).
 *
 * nr_start: 0, or the first position of a relocated chain
 * (docs/protocol.md, section 6c): then the positions of xdpchain_meta do
 * not run, only nr_start .. nr_end - 1 do. nr_end and nr_start are
 * adjacent and 8-byte aligned, so a writer that stores both with one
 * 64-bit store commits a whole new chain at once (XDPCHAIN_LIVE_RANGE()).
 */
struct xdpchain_live {
	__u32 nr_end;     /* nr_progs <= nr_end <= nr_progs + nr_spare */
	__u32 nr_start;   /* 0, or nr_progs <= nr_start <= nr_end */
	struct xdpchain_slot_meta slots[XDPCHAIN_MAX_SLOTS];
	/* Per appended position, written with its description:
	 * the one action of its continue-on set (0..4), compared with the
	 * zero-extended verdict in one instruction, or XDPCHAIN_LIVE_GENERAL
	 * for a set of several actions or none, which no 32-bit verdict
	 * equals: the general test on slots[position].continue_on. */
	__u64 test[XDPCHAIN_MAX_SLOTS];
	/* Packets aborted because a tail-call slot was out of
	 * the kernel's tail-call budget (XDPCHAIN_RET_EXHAUSTED), written
	 * only by the dispatcher (an atomic add); a new revision starts from
	 * the count of the one it replaces. */
	__u64 nr_exhausted;
};
#define XDPCHAIN_LIVE_GENERAL (1ull << 32)
/* nr_end and nr_start as the one 64-bit word they make in memory, in the
 * byte order of the host (the dispatcher and the library run on the same
 * CPU): what the dispatcher loads and a writer stores. */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define XDPCHAIN_LIVE_RANGE(start, end) (((__u64)(end) << 32) | (__u32)(start))
#define XDPCHAIN_LIVE_END(w) ((__u32)((w) >> 32))
#define XDPCHAIN_LIVE_START(w) ((__u32)(w))
#else
#define XDPCHAIN_LIVE_RANGE(start, end) (((__u64)(start) << 32) | (__u32)(end))
#define XDPCHAIN_LIVE_END(w) ((__u32)(w))
#define XDPCHAIN_LIVE_START(w) ((__u32)((w) >> 32))
#endif
#define XDPCHAIN_LIVE_PIN "live"
/* The link that runs a chain of one's program in place of the
 * main function, pinned as main-<rev> while the chain is that one
 * program (docs/protocol.md, "A chain of one"). */
#define XDPCHAIN_MAIN_PIN "main"
/* The append that ends a chain of one's shortcut waited in vain
 * for the kernel to release the main function's link (another process
 * holds it open): its program is in the chain but does not run yet. The
 * do-nothing fentry program it waited with is pinned as pending-<rev>;
 * whoever can attach it (once) knows the link is gone (docs/protocol.md,
 * "A chain of one"). */
#define XDPCHAIN_PENDING_PIN "pending"

/*
 * Verdict counters (XDPCHAIN_META_F_STATS): one PERCPU_ARRAY map per
 * interface, "xdpchain_stats", pinned as "stats" in the interface's state
 * directory and shared by every dispatcher revision. Element 0 holds the
 * counters, written only by the dispatcher; element 1 holds the baselines,
 * written only by writers under the interface lock. A program's counts are
 * element 0 minus element 1 at its stats_idx, per CPU, summed over CPUs, so
 * a program that joins starts from zero without the writer ever writing
 * what the dispatcher writes.
 */
enum xdpchain_stat {
	XDPCHAIN_STAT_ABORTED = 0, /* XDP actions 0..4 count at their value */
	XDPCHAIN_STAT_DROP = 1,
	XDPCHAIN_STAT_PASS = 2,
	XDPCHAIN_STAT_TX = 3,
	XDPCHAIN_STAT_REDIRECT = 4,
	XDPCHAIN_STAT_OTHER = 5,   /* any other verdict */
	XDPCHAIN_STAT_BYTES = 6,   /* data_end - data when the chain started */
	/* The program's run time on timed packets (one in
	 * XDPCHAIN_STATS_SAMPLE of the chain's, per CPU): the sum of
	 * bpf_ktime_get_ns() after its slot returned minus before it was
	 * called, and how many such packets it ran on. */
	XDPCHAIN_STAT_TIME_NS = 7,
	XDPCHAIN_STAT_TIMED = 8,
	/* 9..15: 0; pad a row to a power of two, so the dispatcher's index
	 * is in bounds by mask */
	XDPCHAIN_STAT_NR = 16,
};
#define XDPCHAIN_STATS_MAP_NAME "xdpchain_stats"
#define XDPCHAIN_STATS_PIN "stats"
#define XDPCHAIN_STATS_COUNTERS 0u  /* element: written by the dispatcher */
#define XDPCHAIN_STATS_BASELINE 1u  /* element: written by writers, locked */
/* One packet in this many, per CPU, is timed: a power of two, so the test
 * is a mask. The clock is read twice per program on a timed packet only. */
#define XDPCHAIN_STATS_SAMPLE 64u

struct xdpchain_stats_rec {
	__u64 progs[XDPCHAIN_MAX_SLOTS][XDPCHAIN_STAT_NR]; /* by stats_idx */
	/* Element 0: this CPU's packets through the chain, which picks the
	 * timed ones (tick % XDPCHAIN_STATS_SAMPLE == 0); element 1: 0. Not a
	 * count readers use: it is not reset when programs join. */
	__u64 tick;
};

/* What a trace dispatcher records for one packet (XDPCHAIN_META_F_TRACE):
 * the verdict of each chain position that ran, in order. */
#define XDPCHAIN_TRACE_MAP_NAME "xdpchain_trace"
struct xdpchain_trace_rec {
	__u32 nr_run;                      /* positions that ran */
	__s32 verdict[XDPCHAIN_MAX_SLOTS]; /* by position */
};

/*
 * What observers read (XDPCHAIN_META_F_OBSERVE): one PERCPU_ARRAY map of
 * one element per interface, "xdpchain_final", pinned as "verdict" in
 * the interface's state directory and shared by every dispatcher revision
 * and every observer (the library makes an observer's map of this name
 * this one when it loads it). The dispatcher writes it for each packet
 * before its first observer runs; an XDP program runs to its end on one
 * CPU, so this CPU's element is this packet's. The dispatcher returns the
 * verdict it decided, whatever an observer writes here.
 */
#define XDPCHAIN_VERDICT_MAP_NAME "xdpchain_final" /* 15 bytes at most (BPF_OBJ_NAME_LEN) */
#define XDPCHAIN_VERDICT_PIN "verdict"
/* slot when no program decided (an empty chain, or empty slots only): the
 * verdict is then XDP_PASS. */
#define XDPCHAIN_SLOT_NONE 0xffffffffu
struct xdpchain_verdict_rec {
	__s32 verdict;    /* the chain's final verdict (the one returned) */
	__u32 slot;       /* dispatcher slot of the program that decided it
			   * (the last one that ran; empty slots do not run),
			   * or XDPCHAIN_SLOT_NONE. The run position but where
			   * a program left in place (a vacant slot) */
	__u32 prog_id;    /* that program's kernel id, or 0 */
	__u32 pad;        /* 0 */
};

#endif
