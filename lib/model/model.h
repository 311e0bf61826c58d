/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * Layer 0, the model (docs/architecture.md): what a chain is, pure code
 * with no system calls, every function unit-tested. log.c, opts.c,
 * fault.c, meta.c, order.c, runcfg.c, verdict.c, plan.c, relocation.c.
 *
 * Each layer has one header, which includes the one below it: a file
 * includes the header of its own layer and so can call only its own layer
 * and the layers below.
 */
#ifndef XDPCHAIN_MODEL_H
#define XDPCHAIN_MODEL_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "xdpchain/xdpchain.h"
#include "xdpchain_abi.h"

#define XDPCHAIN_HIDDEN __attribute__((visibility("hidden")))

/* ---- log.c ---- */
XDPCHAIN_HIDDEN void xc_log(enum xdpchain_print_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
XDPCHAIN_HIDDEN void xc_vlog(enum xdpchain_print_level level, const char *fmt, va_list args);
/* The callback xdpchain_set_print() installs; returns the previous one. */
XDPCHAIN_HIDDEN xdpchain_print_fn_t xc_log_set_print(xdpchain_print_fn_t fn);
#define xc_warn(...) xc_log(XDPCHAIN_WARN, __VA_ARGS__)
#define xc_info(...) xc_log(XDPCHAIN_INFO, __VA_ARGS__)
#define xc_debug(...) xc_log(XDPCHAIN_DEBUG, __VA_ARGS__)

/* Set errno from a negative error code and return it (libbpf style). */
static inline int xc_err(int err)
{
	if (err < 0)
		errno = -err;
	return err;
}
static inline void *xc_err_ptr(int err)
{
	errno = err < 0 ? -err : err;
	return NULL;
}

/* Duplicate a file descriptor above stdio, close-on-exec. */
static inline int fcntl_dupfd(int fd)
{
	return fcntl(fd, F_DUPFD_CLOEXEC, 3);
}

/* ---- pinname.c: numbers in pin and directory names ---- */
/* name is prefix then a decimal number <= max as %u/%llu write it (no
 * sign, blank or leading zero): its value in *v and the rest of the name;
 * NULL if not. */
XDPCHAIN_HIDDEN const char *xc_name_num(const char *name, const char *prefix,
					unsigned long long max, unsigned long long *v);
/* name is exactly prefix, a number <= max1, '-' and a 32-bit number
 * (link-<rev>-<id>, tails-<id>-<map>); *a, *b untouched if not. */
XDPCHAIN_HIDDEN bool xc_name_is_pair(const char *name, const char *prefix, unsigned long long max1,
				     unsigned long long *a, unsigned long long *b);
/* name is exactly prefix and such a number (*v untouched if not). */
XDPCHAIN_HIDDEN bool xc_name_is_num(const char *name, const char *prefix,
				    unsigned long long *v);
/* The pin name of the freplace link of program id at position pos of
 * dispatcher revision rev, whose metadata has own programs:
 * link-<rev>-<id> for its own positions, link-<rev>-<id>-<pos> for spare
 * ones (docs/protocol.md, section 5). 0 or -ENAMETOOLONG. */
XDPCHAIN_HIDDEN int xc_link_pin_name(char *buf, size_t len, __u64 rev, __u32 id,
				     unsigned int pos, unsigned int own);
/* name is a link pin of either form: its revision, program id and
 * position (ULLONG_MAX for link-<rev>-<id>); untouched if not. */
XDPCHAIN_HIDDEN bool xc_link_pin_parse(const char *name, unsigned long long *rev,
				       unsigned long long *id, unsigned long long *pos);
/* Whether a link pin with position pos (as xc_link_pin_parse() gives it)
 * names dispatcher position at, the dispatcher having own positions of
 * its own: the inverse of xc_link_pin_name(). */
XDPCHAIN_HIDDEN bool xc_link_pin_at(unsigned long long pos, unsigned int at, unsigned int own);

/* ---- opts.c: size-versioned options ---- */
XDPCHAIN_HIDDEN bool xc_opts_valid(const void *opts, size_t known_sz,
				   const char *type_name);
#define XC_OPTS_VALID(opts, type)                                              \
	xc_opts_valid(opts, offsetofend(struct type, type##__last_field), #type)
#define XC_OPTS_GET(opts, field, fallback)                                     \
	(((opts) && (opts)->sz >= offsetofend(__typeof__(*(opts)), field))     \
		 ? (opts)->field                                               \
		 : (fallback))
#ifndef offsetofend
#define offsetofend(TYPE, FIELD) (offsetof(TYPE, FIELD) + sizeof(((TYPE *)0)->FIELD))
#endif

/* ---- fault.c: crash injection for tests (meson -Dfault_injection) ----
 * Each step is a point where a crash leaves a distinct state behind;
 * docs/protocol.md ("Crash safety") says what each leaves and who repairs
 * it. xc_fault() is called right after the step succeeded. */
enum xc_fault_step {
	XC_FAULT_PROG_LOAD,   /* the new program is loaded, not pinned */
	XC_FAULT_DISP_LOAD,   /* the new dispatcher is loaded */
	XC_FAULT_PIN,         /* after every pin */
	XC_FAULT_TAIL_UPDATE, /* after every prog-array update (tail-call slot) */
	XC_FAULT_EXT_LINK,    /* after every freplace link, before its pin */
	XC_FAULT_LINK_CREATE, /* new chain: XDP link created, not pinned */
	XC_FAULT_SWAP,        /* bpf_link_update() switched to the new dispatcher */
	XC_FAULT_LINK_DETACH, /* last program / --all: the link is detached */
	XC_FAULT_UNPIN,       /* after every unpin */
	XC_FAULT_VACATE,      /* a slot was emptied in place (vacate.c) */
	XC_FAULT_APPEND,      /* a program was appended in place (append.c) */
	XC_FAULT_ADOPT,       /* the dispatcher replaced an adopted program (netlink) */
	XC_FAULT_RELOCATE,    /* a relocated chain was committed (relocate.c) */
	XC_FAULT__MAX,
};
/* Calls whose failure a test injects (XDPCHAIN_FAIL, lib/fault.c): kernel
 * errors that cannot be provoked on demand (an LSM's EPERM, EMFILE), on
 * paths where an error must keep the state, not be taken for an answer.
 * xc_fail() is called right before the call and returns 0 or the -errno
 * to fail it with. */
enum xc_fail_call {
	XC_FAIL_LINK_DETACH,  /* bpf_link_detach() of the dispatcher link */
	XC_FAIL_LINK_INFO,    /* reading a pinned dispatcher link (gc) */
	XC_FAIL__MAX,
};
#ifdef XDPCHAIN_FAULT_INJECTION
XDPCHAIN_HIDDEN void xc_fault_step(enum xc_fault_step step, const char *detail);
XDPCHAIN_HIDDEN int xc_fail(enum xc_fail_call call);
/* XDPCHAIN_FORGE_VERSION=N: the protocol version the dispatchers this
 * process loads claim, instead of version (tests of a chain of another
 * version). */
XDPCHAIN_HIDDEN __u32 xc_forged_version(__u32 version);
#define xc_fault(step, detail) xc_fault_step(step, detail)
#else
#define xc_fault(step, detail) do { (void)(detail); } while (0)
#define xc_fail(call) ((void)(call), 0)
#define xc_forged_version(version) (version)
#endif

/* ---- verdict.c ---- */
/* The verdict named by s[0..len) ("drop", "XDP_DROP", any case), or -1. */
XDPCHAIN_HIDDEN int xc_verdict_lookup(const char *s, size_t len);
XDPCHAIN_HIDDEN const char *xc_verdict_name(int verdict);
XDPCHAIN_HIDDEN const char *xc_mode_str(enum xdpchain_mode mode);

/* ---- order.c ---- */
XDPCHAIN_HIDDEN int xc_slot_cmp(const struct xdpchain_slot_meta *a,
				const struct xdpchain_slot_meta *b);
/* The run order of s[0..n) (n <= 64): s is sorted by xc_slot_cmp() in
 * place, then perm[k] is the index in s of the k-th program to run, with
 * programs placed relative to their anchors. -ELOOP if anchors form a
 * loop (those programs come last). */
XDPCHAIN_HIDDEN int xc_order(const struct xdpchain_slot_meta **s, unsigned int n,
			     unsigned int *perm);
/* Put the n elements of size bytes at base in run order, each holding
 * its slot description at meta_off; the error of xc_order(), or -ENOMEM. */
XDPCHAIN_HIDDEN int xc_order_array(void *base, unsigned int n, size_t size, size_t meta_off);
/* Put slots[0..n) in run order; the error of xc_order(), or -ENOMEM. */
XDPCHAIN_HIDDEN int xc_slots_sort(struct xdpchain_slot_meta *slots, unsigned int n);

/* ---- meta.c ---- */
XDPCHAIN_HIDDEN int xc_meta_validate(const struct xdpchain_meta *meta,
				     char *why, size_t why_len);
XDPCHAIN_HIDDEN void xc_meta_init(struct xdpchain_meta *meta, __u64 revision,
				  int ifindex, enum xdpchain_mode mode, __u64 netns_ino);
XDPCHAIN_HIDDEN void xc_meta_init_probe(struct xdpchain_meta *meta);
XDPCHAIN_HIDDEN bool xc_meta_frags(const struct xdpchain_meta *meta);
/* An appended position's test (struct xdpchain_live): the one
 * action of a continue-on set of one, else XDPCHAIN_LIVE_GENERAL. */
XDPCHAIN_HIDDEN __u64 xc_live_test(__u32 continue_on);
/* How many slots of meta are observers (XDPCHAIN_SLOT_F_OBSERVER). */
XDPCHAIN_HIDDEN unsigned int xc_meta_observers(const struct xdpchain_meta *meta);
XDPCHAIN_HIDDEN enum xdpchain_backend xc_meta_backend(const struct xdpchain_meta *meta);
/* True when the chain is one freplace program: it then replaces the
 * dispatcher's main function, besides slot_0 (docs/protocol.md, "A chain
 * of one"). */
XDPCHAIN_HIDDEN bool xc_meta_whole(const struct xdpchain_meta *meta);
XDPCHAIN_HIDDEN int xc_owner_valid(const char *owner);
/* Spare positions for a rebuilt chain (meta's programs and flags). */
XDPCHAIN_HIDDEN unsigned int xc_meta_spares(const struct xdpchain_meta *meta);
/* What a chain of one freplace program gets: room for the second. */
#define XDPCHAIN_WHOLE_SPARES 1u
/* Give every slot a stats index of its own, keeping the ones it has unless
 * fresh[i] (joins now) or taken by an earlier slot. New ones avoid the
 * indexes in avoid (the running revision's, which still count for their
 * programs until the swap) while others are free. Returns the mask of
 * indexes given out anew (their counters must start from zero). */
XDPCHAIN_HIDDEN __u64 xc_stats_idx_assign(struct xdpchain_slot_meta *slots, unsigned int n,
					  const bool *fresh, __u64 avoid);
/* Stats indexes the slots of meta count at. */
XDPCHAIN_HIDDEN __u64 xc_meta_idx_mask(const struct xdpchain_meta *meta);
/* How many programs of meta are named name (a detach, an update or an
 * anchor by name: the library's one resolution of names); *id gets the
 * last one's id. */
XDPCHAIN_HIDDEN unsigned int xc_meta_find_name(const struct xdpchain_meta *meta, const char *name,
					       __u32 *id);

/* ---- runcfg.c ---- */
struct xc_runcfg {
	bool has_priority;
	int priority;
	bool has_actions;
	__u32 continue_on;
};
XDPCHAIN_HIDDEN int xc_runcfg_read(const struct btf *btf, const char *prog_name,
				   struct xc_runcfg *cfg);
/* Are btf's type records 4-byte aligned? libbpf 1.1 accepts a header
 * length that is not a multiple of 4, which misaligns every type, and
 * reading them through btf.h's inline helpers is then undefined behaviour
 * (found by tests/fuzz, target runcfg). */
XDPCHAIN_HIDDEN bool xc_btf_aligned(const struct btf *btf);

/* ---- the program handle (operated on by prog.c, layer 1) ---- */
struct xdpchain_prog {
	char *name;
	struct bpf_object *obj;   /* opened, not loaded; NULL for from_fd */
	void *elf;                /* the object's bytes (a copy), for its tag */
	size_t elf_len;
	char *obj_name;           /* libbpf's name of the object, or NULL */
	/* obj is the caller's (xdpchain_prog__from_bpf_obj()): never closed
	 * here, and its mmap-ed maps are made live after the load. */
	bool obj_borrowed;
	/* Opened without pin_root_path: its LIBBPF_PIN_BY_NAME maps are
	 * pinned under the state root (mapdir.c), not in /sys/fs/bpf. */
	bool pins_default;
	struct bpf_program *bprog;
	int fd;                   /* loaded program, -1 before */
	__u32 id;
	bool from_fd;
	bool has_btf;             /* BTF func info: can become EXT */
	/* Its object has global (non-static) functions other than programs
	 * taking a context pointer: not callable from an EXT program on 5.10. */
	bool global_calls;
	bool frags;               /* declared multi-buffer support */
	/* Its object has program arrays: the program may tail-call programs
	 * of its own, which the object keeps loadable and the chain keeps
	 * filled (docs/applications.md). */
	bool own_tails;
	bool joined;              /* a transaction put it in a chain */
	/* How it was loaded (fd >= 0): a failed attach leaves it loaded, and
	 * a retry uses it as it is if the slot needs it so. */
	bool loaded_ext, loaded_frags;
	/* libbpf loaded obj (it cannot load it again), though fd may still
	 * be -1: what followed the load failed (maps_live, for one), and a
	 * retry does only that. */
	bool obj_loaded;
	bool maps_live;           /* obj_borrowed: its mmap-ed maps are live */
	int priority;
	__u32 continue_on;
	char owner[XDPCHAIN_OWNER_LEN];
	bool observer;            /* joins as an observer (SLOT_F_OBSERVER) */
};

/* ---- plan.c: what a transaction will do, decided before any change ----
 * A transaction is a list of changes, applied in order to the running
 * chain as one new revision. Planning needs no kernel: it works on the
 * chain's description and on the changes, and says whether the result is
 * possible and which mutation makes it (an in-place vacancy, an append or
 * a relocation in place, a rebuild, or the chain's removal). */
enum xc_change_kind {
	XC_ATTACH = 1,
	XC_DETACH,
	XC_UPDATE,
	XC_PLACE,      /* a running program's relative placement */
	XC_DETACH_ALL, /* every program leaves: the chain is removed */
	XC_STATS,      /* the verdict counters on or off (the chain's flags) */
	/* The program running on the interface (netlink-attached, foreign)
	 * joins a new chain without a reload: xc_plan_adopt() turns it into
	 * the attach of that program, which the rebuild commits by a netlink
	 * replace of it (docs/protocol.md, "Adoption"). */
	XC_ADOPT,
};

struct xc_change {
	enum xc_change_kind kind;
	struct xdpchain_prog *prog; /* XC_ATTACH, borrowed */
	__u32 owner_pid;            /* XC_ATTACH: bound to this process */
	__u8 anchor;                /* XC_ATTACH, XC_PLACE: enum xdpchain_anchor */
	__u32 anchor_id;            /* with anchor: a program in the chain, or */
	/* a program attached by the same transaction (its id is known once
	 * it is loaded: the rebuild fills anchor_id in then) */
	struct xdpchain_prog *anchor_prog;
	__u32 id;                   /* XC_DETACH, XC_UPDATE, XC_PLACE */
	/* XC_DETACH, XC_UPDATE by name (id 0), and the anchor by name
	 * (anchor_id 0): the transaction resolves them against the running
	 * chain when it stages the changes (txn.c) */
	const char *name;
	const char *anchor_name;
	bool stats;                 /* XC_STATS: count verdicts */
	/* XC_ADOPT of a dispatcher (libxdp's): it leaves by the swap, and
	 * its programs, the XC_ATTACH changes after it, join (plan.c). */
	bool replaced;
	int priority;               /* XC_UPDATE */
	__u32 continue_on;          /* XC_UPDATE */
	/* staged at commit (XC_ATTACH) */
	enum xdpchain_slot_kind slot_kind;
	struct xdpchain_slot_meta m;
};

struct xc_params {
	bool stats; /* switch the verdict counters on */
	enum xdpchain_mode mode;
	enum xdpchain_backend backend;
	bool replace_foreign;
	bool rev_set;
	__u64 rev;
	const char *root;
	/* Detaching an anchor drops the placement of the programs placed
	 * relative to it (else -ENOTEMPTY). */
	bool force;
};

/* A program of the chain being built: its description and, once opened
 * for a rebuild, its file descriptor. */
struct xc_entry {
	struct xdpchain_slot_meta m;
	int fd;
	bool fresh; /* joins now: needs a stats index of its own */
};

/* The chain a transaction starts from, as planning sees it: base is the
 * running dispatcher's description (appended programs included), meta the
 * chain that runs (base without its vacant slots). Both NULL: no chain. */
struct xc_running {
	const struct xdpchain_meta *base;
	const struct xdpchain_meta *meta;
	/* pos[i]: the base position of meta->slots[i]; the first disp_nr
	 * positions are the dispatcher's own (rebuilt), the rest appended.
	 * NULL: unknown, and no slot is emptied in place. */
	const __u8 *pos;
	unsigned int disp_nr;
};

/* How a rebuilt chain is attached (txn.c stages it, rebuild.c commits it). */
struct xc_build {
	enum xdpchain_mode mode;
	/* No chain ran: replace this foreign program (0: none). */
	__u32 foreign_id;
	enum xdpchain_mode foreign_mode;
	bool stats;          /* count verdicts */
	/* No chain ran: the program adopt_id (adopt_fd) that runs on the
	 * interface through netlink in mode joins the chain, whose
	 * dispatcher replaces it there atomically (netlink, XDP_FLAGS_REPLACE)
	 * and stays netlink-attached. 0: no adoption. */
	__u32 adopt_id;
	int adopt_fd;
};

/* What applying the changes to the entries made of them. */
struct xc_plan {
	unsigned int nattach;  /* programs that join */
	bool changed;          /* anything to do at all */
	bool only_removed;     /* nothing joins or changes its place */
	bool stats;            /* the new chain counts verdicts */
};

/* Put e[0..n) in run order (xc_order()). */
XDPCHAIN_HIDDEN int xc_entries_sort(struct xc_entry *e, unsigned int n);
XDPCHAIN_HIDDEN int xc_entries_find(const struct xc_entry *e, unsigned int n, __u32 id);
/* Apply the detaches, updates and counter switches of c[0..nc) to
 * e[0..*n) in order and check the attaches (staged: c[i].m filled),
 * dead[0..ndead): programs already dropped (their detach is no error).
 * stats: the running chain counts verdicts. force: a detached anchor's
 * programs lose their placement (else -ENOTEMPTY); placements on programs
 * that left otherwise are dropped. ifname: for messages. */
XDPCHAIN_HIDDEN int xc_plan_changes(struct xc_entry *e, unsigned int *n, const struct xc_change *c,
				    unsigned int nc, const __u32 *dead, unsigned int ndead,
				    bool stats, bool force, const char *ifname,
				    struct xc_plan *plan);
/* The chain's size limits: XDPCHAIN_MAX_SLOTS programs, and at most
 * XDPCHAIN_MAX_TAILCALL_SLOTS of them tail-call programs. */
XDPCHAIN_HIDDEN int xc_plan_limits(const struct xc_entry *e, unsigned int n,
				   const struct xc_change *c, unsigned int nc, unsigned int nattach,
				   const char *ifname);
/* Multi-buffer agreement of e[0..n) with the attaches of c; sets the frags
 * flag of the programs to be attached. */
XDPCHAIN_HIDDEN int xc_plan_frags(const struct xc_entry *e, unsigned int n, struct xc_change *c,
				  unsigned int nc, const char *ifname);
/* The multi-buffer flag of the chain e[0..n) with c joining (NULL: none). */
XDPCHAIN_HIDDEN bool xc_plan_chain_frags(const struct xc_entry *e, unsigned int n,
					 const struct xc_change *c);
/* Index in run->meta of the one program a removal-only transaction can
 * empty in place, or -1 for a rebuild. stats_on: the transaction switches
 * counters on. */
XDPCHAIN_HIDDEN int xc_plan_in_place(const struct xc_running *run, const struct xc_entry *e,
				     unsigned int n, const struct xc_plan *plan, bool stats_on);
/* An adoption (c[0], XC_ADOPT, prog: a handle of the program the caller
 * saw running) is the only change of its transaction, on an interface
 * where no chain runs (have), and the program still runs (running_id):
 * 0, and c[0] becomes the attach of that program (XC_ATTACH) through a
 * tail-call slot; else -errno with a message (-EEXIST: a chain runs;
 * -ESTALE: another program runs now; -ENOENT: none). A dispatcher's
 * adoption: c[1..nc) attach its programs (already loaded extensions,
 * nothing else), and c[0] is marked replaced (it does not join). */
XDPCHAIN_HIDDEN int xc_plan_adopt(struct xc_change *c, unsigned int nc, bool have,
				  __u32 running_id, const char *ifname);
/* Can the program described by m (id: its id if already loaded, else 0;
 * frags: the chain's multi-buffer flag with it) join at base's first spare
 * position? */
XDPCHAIN_HIDDEN bool xc_plan_can_append(const struct xdpchain_meta *base,
					const struct xdpchain_slot_meta *m, __u32 id, bool frags);

/* ---- relocation.c ---- */
/* Can the transaction's new chain (the changes c[0..nc) applied to the
 * running chain run: e[0..n), plan) be relocated into the running
 * dispatcher's spare positions (docs/protocol.md, section 6c)? frags: the
 * new chain's multi-buffer flag. Its programs in run order in out[0..k)
 * (room for XDPCHAIN_MAX_SLOTS), the joining one (if any) at *joins with
 * prog_id 0, and returns k; -1 (*joins -1) for another mutation. */
XDPCHAIN_HIDDEN int xc_plan_relocate(const struct xc_running *run, const struct xc_entry *e,
				     unsigned int n, const struct xc_change *c, unsigned int nc,
				     const struct xc_plan *plan, bool frags,
				     struct xdpchain_slot_meta *out, int *joins);

#endif
