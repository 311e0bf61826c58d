/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * Layer 2, the store (docs/architecture.md): the state directory of an
 * interface on bpffs, its lock, its pins, the collection of pins the
 * running chain does not use, the interface's stats map, and the state
 * of an interface that moved in from another namespace, and where maps
 * pinned by name go. store.c, orphans.c, stats.c, moved.c, mapdir.c.
 */
#ifndef XDPCHAIN_STORE_H
#define XDPCHAIN_STORE_H

#include "model/model.h"

/*
 * One interface's state, on the heap (xc_state_new(): it holds two
 * copies of the chain's metadata, too much for a thread's stack), in two
 * parts with one owner each (tests/unit/check_layers.py checks that no
 * other layer assigns to them): the store (layer 2) writes st->store, the
 * directory and its lock; the chain reader (layer 3) writes st->chain,
 * what runs, from the kernel and the pins, and is told of each commit
 * point of a mutation (xc_state_linked(), xc_state_swapped(),
 * xc_state_appended(), xc_state_removed()). Every other layer reads them.
 */
struct xc_store {
	int ifindex;
	__u64 netns_ino;
	char root[256];
	char dir[320];
	int dir_fd;          /* locked directory, -1 if none */
};

struct xc_chain {
	bool have;           /* a valid chain runs */
	/* The pinned dispatcher link runs something on the interface that
	 * is not a valid chain of ours (another protocol version, forged
	 * metadata): its program id. Nothing in the directory is touched
	 * then, but by xc_remove_all() for another version. */
	__u32 alien_id;
	char alien_why[160];
	/* With alien_id: the program is an xdpchain dispatcher of this
	 * protocol version, not XDPCHAIN_META_VERSION (docs/protocol.md,
	 * section 3). Every change refuses it (xc_refuse_version()); detach
	 * --all removes its link and every entry of its directory. */
	__u32 other_version;
	/* The pinned dispatcher link is attached to an interface of another
	 * namespace (the interface moved away, moved.c): its link id, with
	 * alien_id set (nothing is touched). A writer that creates a chain
	 * here parks the directory (xc_store_park()). */
	__u32 away_link;
	/* The running dispatcher was built for another ifindex or network
	 * namespace: the interface moved here (moved.c). The next change
	 * rebuilds it, so that its metadata names where it runs. */
	bool moved;
	int link_fd;         /* pinned dispatcher link */
	int disp_fd;         /* running dispatcher program */
	__u32 disp_id;
	/* The running dispatcher's own metadata with the programs appended
	 * to it (the first disp_nr are its own), and the chain that runs:
	 * base without its vacant slots, revision base.revision plus
	 * appended and vacant ones. pos[i]: base slot of meta.slots[i].
	 * A relocated chain (docs/protocol.md, section 6c) runs spare
	 * positions only: base is then those from the live start on
	 * (disp_nr 0), its slots and slot_btf_id shifted down by off, the
	 * live start. Base slot i runs at dispatcher position off + i
	 * (off 0 but for a relocated chain); own is the metadata's
	 * nr_progs, the dispatcher's own positions. */
	unsigned int disp_nr;
	unsigned int off;
	unsigned int own;
	struct xdpchain_meta base;
	struct xdpchain_meta meta;
	__u8 pos[XDPCHAIN_MAX_SLOTS];
};

struct xc_state {
	struct xc_store store; /* layer 2 writes */
	struct xc_chain chain; /* layer 3 writes */
};

/* ---- store.c ---- */
/* An unlocked reader's st->store names dir (a directory found by
 * xc_store_find_moved()) from now on. */
XDPCHAIN_HIDDEN void xc_store_read_at(struct xc_state *st, const char *dir);
/* st->store names nothing (a reset: no descriptor is closed). */
XDPCHAIN_HIDDEN void xc_store_init(struct xc_state *st);
/* Drop the directory's lock (the chain's descriptors stay: layer 3's
 * xc_state_unlock() closes both). */
XDPCHAIN_HIDDEN void xc_store_unlock(struct xc_state *st);
XDPCHAIN_HIDDEN int xc_resolve_root(const char *opt_root, char *buf, size_t len);
XDPCHAIN_HIDDEN int xc_netns_ino(__u64 *ino);
XDPCHAIN_HIDDEN int xc_state_dir(const char *root, __u64 netns_ino, int ifindex,
				 char *buf, size_t len);
/* st->store (unlocked, reset) names the directory of ifindex under the
 * root. */
XDPCHAIN_HIDDEN int xc_state_open(struct xc_state *st, int ifindex, const char *opt_root);
/* Take the directory's lock (st->store.dir_fd); create: make it if missing;
 * nonblock: fail with -EWOULDBLOCK rather than wait (gc). */
XDPCHAIN_HIDDEN int xc_store_lock(struct xc_state *st, bool create, bool nonblock);
/* For the collector: st->store names nsdir/name (of ifindex, 0 if none), a
 * state directory of another namespace or a parked one, locked without
 * waiting: 0, or -errno (-EWOULDBLOCK: held; -ENOENT: gone or removed). */
XDPCHAIN_HIDDEN int xc_store_lock_other(struct xc_state *st, const char *nsdir, const char *name,
				      int ifindex);
/* 0 if st's root is on a BPF filesystem (or would be, below one); else
 * -ENOTSUP, with a message that says why and what to do. */
XDPCHAIN_HIDDEN int xc_store_check(const struct xc_state *st);
/* The same for a state root (gc, before any state is opened). */
XDPCHAIN_HIDDEN int xc_store_root_check(const char *root);
/* ---- moved.c ---- */
/* A parked directory (section 10a): moved-<link id> under ns-<inode>
 * (an adopted chain's: moved-<dispatcher id>). */
#define XC_PARKED_PREFIX "moved-"
/* Whether an entry of an ns-<inode> directory is an interface's state
 * directory, if-<ifindex> or moved-<link id>; its number in *num. */
XDPCHAIN_HIDDEN bool xc_state_dir_name(const char *name, unsigned long long *num);
/* Another state directory under st's root whose dispatcher pin is the XDP
 * link that runs prog_id on st's interface (or, an adopted chain without a
 * link, which pins that dispatcher): the interface moved here from that
 * directory's namespace. Its path in buf; -ENOENT if there is none. */
XDPCHAIN_HIDDEN int xc_store_find_moved(const struct xc_state *st, __u32 prog_id, char *buf,
					size_t len);
/* The ids of the dispatchers pinned in dir (disp-<rev>), at most max:
 * how many. */
#define XC_DISP_PINS_MAX 8
XDPCHAIN_HIDDEN int xc_store_disp_ids(const char *dir, __u32 *ids, int max);
/* An adopted chain (no link: netlink-attached, protocol.md 7a) whose
 * interface does not run it here any more: 1 if one of dir's pinned
 * dispatchers runs on an interface of another network namespace than
 * skip_ino (its id, that namespace's inode and the interface's index
 * there), so the interface moved there with it; 0 if none runs in any
 * namespace this process sees; -errno if some could not be asked (the
 * dispatcher asked in *disp_id): then it may run there. */
XDPCHAIN_HIDDEN int xc_store_runs_away(const char *dir, __u64 skip_ino, __u32 *disp_id,
				       __u64 *ino, int *ifindex);
/* Take the lock of that directory (from), check it again, and rename it
 * to st->store.dir (which must be empty, or absent), whose lock it replaces:
 * the chain's state is this namespace's from then on. -ESTALE: it
 * changed meanwhile. */
XDPCHAIN_HIDDEN int xc_store_adopt(struct xc_state *st, const char *from, __u32 prog_id,
				   bool nonblock);
/* st->store.dir (locked) holds the chain of an interface that moved to
 * another namespace (its dispatcher link: away_link), and its index names
 * another interface here: rename the directory to moved-<link id> next to
 * it, where the other namespace still finds it, and drop its lock.
 * st->store.dir is free then (not recreated); the caller forgets the
 * chain it read there. */
XDPCHAIN_HIDDEN int xc_store_park(struct xc_state *st, __u32 away_link);

/* After the last program left (or a failed first attach): remove the
 * empty state directories. */
XDPCHAIN_HIDDEN void xc_state_dir_remove(struct xc_state *st);
XDPCHAIN_HIDDEN int xc_pin_at(struct xc_state *st, int fd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A freplace link from prog_fd to function btf_id of program target_fd,
 * pinned as name in the state directory (its last reference then the
 * pin's): 0 or -errno. A failed link is reported as "cannot attach
 * <what>" unless what is NULL; prog_name is the crash point's detail. */
XDPCHAIN_HIDDEN int xc_ext_link_pin(struct xc_state *st, int prog_fd, int target_fd,
				    __u32 btf_id, const char *what, const char *prog_name,
				    const char *name);
/* Put program prog_fd (described by m) in position pos of the running
 * dispatcher (a spare one, beyond the live end or about to run): its
 * freplace link, pinned (xc_link_pin_name()), or its program-array entry.
 * 0 or -errno, not reported. */
XDPCHAIN_HIDDEN int xc_pos_fill(struct xc_state *st, const struct xdpchain_slot_meta *m,
				int prog_fd, unsigned int pos);
/* 0, or -errno (-ENOENT: there was no such pin). */
XDPCHAIN_HIDDEN int xc_unpin_at(struct xc_state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
XDPCHAIN_HIDDEN int xc_get_at(struct xc_state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The file descriptor of program id (named name) of the running chain,
 * from its prog-<id> pin if that really is program id, else by id,
 * pinned again (a wrong pin is replaced, with a warning): fd or -errno
 * (the program is gone: reported). */
XDPCHAIN_HIDDEN int xc_chain_prog_open(struct xc_state *st, __u32 id, const char *name);
/* prog (just loaded) joins a chain: its crash point, its prog-<id> pin,
 * and its id and tag in m. */
XDPCHAIN_HIDDEN int xc_prog_joins(struct xc_state *st, struct xdpchain_prog *prog,
				  struct xdpchain_slot_meta *m);

/* ---- mapdir.c ---- */
/* <root>/maps: where the LIBBPF_PIN_BY_NAME maps of objects opened
 * without pin_root_path are pinned (docs/protocol.md, section 5). */
#define XC_MAP_DIR "maps"
XDPCHAIN_HIDDEN int xc_map_dir(const char *root, char *buf, size_t len);
/* Before prog loads: its maps libbpf would pin in /sys/fs/bpf (opened
 * without pin_root_path) are pinned in st's root's map directory. */
XDPCHAIN_HIDDEN int xc_map_dir_prepare(struct xc_state *st, struct xdpchain_prog *prog);
/* Told of a map of program prog_id pinned as path (its name in the map
 * directory: name). */
typedef void (*xc_map_pin_fn)(__u32 prog_id, const char *name, const char *path, void *ctx);
/* The maps program prog_id (of st's chain) uses that are pinned in the
 * map directory: fn (may be NULL) hears of each. How many, or -errno. */
XDPCHAIN_HIDDEN int xc_map_dir_find(struct xc_state *st, __u32 prog_id, xc_map_pin_fn fn,
				    void *ctx);

/* ---- orphans.c ---- */
/* Told of every entry xc_state_gc() removed (gc's report). */
struct xc_gc_report {
	void (*fn)(struct xc_gc_report *r, const char *dir, const char *name);
};
/* Remove every pin that the running chain (meta, or none) does not use;
 * rep (may be NULL) hears of each. */
XDPCHAIN_HIDDEN void xc_state_gc(struct xc_state *st, const struct xdpchain_meta *meta,
				 struct xc_gc_report *rep);
/* Whether the running revision's appended program waits for the kernel to
 * release the main function's link (pending-<rev>, append.c): 1 yes, 0 no
 * (no such pin, or the link is gone: one attach of the pinned probe). */
XDPCHAIN_HIDDEN int xc_state_pending(struct xc_state *st);

/* ---- stats.c ---- */
/* The pinned stats map of the interface (checked), or -ENOENT. */
XDPCHAIN_HIDDEN int xc_stats_map_get(struct xc_state *st);
/* Counts of the stats indexes in idx_mask start again from zero. */
XDPCHAIN_HIDDEN int xc_stats_reset(int fd, __u64 idx_mask);
/* Per stats index, summed over CPUs, baselines subtracted. */
XDPCHAIN_HIDDEN int xc_stats_read(int fd, __u64 sums[XDPCHAIN_MAX_SLOTS][XDPCHAIN_STAT_NR]);

/* ---- observe.c ---- */
/* The interface's verdict map (checked; created and pinned if missing): a
 * new fd, or -errno. */
XDPCHAIN_HIDDEN int xc_verdict_map_get(struct xc_state *st);
/* Before an observer loads: its map xdpchain_final, if it has one,
 * becomes the interface's (-EINVAL if it is not of that kind). */
XDPCHAIN_HIDDEN int xc_observer_prepare(struct xc_state *st, struct xdpchain_prog *prog);
/* Before a program that is no observer joins: warn if its object reads
 * the decision (declares xdpchain_final), which only observers get. */
XDPCHAIN_HIDDEN void xc_observer_hint(const struct xdpchain_prog *prog);

#endif
