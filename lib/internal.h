/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* Library-internal declarations shared between lib/ files. */
#ifndef XDPCHAIN_INTERNAL_H
#define XDPCHAIN_INTERNAL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "xdpchain/xdpchain.h"
#include "xdpchain_abi.h"

#define XDPCHAIN_HIDDEN __attribute__((visibility("hidden")))

/* ---- log.c ---- */
XDPCHAIN_HIDDEN void xc_log(enum xdpchain_print_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
XDPCHAIN_HIDDEN void xc_vlog(enum xdpchain_print_level level, const char *fmt, va_list args);
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
#include <fcntl.h>
static inline int fcntl_dupfd(int fd)
{
	return fcntl(fd, F_DUPFD_CLOEXEC, 3);
}

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
	XC_FAULT_VACATE,      /* a slot was emptied in place (vacancy.c) */
	XC_FAULT_APPEND,      /* a program was appended in place (append.c) */
	XC_FAULT__MAX,
};
#ifdef XDPCHAIN_FAULT_INJECTION
XDPCHAIN_HIDDEN void xc_fault_step(enum xc_fault_step step, const char *detail);
#define xc_fault(step, detail) xc_fault_step(step, detail)
#else
#define xc_fault(step, detail) do { (void)(detail); } while (0)
#endif

/* ---- order.c ---- */
XDPCHAIN_HIDDEN int xc_slot_cmp(const struct xdpchain_slot_meta *a,
				const struct xdpchain_slot_meta *b);
XDPCHAIN_HIDDEN void xc_slots_sort(struct xdpchain_slot_meta *slots, unsigned int n);

/* ---- meta.c ---- */
XDPCHAIN_HIDDEN int xc_meta_validate(const struct xdpchain_meta *meta,
				     char *why, size_t why_len);
XDPCHAIN_HIDDEN void xc_meta_init(struct xdpchain_meta *meta, __u64 revision,
				  int ifindex, enum xdpchain_mode mode, __u64 netns_ino);
XDPCHAIN_HIDDEN void xc_meta_init_probe(struct xdpchain_meta *meta);
XDPCHAIN_HIDDEN bool xc_meta_frags(const struct xdpchain_meta *meta);
XDPCHAIN_HIDDEN enum xdpchain_backend xc_meta_backend(const struct xdpchain_meta *meta);
/* True when the chain is one freplace program: it then replaces the
 * dispatcher's main function instead of slot_0 (docs/protocol.md). */
XDPCHAIN_HIDDEN bool xc_meta_whole(const struct xdpchain_meta *meta);
XDPCHAIN_HIDDEN int xc_owner_valid(const char *owner);
/* Spare positions for a rebuilt chain of n programs with these flags. */
XDPCHAIN_HIDDEN unsigned int xc_meta_spares(unsigned int n, __u32 flags);
/* Give every slot a stats index of its own, keeping the ones it has unless
 * fresh[i] (joins now) or taken by an earlier slot. New ones avoid the
 * indexes in avoid (the running revision's, which still count for their
 * programs until the swap) while others are free. Returns the mask of
 * indexes given out anew (their counters must start from zero). */
XDPCHAIN_HIDDEN __u64 xc_stats_idx_assign(struct xdpchain_slot_meta *slots, unsigned int n,
					  const bool *fresh, __u64 avoid);

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

/* ---- elf_check.c: refuse objects that libbpf 1.1 would crash on ---- */
XDPCHAIN_HIDDEN int xc_elf_check_mem(const void *buf, size_t size, const char *what);
XDPCHAIN_HIDDEN int xc_elf_check_file(const char *path);

/* ---- prog.c ---- */
struct xdpchain_prog {
	char *name;
	struct bpf_object *obj;   /* opened, not loaded; NULL for from_fd */
	struct bpf_program *bprog;
	int fd;                   /* loaded program, -1 before */
	__u32 id;
	bool from_fd;
	bool has_btf;             /* BTF func info: can become EXT */
	bool frags;               /* declared multi-buffer support */
	int priority;
	__u32 continue_on;
	char owner[XDPCHAIN_OWNER_LEN];
};
/* Load prog as an extension of slot_0 (BTF id target_btf_id) of
 * target_fd, or as a plain XDP program (tail-call slot; target ignored).
 * Fills prog->fd and prog->id. */
XDPCHAIN_HIDDEN int xc_prog_load(struct xdpchain_prog *prog, bool ext, int target_fd,
				 __u32 target_btf_id, bool frags);

/* ---- ext_load.c ---- */
/* Registers libxdpchain's SEC("xdp")/SEC("xdp.frags") libbpf handlers, once;
 * called before opening any object that may be loaded as EXT. */
XDPCHAIN_HIDDEN void xc_ext_init(void);
/* Load obj with prog as EXT of slot_0 (BTF id btf_id) of target_fd (from
 * xc_disp_load_ext_target()), without libbpf's CAP_SYS_ADMIN-only BTF
 * lookup where possible. */
XDPCHAIN_HIDDEN int xc_ext_load(struct bpf_object *obj, struct bpf_program *prog,
				int target_fd, __u32 btf_id, bool frags);
XDPCHAIN_HIDDEN int xc_prog_tag(int fd, __u8 tag[8], __u32 *id);

/* ---- state.c ---- */
struct xc_state {
	int ifindex;
	__u64 netns_ino;
	char root[256];
	char dir[320];
	int dir_fd;          /* locked directory, -1 if none */
	bool have;           /* a valid chain runs */
	/* The pinned dispatcher link runs something on the interface that
	 * is not a valid chain of ours (another version, forged metadata):
	 * its program id. Nothing in the directory is touched then. */
	__u32 alien_id;
	char alien_why[160];
	int link_fd;         /* pinned dispatcher link */
	int disp_fd;         /* running dispatcher program */
	__u32 disp_id;
	/* The running dispatcher's own metadata with the programs appended
	 * to it (append.c; the first disp_nr are its own), and the chain
	 * that runs: base without its vacant slots (vacancy.c), revision
	 * base.revision plus appended and vacant ones. pos[i]: base slot of
	 * meta.slots[i]. */
	unsigned int disp_nr;
	struct xdpchain_meta base;
	struct xdpchain_meta meta;
	__u8 pos[XDPCHAIN_MAX_SLOTS];
};
XDPCHAIN_HIDDEN int xc_resolve_root(const char *opt_root, char *buf, size_t len);
XDPCHAIN_HIDDEN int xc_netns_ino(__u64 *ino);
XDPCHAIN_HIDDEN int xc_state_dir(const char *root, __u64 netns_ino, int ifindex,
				 char *buf, size_t len);
/* Take the per-interface lock, read and validate the running chain and
 * collect orphans. create: make the directory if missing. */
XDPCHAIN_HIDDEN int xc_state_lock(struct xc_state *st, int ifindex,
				  const char *opt_root, bool create);
/* The same; nonblock: fail with -EWOULDBLOCK rather than wait (gc). */
XDPCHAIN_HIDDEN int xc_state_lock_flags(struct xc_state *st, int ifindex,
					const char *opt_root, bool create, bool nonblock);
XDPCHAIN_HIDDEN void xc_state_unlock(struct xc_state *st);
/* ---- vacancy.c ---- */
/* st->meta and st->pos from st->base and the kernel's state. */
XDPCHAIN_HIDDEN void xc_state_effective(struct xc_state *st);
/* How many of the running dispatcher's slots are vacant. */
XDPCHAIN_HIDDEN unsigned int xc_state_vacant(const struct xc_state *st);
/* meta (just swapped in, no vacancy) is what runs. */
XDPCHAIN_HIDDEN void xc_state_adopt(struct xc_state *st, const struct xdpchain_meta *meta);
/* Stats indexes the running dispatcher counts at, vacant slots included. */
XDPCHAIN_HIDDEN __u64 xc_state_base_idx(const struct xc_state *st);
/* Take program st->meta.slots[idx] out of the packet path in place. */
XDPCHAIN_HIDDEN int xc_vacate(struct xc_state *st, unsigned int idx);
/* ---- chain.c ---- */
/* prog (just loaded) joins a chain: its crash point, its prog-<id> pin,
 * and its id and tag in m. */
XDPCHAIN_HIDDEN int xc_prog_joins(struct xc_state *st, struct xdpchain_prog *prog,
				  struct xdpchain_slot_meta *m);
/* ---- append.c ---- */
/* Extend st->base (validated) with the programs appended to it; sets
 * st->disp_nr. -errno with why filled if they cannot be read or are bad. */
XDPCHAIN_HIDDEN int xc_state_appended(struct xc_state *st, char *why, size_t why_len);
/* Can the program described by m (id: its id if already loaded, else 0;
 * frags: the chain's multi-buffer flag with it) join at the first spare
 * position? */
XDPCHAIN_HIDDEN bool xc_can_append(const struct xc_state *st, const struct xdpchain_slot_meta *m,
				   __u32 id, bool frags);
/* Load prog and append it there (m: its description, completed). */
XDPCHAIN_HIDDEN int xc_append(struct xc_state *st, struct xdpchain_prog *prog,
			      struct xdpchain_slot_meta *m);
/* ---- gc.c ---- */
/* After a transaction on skip_ifindex: collect the state of the other
 * interfaces of the namespace that are gone (never waits for a lock). */
XDPCHAIN_HIDDEN void xc_gc_vanished(const char *root, __u64 netns_ino, int skip_ifindex);
/* Read the running chain without locking (status). */
XDPCHAIN_HIDDEN int xc_state_read(struct xc_state *st, int ifindex,
				  const char *opt_root);
XDPCHAIN_HIDDEN void xc_state_close(struct xc_state *st);
/* Remove every pin that the running chain (meta, or none) does not use. */
XDPCHAIN_HIDDEN void xc_state_gc(struct xc_state *st, const struct xdpchain_meta *meta);
XDPCHAIN_HIDDEN int xc_pin_at(struct xc_state *st, int fd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* 0, or -errno (-ENOENT: there was no such pin). */
XDPCHAIN_HIDDEN int xc_unpin_at(struct xc_state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* While set (by gc.c, for the calling thread), xc_state_gc() reports
 * every entry it removed. */
struct xc_gc_report {
	void (*fn)(struct xc_gc_report *r, const char *dir, const char *name);
};
XDPCHAIN_HIDDEN extern __thread struct xc_gc_report *xc_gc_reporter;
XDPCHAIN_HIDDEN int xc_get_at(struct xc_state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Whether fd is a BPF object of this kind (bpffs pins can hold anything). */
#define XC_FD_PROG "bpf-prog"
#define XC_FD_MAP "bpf-map"
#define XC_FD_LINK "bpf-link"
XDPCHAIN_HIDDEN bool xc_fd_is(int fd, const char *kind);
/* The program that runs on ifindex (any mode): 0 if none. */
XDPCHAIN_HIDDEN int xc_xdp_prog_id(int ifindex, __u32 *id, enum xdpchain_mode *mode);

/* ---- stats.c ---- */
/* The pinned stats map of the interface (checked), or -ENOENT. */
XDPCHAIN_HIDDEN int xc_stats_map_get(struct xc_state *st);
/* Counts of the stats indexes in idx_mask start again from zero. */
XDPCHAIN_HIDDEN int xc_stats_reset(int fd, __u64 idx_mask);
/* Per stats index, summed over CPUs, baselines subtracted. */
XDPCHAIN_HIDDEN int xc_stats_read(int fd, __u64 sums[XDPCHAIN_MAX_SLOTS][XDPCHAIN_STAT_NR]);

/* ---- owner.c: owner-bound attachments ---- */
/* Parse /proc/PID/stat text: state (field 3) and start time (field 22). */
XDPCHAIN_HIDDEN int xc_stat_parse(const char *buf, size_t len, char *state, __u64 *start);
XDPCHAIN_HIDDEN int xc_proc_start(__u32 pid, __u64 *start, char *state);
XDPCHAIN_HIDDEN int xc_pidns_ino(__u64 *ino);
/* Bind slot m to process pid (-ESRCH if it does not run). */
XDPCHAIN_HIDDEN int xc_owner_init(struct xdpchain_slot_meta *m, __u32 pid);
/* 1: alive or not owner-bound; 0: the owner exited; -EXDEV: the owner is
 * in another pid namespace, cannot tell; other -errno: cannot tell. */
XDPCHAIN_HIDDEN int xc_owner_alive(const struct xdpchain_slot_meta *m);

/* ---- query.c ---- */
XDPCHAIN_HIDDEN struct xdpchain_chain *xc_chain_new(struct xc_state *st, bool with_stats);

/* ---- probe.c ---- */
XDPCHAIN_HIDDEN int xc_probe_freplace(void); /* 0 or the -errno that refused it */

/* ---- dispatcher.c ---- */
struct xdpchain_dispatcher;
/* A one-slot dispatcher to load an extension against (its slot_0, BTF id
 * in *btf_id); the caller frees it once the extension is loaded. */
XDPCHAIN_HIDDEN struct xdpchain_dispatcher *xc_disp_load_ext_target(bool frags, __u32 *btf_id);
XDPCHAIN_HIDDEN struct xdpchain_dispatcher *xc_disp_load(const struct xdpchain_meta *meta);
/* With XDPCHAIN_META_F_STATS: count into the map stats_fd (-1: a new one). */
XDPCHAIN_HIDDEN struct xdpchain_dispatcher *xc_disp_load_stats(const struct xdpchain_meta *meta,
							       int stats_fd);
XDPCHAIN_HIDDEN int xc_disp_stats_fd(struct xdpchain_dispatcher *d);
XDPCHAIN_HIDDEN int xc_disp_trace_fd(struct xdpchain_dispatcher *d);
/* The stats map a running dispatcher uses: a new fd, or -ENOENT. */
XDPCHAIN_HIDDEN int xc_disp_stats_map(int disp_fd);
XDPCHAIN_HIDDEN int xc_disp_prog_fd(struct xdpchain_dispatcher *d);
XDPCHAIN_HIDDEN int xc_disp_array_fd(struct xdpchain_dispatcher *d);
XDPCHAIN_HIDDEN int xc_disp_slot_btf_id(struct xdpchain_dispatcher *d, unsigned int slot);
/* BTF id of the dispatcher's main function (see xc_meta_whole()). */
XDPCHAIN_HIDDEN int xc_disp_main_btf_id(struct xdpchain_dispatcher *d);
XDPCHAIN_HIDDEN void xc_disp_free(struct xdpchain_dispatcher *d);
XDPCHAIN_HIDDEN int xc_disp_meta_fd(struct xdpchain_dispatcher *d);
XDPCHAIN_HIDDEN int xc_disp_read_meta(int disp_fd, int map_fd, struct xdpchain_meta *meta);
/* The dispatcher's live map (struct xdpchain_live, its .bss). */
XDPCHAIN_HIDDEN int xc_disp_live_fd(struct xdpchain_dispatcher *d);
/* A running dispatcher's live map: pin_fd (consumed) if it is one of its
 * maps, else found by id. A new fd or -errno. */
XDPCHAIN_HIDDEN int xc_disp_live_map(int disp_fd, int pin_fd);
/* The metadata d was loaded with, slot BTF ids included. */
XDPCHAIN_HIDDEN void xc_disp_get_meta(struct xdpchain_dispatcher *d, struct xdpchain_meta *meta);

#endif
