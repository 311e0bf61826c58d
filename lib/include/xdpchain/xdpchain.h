/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * libxdpchain: share one interface's XDP hook between independent programs.
 *
 * Conventions (as libbpf's): functions returning int return 0 or a negative
 * errno and also set errno; functions returning a pointer return NULL and
 * set errno on failure. Options structs start with "size_t sz", set by
 * XDPCHAIN_OPTS(), so fields can be added without breaking old callers.
 *
 * Run order: lower priority number runs first; ties are broken by program
 * name, then by kernel program tag, never by attach order.
 *
 * Threads: every function may be called from several threads at once, as
 * from several processes, on distinct objects. Changes of one interface's
 * chain are serialized by flock() on its state directory, through a
 * descriptor each call opens for itself (flock locks belong to the open
 * file description, so threads exclude each other like processes); status
 * takes no lock and always reads a consistent snapshot. One struct
 * xdpchain_prog or xdpchain_chain must not be used by two threads at once.
 * Each thread works in its own network namespace (setns() is per thread).
 * The log callback may be called from any thread, concurrently. The
 * freplace probe (once per process) briefly redirects libbpf's process-wide
 * print callback: libbpf messages of other threads during it go to this
 * library's debug level.
 */
#ifndef XDPCHAIN_XDPCHAIN_H
#define XDPCHAIN_XDPCHAIN_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/types.h>
#include <linux/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef XDPCHAIN_API
#define XDPCHAIN_API __attribute__((visibility("default")))
#endif

#define XDPCHAIN_MAX_PROGS 64
#define XDPCHAIN_DEFAULT_PRIORITY 50
#define XDPCHAIN_DEFAULT_ROOT "/sys/fs/bpf/xdpchain"
/* Environment variable overriding the bpffs state root (secure_getenv). */
#define XDPCHAIN_ROOT_ENV "XDPCHAIN_BPFFS_ROOT"

/* Declare and zero an options struct with its size set. */
#define XDPCHAIN_OPTS(TYPE, NAME, ...)                                          \
	struct TYPE NAME = ({                                                  \
		memset(&NAME, 0, sizeof(struct TYPE));                         \
		(struct TYPE){ .sz = sizeof(struct TYPE), __VA_ARGS__ };       \
	})

enum xdpchain_mode {
	XDPCHAIN_MODE_UNSPEC = 0, /* attach: native; query: any */
	XDPCHAIN_MODE_NATIVE = 1, /* driver mode ("native", "drv") */
	XDPCHAIN_MODE_SKB = 2,    /* generic mode ("skb", "generic") */
	XDPCHAIN_MODE_HW = 3,     /* offload: always refused */
};

enum xdpchain_backend {
	XDPCHAIN_BACKEND_AUTO = 0,     /* freplace where the kernel allows it */
	XDPCHAIN_BACKEND_FREPLACE = 1, /* BPF_PROG_TYPE_EXT programs */
	XDPCHAIN_BACKEND_TAILCALL = 2, /* XDP programs in a program array */
	/* Output only (xdpchain_chain__backend()): both kinds in one chain.
	 * As an input (attach, transaction options) it is refused with
	 * -EINVAL: a program joins through one kind or the other. */
	XDPCHAIN_BACKEND_MIXED = 3,
};

/* Verdict sets are bit masks: bit v stands for XDP action v. */
#define XDPCHAIN_VERDICT_BIT(v) (1u << (v))
#define XDPCHAIN_VERDICTS_ALL 0x1fu /* aborted, drop, pass, tx, redirect */
#define XDPCHAIN_DEFAULT_CONTINUE XDPCHAIN_VERDICT_BIT(2) /* pass */

enum xdpchain_print_level {
	XDPCHAIN_WARN,
	XDPCHAIN_INFO,
	XDPCHAIN_DEBUG,
};
typedef int (*xdpchain_print_fn_t)(enum xdpchain_print_level level,
				   const char *fmt, va_list args);
/* Set the log callback (NULL silences the library); returns the old one.
 * The default prints warnings to stderr. Atomic; the callback must be
 * thread-safe if threads use the library concurrently. */
XDPCHAIN_API xdpchain_print_fn_t xdpchain_set_print(xdpchain_print_fn_t fn);

/* ---- pure helpers ---- */

/* Format a mask as "drop,pass" (lowercase, ascending); "none" for 0.
 * Returns the length it needed, like snprintf. */
XDPCHAIN_API int xdpchain_verdicts_format(__u32 mask, char *buf, size_t len);
/* "unspec", "native", "skb", "hw"; "unknown" for other values. */
XDPCHAIN_API const char *xdpchain_mode_str(enum xdpchain_mode mode);
/* iproute2's mode words: "native" or "drv", "skb" or "generic", "hw" or
 * "offload"; -EINVAL for anything else. */
XDPCHAIN_API int xdpchain_mode_parse(const char *str, enum xdpchain_mode *mode);
/* "auto", "freplace", "tailcall", "mixed"; "unknown" for other values. */
XDPCHAIN_API const char *xdpchain_backend_str(enum xdpchain_backend backend);
/* "auto", "freplace", "tailcall" (or "tail-call"); -EINVAL for anything
 * else ("mixed" is no input). */
XDPCHAIN_API int xdpchain_backend_parse(const char *str,
					enum xdpchain_backend *backend);

/* ---- programs ---- */

struct xdpchain_prog;
struct bpf_object; /* libbpf's */

struct xdpchain_open_opts {
	size_t sz;
	/* Program (function) name in the object; NULL: the first XDP
	 * program in the file. */
	const char *prog_name;
	/* Name used in logs for an object opened from memory. */
	const char *obj_name;
	/* The directory where maps declared with LIBBPF_PIN_BY_NAME are
	 * pinned (as DIR/NAME) and reused, if a compatible map is pinned
	 * there already, when the program is loaded: libbpf's
	 * bpf_object_open_opts.pin_root_path. NULL: the map directory of
	 * the state root the program is attached under, <root>/maps
	 * (attach's bpffs_root; not libbpf's default, /sys/fs/bpf, outside
	 * any state root). It must be on a BPF filesystem ('ip netns exec'
	 * remounts /sys, so /sys/fs/bpf is none inside it). The pins outlive
	 * the program: the next load of an object declaring the same map
	 * in the same directory shares it (libbpf's semantics), and a
	 * detach leaves them (xdpchain_pinned_maps() finds those of the
	 * map directory). xdpchain_prog__from_bpf_obj() refuses it
	 * (-EINVAL): its caller sets pin_root_path when opening the object,
	 * and the object's paths are left as the caller opened it. */
	const char *pin_root_path;
	size_t :0;
};
#define xdpchain_open_opts__last_field pin_root_path

/* Open an ELF object; the program is loaded at attach time. Its run
 * config (.xdp_run_config, libxdp's convention) gives priority and
 * continue-on set unless they are set explicitly. */
XDPCHAIN_API struct xdpchain_prog *
xdpchain_prog__open_file(const char *path, const struct xdpchain_open_opts *opts);
XDPCHAIN_API struct xdpchain_prog *
xdpchain_prog__open_mem(const void *buf, size_t size,
			const struct xdpchain_open_opts *opts);
/* A handle for a libbpf object the application opened and configures
 * itself, typically a skeleton's skel->obj after NAME__open(): opened, not
 * loaded (-EBUSY if it is). prog_name (or opts->prog_name; they must not
 * differ) chooses the program, NULL the first XDP program. The library
 * sets what the backend needs (program type, attach target, the other
 * programs' autoload) and loads the object when the program joins a
 * chain; from then on the object's maps, and a skeleton's mmap-ed .bss,
 * .data and .rodata, are the live ones the program uses. The object stays
 * the caller's: close it (NAME__destroy()) after xdpchain_prog__close();
 * a program that joined a chain stays in it. */
XDPCHAIN_API struct xdpchain_prog *
xdpchain_prog__from_bpf_obj(struct bpf_object *obj, const char *prog_name,
			    const struct xdpchain_open_opts *opts);
/* The libbpf object behind a handle opened from a file, memory or a
 * bpf_object (the handle's own, or the caller's); NULL for
 * xdpchain_prog__from_fd(). Its maps are usable once the program joined a
 * chain (bpf_map__fd(), bpf_object__find_map_by_name()). */
XDPCHAIN_API struct bpf_object *xdpchain_prog__bpf_obj(const struct xdpchain_prog *prog);
/* Wrap an already loaded XDP program (the fd is duplicated). It joins
 * the chain through a tail-call slot. */
XDPCHAIN_API struct xdpchain_prog *xdpchain_prog__from_fd(int prog_fd);
/* Close the handle (NULL: nothing). A program that joined a chain stays
 * in it: the chain holds it, not the handle. */
XDPCHAIN_API void xdpchain_prog__close(struct xdpchain_prog *prog);

/* Run order: lower runs first (default XDPCHAIN_DEFAULT_PRIORITY, or the
 * object's run config); read when the program joins. */
XDPCHAIN_API int xdpchain_prog__set_priority(struct xdpchain_prog *prog,
					     int priority);
XDPCHAIN_API int xdpchain_prog__priority(const struct xdpchain_prog *prog);
/* Continue-on set: a mask of XDPCHAIN_VERDICT_BIT()s within
 * XDPCHAIN_VERDICTS_ALL. */
XDPCHAIN_API int xdpchain_prog__set_continue_on(struct xdpchain_prog *prog,
						__u32 verdicts);
XDPCHAIN_API __u32 xdpchain_prog__continue_on(const struct xdpchain_prog *prog);
/* Owner label, at most 31 bytes of printable ASCII. */
XDPCHAIN_API int xdpchain_prog__set_owner(struct xdpchain_prog *prog,
					  const char *owner);
/* Join as an observer (docs/protocol.md, "Observers"): the program runs
 * after the chain has decided, with every other observer, whatever its
 * priority among the programs; it reads the decision with
 * xdpchain_observed() (<xdpchain/prog.h>) and its own verdict is ignored.
 * It must not change the packet nor call bpf_redirect*() (the decision
 * is the chain's). At most XDPCHAIN_MAX_OBSERVERS per chain; a chain with
 * observers runs the instrumented dispatcher, one without them costs
 * nothing. Read when the program joins. */
XDPCHAIN_API int xdpchain_prog__set_observer(struct xdpchain_prog *prog, bool observer);
XDPCHAIN_API bool xdpchain_prog__observer(const struct xdpchain_prog *prog);
/* The program's (function's) name, as the chain will show it. */
XDPCHAIN_API const char *xdpchain_prog__name(const struct xdpchain_prog *prog);
/* Kernel id once loaded (when it joined a chain, or by an attempt that
 * failed after the load; a retry with the same handle uses that program),
 * else 0. */
XDPCHAIN_API __u32 xdpchain_prog__id(const struct xdpchain_prog *prog);
/* Whether the program declared multi-buffer support (SEC("xdp.frags")). */
XDPCHAIN_API bool xdpchain_prog__frags(const struct xdpchain_prog *prog);
/* The kernel's tag of the program (8 bytes, the hash of its instructions,
 * which ties the run order and which xdpchain_entry__tag() reports), also
 * before it is attached: a throwaway copy of the object is loaded to learn
 * it (needs the privileges of a load). -EOPNOTSUPP for a handle without
 * the object's bytes. Lets a caller tell whether a chain already runs
 * this program (xdpchain apply does). */
XDPCHAIN_API int xdpchain_prog__tag(struct xdpchain_prog *prog, __u8 tag[8]);

/* ---- attach and detach ---- */

struct xdpchain_attach_opts {
	size_t sz;
	enum xdpchain_mode mode;       /* UNSPEC: native, or the chain's */
	enum xdpchain_backend backend; /* AUTO: freplace if possible */
	/* If non-zero, fail with -ESTALE unless the chain's revision is
	 * this one (0 never matches an existing chain when
	 * expect_revision_set is true: "there must be no chain"). */
	__u64 expected_revision;
	bool expect_revision_set;
	/* Replace a program that xdpchain did not attach. */
	bool replace_foreign;
	/* bpffs state root; NULL: $XDPCHAIN_BPFFS_ROOT or XDPCHAIN_DEFAULT_ROOT.
	 * The library never mounts a bpffs there: the caller does (or the
	 * administrator), and says so. */
	const char *bpffs_root;
	/* Switch the interface's verdict counters on (they stay on, for
	 * every program, until xdpchain_set_stats(false)); false keeps the
	 * chain's setting. */
	bool stats;
	/* Owner-bound attachment: if non-zero, the program stays in the
	 * chain only while process owner_pid lives (getpid(): the caller).
	 * Once it has exited, the next change of the chain on the interface
	 * (by any process) removes the program and collects its state.
	 * -ESRCH if the process does not run. See docs/protocol.md. */
	pid_t owner_pid;
	/* Relative placement: run right before the program with this kernel
	 * id (before_id), or right after it (after_id), whatever the
	 * priorities; at most one of the two. The placement is recorded with
	 * the chain and holds while other programs come and go; the program
	 * sorts where its anchor sorts (docs/protocol.md, "Run order").
	 * -ENOENT: no such program in the chain. */
	__u32 before_id;
	__u32 after_id;
	/* Or the anchor by name: the one program of that name in the chain
	 * (-ENOENT none, -EEXIST several, both named in the log), resolved
	 * under the interface's lock. At most one anchor in all. */
	const char *before_name;
	const char *after_name;
	size_t :0;
};
#define xdpchain_attach_opts__last_field after_name

/* Add prog to the chain on ifindex (creating it). After a failure the
 * same handle may try again (another mode, say); once it joined a chain,
 * -EALREADY. Errors: -EEXIST a
 * foreign program or dispatcher runs there (named in the log); -E2BIG
 * the chain is full; -EOPNOTSUPP mode or backend impossible, or the state
 * root is not on a BPF filesystem (the log says which); -ESTALE
 * revision mismatch; -EBUSY the dispatcher was swapped by a writer that
 * bypassed the interface lock (xdpchain writers wait for each other, so
 * concurrent attaches and detaches never fail because of each other).
 * -EINPROGRESS is no failure: prog joined the chain (a second program
 * appended to a chain of one freplace program) but does not run yet,
 * because another process holds open the link that runs the first program
 * in place of the dispatcher; it runs once that process closes it, and
 * until then xdpchain_entry__pending() says so. */
XDPCHAIN_API int xdpchain_attach(struct xdpchain_prog *prog, int ifindex,
				 const struct xdpchain_attach_opts *opts);

struct xdpchain_detach_opts {
	size_t sz;
	__u64 expected_revision;
	bool expect_revision_set;
	const char *bpffs_root;
	/* Detach a program that others are placed relative to (their
	 * anchor): they stay, ordered by their own priorities from then on.
	 * Without it, such a detach fails with -ENOTEMPTY and the log names
	 * them. */
	bool force;
	size_t :0;
};
#define xdpchain_detach_opts__last_field force

/* Remove one program (by kernel id, or by name: -ENOENT if none,
 * -EEXIST if the name is ambiguous). Removing the last program removes the
 * dispatcher and the interface's state. */
XDPCHAIN_API int xdpchain_detach_id(int ifindex, __u32 prog_id,
				    const struct xdpchain_detach_opts *opts);
XDPCHAIN_API int xdpchain_detach_name(int ifindex, const char *name,
				      const struct xdpchain_detach_opts *opts);
/* Remove the dispatcher, every program and all state of ifindex. */
XDPCHAIN_API int xdpchain_detach_all(int ifindex,
				     const struct xdpchain_detach_opts *opts);

/* ---- adoption: taking over the program that runs ---- */

/* The priority an adopted program gets unless told otherwise: below the
 * default, so that it keeps running first when programs join. */
#define XDPCHAIN_ADOPT_PRIORITY 0

struct xdpchain_adopt_opts {
	size_t sz;
	/* Its run priority: XDPCHAIN_ADOPT_PRIORITY unless priority_set. */
	int priority;
	bool priority_set;
	/* Its continue-on set; 0: XDPCHAIN_DEFAULT_CONTINUE (pass goes on
	 * to the next program, any other verdict is the packet's). */
	__u32 continue_on;
	const char *bpffs_root;
	/* The bpffs where libxdp pins its dispatchers' programs (in xdp/);
	 * NULL: $LIBXDP_BPFFS as libxdp reads it, else /sys/fs/bpf. */
	const char *libxdp_bpffs;
	size_t :0;
};
#define xdpchain_adopt_opts__last_field libxdp_bpffs

/* Take over the XDP program that runs on ifindex, attached through
 * netlink by any loader (ip link, a libbpf application): it becomes the
 * first program of a new chain, through a tail-call slot, without a
 * reload (the same program id, its maps untouched), and the chain's
 * dispatcher replaces it on the interface in one atomic netlink replace
 * naming it (the interface is never without a program). libxdp's
 * dispatcher (layout versions 1 to 3 of its config, read by the names
 * in the config map's BTF) is not adopted itself: each of its
 * programs joins a freplace slot without a reload, in the same order,
 * with its run priority and chain-call actions as priority and
 * continue-on set (priority and continue_on must not be given), and
 * libxdp's pins of it are removed under libxdp's lock. The chain stays
 * netlink-attached; every other call works on it as on any chain
 * (docs/protocol.md, "Adoption"). Nothing changes on an error, whose
 * reason the log says: -ENOENT no program runs; -EEXIST an xdpchain
 * chain (or dispatcher) runs; -EOPNOTSUPP hardware mode, a program bound
 * to a device, a libxdp dispatcher whose config cannot be read whole (a
 * layout after 3, a config member not known), or a kernel before
 * 5.10 (which cannot link libxdp's programs anew); -EBUSY a bpf_link holds the program
 * (its holder named where /proc shows it), or it was replaced meanwhile;
 * -ESTALE another program runs than the one seen before the lock. Two
 * adoptions at once: one wins, the other fails with -EEXIST. */
XDPCHAIN_API int xdpchain_adopt(int ifindex, const struct xdpchain_adopt_opts *opts);

/* ---- verdict counters ---- */

struct xdpchain_stats_opts {
	size_t sz;
	__u64 expected_revision;
	bool expect_revision_set;
	const char *bpffs_root;
	size_t :0;
};
#define xdpchain_stats_opts__last_field bpffs_root

/* Switch the per-program verdict counters of ifindex's chain on or off (a
 * new revision; nothing happens if they already are, unless a program's
 * owner exited: like every change, it drops such programs). Off costs nothing
 * per packet: the dispatcher without counters is loaded. On: every
 * program's counts start from zero when it joins and survive other
 * programs' changes; switching off discards them. -ENOENT: no chain. */
XDPCHAIN_API int xdpchain_set_stats(int ifindex, bool enable,
				    const struct xdpchain_stats_opts *opts);

/* A program's verdict counts since it joined (or since counting started),
 * summed over CPUs: see xdpchain_entry__stats(). An observer's are of the
 * packets it saw, by its own verdict (which the dispatcher ignores). */
struct xdpchain_prog_stats {
	size_t sz;
	__u64 packets;  /* every verdict below */
	__u64 aborted;
	__u64 drop;
	__u64 pass;
	__u64 tx;
	__u64 redirect;
	__u64 other;    /* a verdict that is no XDP action */
	__u64 bytes;    /* packet bytes (linear part) when the chain began */
	/* Run time, measured by the dispatcher on one packet in 64 per CPU
	 * (docs/protocol.md, "Counters"): time_ns is the estimated total over
	 * all its packets (the timed packets' sum scaled by packets / timed),
	 * so time_ns / packets is its average per packet; timed is how many
	 * packets were timed (0: no estimate yet, time_ns is 0). The time
	 * includes the call into its slot and one clock read, about as much
	 * as an empty program takes. */
	__u64 time_ns;
	__u64 timed;
	size_t :0;
};
#define xdpchain_prog_stats__last_field timed

/* ---- transactions: several changes, one new revision ---- */

/*
 * Queue attaches, detaches and updates (priority, continue-on set of a
 * program already in the chain, which stays loaded as it is), then commit
 * them under the interface lock as ONE new dispatcher revision: the chain
 * goes from the old state to the new one in a single atomic swap, or does
 * not change at all. Changes apply in the order queued. A commit with no
 * effective change (an empty transaction, an update to the same values)
 * makes no new revision, but still collects programs whose owner process
 * exited (see owner_pid). Removing every program removes the chain.
 */
struct xdpchain_txn;

struct xdpchain_txn_opts {
	size_t sz;
	enum xdpchain_mode mode;       /* UNSPEC: native, or the chain's */
	enum xdpchain_backend backend; /* for the programs attached */
	/* Fail the commit with -ESTALE unless the chain's revision is this
	 * one (0: there must be no chain). */
	__u64 expected_revision;
	bool expect_revision_set;
	bool replace_foreign;
	const char *bpffs_root;
	/* As xdpchain_attach_opts.stats: the commit switches the verdict
	 * counters on (false keeps the chain's setting). */
	bool stats;
	/* As xdpchain_detach_opts.force, for the detaches of the commit. */
	bool force;
	size_t :0;
};
#define xdpchain_txn_opts__last_field force

struct xdpchain_txn_attach_opts {
	size_t sz;
	pid_t owner_pid; /* as xdpchain_attach_opts.owner_pid */
	/* As xdpchain_attach_opts: an anchor in the chain before the
	 * commit, by id, or (before_prog, after_prog) a program that the same
	 * commit attaches. At most one of the four. */
	__u32 before_id;
	__u32 after_id;
	struct xdpchain_prog *before_prog;
	struct xdpchain_prog *after_prog;
	size_t :0;
};
#define xdpchain_txn_attach_opts__last_field after_prog

/* The relative placement a transaction gives a program of the chain, as
 * in xdpchain_txn_attach_opts; all zero: none (it sorts by its own keys). */
struct xdpchain_txn_place_opts {
	size_t sz;
	__u32 before_id;
	__u32 after_id;
	struct xdpchain_prog *before_prog;
	struct xdpchain_prog *after_prog;
	size_t :0;
};
#define xdpchain_txn_place_opts__last_field after_prog

/* An empty transaction on ifindex; nothing is locked or read before the
 * commit. -EOPNOTSUPP for hardware offload mode. */
XDPCHAIN_API struct xdpchain_txn *
xdpchain_txn__new(int ifindex, const struct xdpchain_txn_opts *opts);
/* prog is borrowed: keep it open until the commit returns. Its priority,
 * continue-on set and owner are read at commit. */
XDPCHAIN_API int xdpchain_txn__attach(struct xdpchain_txn *txn,
				      struct xdpchain_prog *prog,
				      const struct xdpchain_txn_attach_opts *opts);
/* The program a detach or an update changes, by name instead of by id
 * (prog_id 0): the one program of that name in the chain at commit
 * (-ENOENT none, -EEXIST several, both named in the log). The name is
 * borrowed until the commit returns. */
struct xdpchain_txn_detach_opts {
	size_t sz;
	const char *name;
	size_t :0;
};
#define xdpchain_txn_detach_opts__last_field name

struct xdpchain_txn_update_opts {
	size_t sz;
	const char *name;
	size_t :0;
};
#define xdpchain_txn_update_opts__last_field name

/* Queue the removal of program prog_id (a kernel id, as
 * xdpchain_entry__id() reports), or (0) of the one named in opts (may be
 * NULL). */
XDPCHAIN_API int xdpchain_txn__detach(struct xdpchain_txn *txn, __u32 prog_id,
				      const struct xdpchain_txn_detach_opts *opts);
/* Queue a new priority and continue-on set for program prog_id, or (0)
 * the one named in opts (may be NULL). */
XDPCHAIN_API int xdpchain_txn__update(struct xdpchain_txn *txn, __u32 prog_id,
				      int priority, __u32 continue_on,
				      const struct xdpchain_txn_update_opts *opts);
/* Apply everything (errors as xdpchain_attach(); -ENOENT: a program to
 * detach or update is not in the chain). A transaction commits once, even
 * if that failed (-EALREADY after). */
/* Queue a new relative placement (or none) for program prog_id of the
 * chain. A loop of placements fails the commit (-EINVAL, named in the
 * log). */
XDPCHAIN_API int xdpchain_txn__place(struct xdpchain_txn *txn, __u32 prog_id,
				     const struct xdpchain_txn_place_opts *opts);
XDPCHAIN_API int xdpchain_txn__commit(struct xdpchain_txn *txn);
/* After a commit: the revision running (0: no chain). */
XDPCHAIN_API __u64 xdpchain_txn__revision(const struct xdpchain_txn *txn);
/* Free the transaction (committed or not; NULL: nothing). */
XDPCHAIN_API void xdpchain_txn__free(struct xdpchain_txn *txn);
/* ---- garbage collection ---- */

struct xdpchain_gc_opts {
	size_t sz;
	const char *bpffs_root;
	/* Only interfaces that are gone, or whose dispatcher link no longer
	 * runs on them, and never wait for a lock: cheap enough to run
	 * before every status. */
	bool vanished_only;
	/* Called for every pin or directory removed: its path and why
	 * ("orphan", "chain not running", "interface gone", "namespace
	 * gone"). */
	void (*removed)(const char *path, const char *why, void *ctx);
	void *ctx;
	size_t :0;
};
#define xdpchain_gc_opts__last_field ctx

/* Collect the state that no running chain uses: what a crashed process
 * left behind (every transaction also does this for its own interface)
 * and the state of interfaces that disappeared. ifindex > 0: that
 * interface of the caller's network namespace; 0: every interface of the
 * caller's namespace, and the directories of other namespaces that no
 * longer exist (docs/protocol.md, "Garbage collection"). A running chain
 * is never touched. Returns the number of entries removed, or -errno
 * (-ENOTSUP: the state root is not on a BPF filesystem, so no state can be
 * seen from here). */
XDPCHAIN_API int xdpchain_gc(int ifindex, const struct xdpchain_gc_opts *opts);

/* ---- status ---- */

struct xdpchain_chain;
struct xdpchain_entry;

struct xdpchain_query_opts {
	size_t sz;
	const char *bpffs_root;
	size_t :0;
};
#define xdpchain_query_opts__last_field bpffs_root

/* Snapshot of the chain on ifindex; NULL with errno ENOENT if there is
 * none, EPROTONOSUPPORT if it is of another protocol version
 * (xdpchain_chain_protocol()). Never takes the lock: the snapshot is read
 * from the running dispatcher and is always self-consistent. */
XDPCHAIN_API struct xdpchain_chain *
xdpchain_chain__get(int ifindex, const struct xdpchain_query_opts *opts);

/* The on-bpffs protocol version (docs/protocol.md) that this library
 * reads and writes, the only one. */
#define XDPCHAIN_PROTOCOL_VERSION 9
/* The protocol version of the chain on ifindex: XDPCHAIN_PROTOCOL_VERSION,
 * or another, written by another version of xdpchain, which every change
 * refuses with EPROTONOSUPPORT and xdpchain_detach_all() removes (as
 * xdpchain_gc() does once its interface is gone); -ENOENT if there is no
 * chain. */
XDPCHAIN_API int xdpchain_chain_protocol(int ifindex, const struct xdpchain_query_opts *opts);

/* Told of one map pin by xdpchain_pinned_maps(): the program that uses
 * the map, the pin's name (the map's) and its path. */
typedef void (*xdpchain_map_pin_fn)(__u32 prog_id, const char *name, const char *path,
				    void *ctx);
/* The maps that program prog_id of the chain on ifindex (0: every
 * program of the chain) uses and that are pinned in the state root's map
 * directory, <root>/maps, where the maps an object declares
 * LIBBPF_PIN_BY_NAME are pinned when it was opened without
 * pin_root_path (xdpchain_open_opts). Those pins are shared by every
 * object declaring the map, so detaching a program leaves them: ask
 * before a detach to say where they stay. fn (may be NULL) is called for
 * each; returns how many, or -errno (-ENOENT: no chain, or no such
 * program in it). Pins made elsewhere (another pin_root_path, a
 * skeleton's own) are not found. */
XDPCHAIN_API int xdpchain_pinned_maps(int ifindex, __u32 prog_id, xdpchain_map_pin_fn fn,
				      void *ctx, const struct xdpchain_query_opts *opts);
/* Free the snapshot (NULL: nothing); its entries go with it. */
XDPCHAIN_API void xdpchain_chain__free(struct xdpchain_chain *chain);
XDPCHAIN_API int xdpchain_chain__ifindex(const struct xdpchain_chain *chain);
/* The mode the dispatcher is attached in (native or skb). */
XDPCHAIN_API enum xdpchain_mode
xdpchain_chain__mode(const struct xdpchain_chain *chain);
/* FREPLACE, TAILCALL, or MIXED when both kinds of slot run. */
XDPCHAIN_API enum xdpchain_backend
xdpchain_chain__backend(const struct xdpchain_chain *chain);
/* The kernel id of the running dispatcher program (what the interface's
 * XDP query, ip link and bpftool show). */
XDPCHAIN_API __u32 xdpchain_chain__dispatcher_id(const struct xdpchain_chain *chain);
/* Grows by one with every change of the chain: the value to pass as an
 * expected revision (compare-and-swap between managers). */
XDPCHAIN_API __u64 xdpchain_chain__revision(const struct xdpchain_chain *chain);

/* Whether the dispatcher runs multi-buffer packets (every program
 * declared SEC("xdp.frags")). */
XDPCHAIN_API bool xdpchain_chain__frags(const struct xdpchain_chain *chain);
/* How many programs the chain runs (vacant slots not counted). */
XDPCHAIN_API unsigned int xdpchain_chain__nr_progs(const struct xdpchain_chain *chain);
/* Entries in run order; NULL + ERANGE past the end. */
XDPCHAIN_API const struct xdpchain_entry *
xdpchain_chain__entry(const struct xdpchain_chain *chain, unsigned int idx);

/* Packets the chain aborted (XDP_ABORTED, the kernel's xdp:xdp_exception
 * trace event) because a tail-call program was out of the kernel's budget
 * of tail calls per packet (33, shared by the chain's tail calls and the
 * programs' own), since the chain was created: such a program did not
 * judge the packet, so none after it may pass it. Counted whether or not
 * the chain counts verdicts. 0, or -errno: -ENODATA for a chain written by
 * an older version, which skipped such programs instead. */
XDPCHAIN_API int xdpchain_chain__exhausted(const struct xdpchain_chain *chain,
					   __u64 *packets);

/* The program's kernel id (for detach and updates). */
XDPCHAIN_API __u32 xdpchain_entry__id(const struct xdpchain_entry *e);
/* Its name (the function's), its priority and continue-on set, its owner
 * label ("" if none), and when it joined (CLOCK_REALTIME, ns). */
XDPCHAIN_API const char *xdpchain_entry__name(const struct xdpchain_entry *e);
XDPCHAIN_API int xdpchain_entry__priority(const struct xdpchain_entry *e);
XDPCHAIN_API __u32 xdpchain_entry__continue_on(const struct xdpchain_entry *e);
XDPCHAIN_API const char *xdpchain_entry__owner(const struct xdpchain_entry *e);
XDPCHAIN_API __u64 xdpchain_entry__attach_time(const struct xdpchain_entry *e);
/* How it joined: FREPLACE or TAILCALL. */
XDPCHAIN_API enum xdpchain_backend
xdpchain_entry__backend(const struct xdpchain_entry *e);
/* Whether it runs frags-aware. */
XDPCHAIN_API bool xdpchain_entry__frags(const struct xdpchain_entry *e);
/* Whether it is an observer (xdpchain_prog__set_observer()): observers
 * are the last entries. */
XDPCHAIN_API bool xdpchain_entry__observer(const struct xdpchain_entry *e);
/* In the chain but not running yet: it was appended to a chain of one
 * whose first program the kernel still runs in place of the dispatcher,
 * because another process holds that link open (xdpchain_attach() returned
 * -EINPROGRESS). It runs once that process closes it. */
XDPCHAIN_API bool xdpchain_entry__pending(const struct xdpchain_entry *e);
/* Whether the chain counts verdicts (xdpchain_set_stats()). */
XDPCHAIN_API bool xdpchain_chain__stats(const struct xdpchain_chain *chain);
/* The entry's counters as read with the snapshot; set stats->sz first.
 * -ENODATA if the chain does not count. */
XDPCHAIN_API int xdpchain_entry__stats(const struct xdpchain_entry *e,
				       struct xdpchain_prog_stats *stats);

/* Owner-bound attachments: the owner process's pid (0 if not bound) and
 * whether it still runs: 1 yes (or not bound), 0 it exited (the next
 * change removes the program), negative errno if this process cannot tell
 * (-EXDEV: the owner is in another pid namespace). */
XDPCHAIN_API __u32 xdpchain_entry__owner_pid(const struct xdpchain_entry *e);
/* Relative placement of the program (xdpchain_attach_opts.before_id,
 * after_id): the kernel id of its anchor, 0 if it has none; *after (may be
 * NULL) tells after from before. */
XDPCHAIN_API __u32 xdpchain_entry__anchor(const struct xdpchain_entry *e, bool *after);
/* The kernel program tag (8 bytes: the hash of its instructions). */
XDPCHAIN_API const __u8 *xdpchain_entry__tag(const struct xdpchain_entry *e);
XDPCHAIN_API int xdpchain_entry__owner_alive(const struct xdpchain_entry *e);

/* ---- tracing packets through a live chain ---- */

struct xdpchain_trace;

struct xdpchain_trace_opts {
	size_t sz;
	const char *bpffs_root;
	size_t :0;
};
#define xdpchain_trace_opts__last_field bpffs_root

/* The verdict recorded for a position whose slot was empty (its program
 * left while the trace ran); the chain skipped it. Part of the trace API
 * because a result must tell such a position from every XDP action. It is
 * the dispatcher's empty-slot value (docs/protocol.md, "Verdicts"): the one
 * 32-bit value reserved; a program returning it is skipped as an empty
 * slot, any other unknown verdict is final. */
#define XDPCHAIN_TRACE_EMPTY 0x58444345

/* Set sz, and verdicts and max_verdicts if the verdict of every position
 * is wanted; xdpchain_trace__run() fills in the rest. */
struct xdpchain_trace_result {
	size_t sz;
	int verdict;           /* what the chain returned */
	unsigned int nr_run;   /* positions that ran: 0 .. nr_run-1 */
	__u32 size_out;        /* packet size after the chain */
	/* The caller's array of max_verdicts (NULL and 0: none wanted): by
	 * position, the first min(nr_run, max_verdicts) filled in.
	 * xdpchain_chain__nr_progs() of xdpchain_trace__chain() is enough. */
	int *verdicts;
	unsigned int max_verdicts;
	size_t :0;
};
#define xdpchain_trace_result__last_field max_verdicts

/* Prepare to run packets through the programs of ifindex's running chain,
 * in a copy of its dispatcher that records every program's verdict and is
 * never attached: live traffic and counters are not touched (the programs
 * themselves do run, with their own maps). The snapshot of the chain it
 * runs is xdpchain_trace__chain(). Nothing is pinned; close releases it
 * all. -ENOENT: no chain; -ESTALE: the chain changed meanwhile. */
XDPCHAIN_API struct xdpchain_trace *
xdpchain_trace__open(int ifindex, const struct xdpchain_trace_opts *opts);
/* The chain the trace runs (position i of a result is its entry i); owned
 * by the trace. */
XDPCHAIN_API const struct xdpchain_chain *
xdpchain_trace__chain(const struct xdpchain_trace *trace);
/* Run one packet (BPF_PROG_TEST_RUN; at least 14 bytes, and a page at
 * most unless the chain is frags-aware) into *res (set as its comment
 * says). */
XDPCHAIN_API int xdpchain_trace__run(struct xdpchain_trace *trace, const void *pkt,
				     size_t len, struct xdpchain_trace_result *res);
/* Release everything the trace made (NULL: nothing). */
XDPCHAIN_API void xdpchain_trace__close(struct xdpchain_trace *trace);

/* What runs on ifindex when it is not an xdpchain chain: the id and
 * name of the attached XDP program (0 if none). */
XDPCHAIN_API int xdpchain_foreign_prog(int ifindex, __u32 *prog_id,
				       char *name, size_t name_len);

/* Which backend "auto" resolves to on this kernel (probed once). */
XDPCHAIN_API enum xdpchain_backend xdpchain_probe_backend(void);

/* Library version, "MAJOR.MINOR.PATCH". */
XDPCHAIN_API const char *xdpchain_version(void);

#ifdef __cplusplus
}
#endif
#endif
