/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * Layer 1, kernel objects (docs/architecture.md): one BPF object or one
 * kernel query at a time, no bpffs state. xdpquery.c (what runs on an
 * interface), kobj.c (fd, id, tag and name helpers), dispatcher.c,
 * ext_load.c, elf_check.c, mappins.c, prog.c, probe.c, owner.c, unhook.c,
 * xdpnl.c; within the layer, a file calls only those before it in
 * this list.
 */
#ifndef XDPCHAIN_KOBJ_H
#define XDPCHAIN_KOBJ_H

#include <net/if.h>
#include "model/model.h"

/* ---- xdpquery.c ---- */
/* The program that runs on ifindex (any mode): 0 if none, or no such
 * interface. One netlink request for that interface, not a dump of the
 * namespace (docs/performance.md, "Many interfaces"). */
XDPCHAIN_HIDDEN int xc_xdp_prog_id(int ifindex, __u32 *id, enum xdpchain_mode *mode);
/* Every interface of the namespace and the program it runs, from one
 * netlink dump: for a sweep over many interfaces, one dump costs less
 * than a question per interface. */
struct xc_xdp_if {
	int ifindex; /* first: the sort key */
	__u32 prog_id;
};
struct xc_xdp_ifs {
	struct xc_xdp_if *v; /* by ifindex */
	size_t n, cap;
};
XDPCHAIN_HIDDEN int xc_xdp_ifs_read(struct xc_xdp_ifs *ifs);
/* The program ifindex runs (0: none), or -1 if there is no such interface. */
XDPCHAIN_HIDDEN long long xc_xdp_ifs_prog(const struct xc_xdp_ifs *ifs, int ifindex);
XDPCHAIN_HIDDEN void xc_xdp_ifs_free(struct xc_xdp_ifs *ifs);

/* ---- netns_scan.c ---- */
/* Whether prog_id runs on an interface of a network namespace other than
 * skip_ino, among those this process can see (of processes, and named in
 * /run/netns): 1 and where (its inode and the interface's index there),
 * 0 if in none, -errno if some could not be asked (e.g. -EPERM). */
XDPCHAIN_HIDDEN int xc_xdp_prog_netns(__u32 prog_id, __u64 skip_ino, __u64 *ino, int *ifindex);

/* ---- kobj.c ---- */
/* Whether fd is a BPF object of this kind (bpffs pins can hold anything). */
#define XC_FD_PROG "bpf-prog"
#define XC_FD_MAP "bpf-map"
#define XC_FD_LINK "bpf-link"
XDPCHAIN_HIDDEN bool xc_fd_is(int fd, const char *kind);
/* The interface's name for messages ("if<N>" if it has none). */
XDPCHAIN_HIDDEN const char *xc_ifname(int ifindex, char buf[IF_NAMESIZE]);
/* The name of program id for messages ("?" if it cannot be read). */
XDPCHAIN_HIDDEN void xc_prog_name_by_id(__u32 id, char *name, size_t len);
XDPCHAIN_HIDDEN int xc_prog_tag(int fd, __u8 tag[8], __u32 *id);
/* XDP_FLAGS_* of an attach mode. */
XDPCHAIN_HIDDEN __u32 xc_mode_flags(enum xdpchain_mode mode);
/* Wait until packets that entered a program just replaced have left it. */
XDPCHAIN_HIDDEN void xc_wait_inflight(void);
/* Whether the kernel takes multi-buffer (xdp.frags) programs: Linux 5.18+. */
XDPCHAIN_HIDDEN bool xc_kernel_has_frags(void);
/* Put a stub that returns XDPCHAIN_RET_EMPTY in entry pos of program
 * array array_fd (loaded with the frags flag of the array's owner). */
XDPCHAIN_HIDDEN int xc_prog_array_stub(int array_fd, unsigned int pos, bool frags);
/* A dispatcher's live map fd mapped (NULL with errno), and unmapped. */
XDPCHAIN_HIDDEN struct xdpchain_live *xc_live_mmap(int fd);
XDPCHAIN_HIDDEN void xc_live_munmap(struct xdpchain_live *live);
/* Commit live start and end with one 64-bit store (section 6b, 6c). */
XDPCHAIN_HIDDEN void xc_live_commit(struct xdpchain_live *live, __u32 start, __u32 end);

/* ---- dispatcher.c ---- */
/* The dispatcher's program name: what makes it recognisable as ours on an
 * interface even where its state cannot be read. */
#define XC_DISP_PROG_NAME "xdpchain_disp"
struct xdpchain_dispatcher;
/* A one-slot dispatcher to load an extension against (its slot_0, BTF id
 * in *btf_id); the caller frees it once the extension is loaded.
 * xc_ext_target() keeps one per process: use that. */
XDPCHAIN_HIDDEN struct xdpchain_dispatcher *xc_disp_load_ext_target(bool frags, __u32 *btf_id);
XDPCHAIN_HIDDEN struct xdpchain_dispatcher *xc_disp_load(const struct xdpchain_meta *meta);
/* With the interface's stats map (XDPCHAIN_META_F_STATS) and verdict map
 * (XDPCHAIN_META_F_OBSERVE) when their fds are >= 0; -1: its own, new. */
XDPCHAIN_HIDDEN struct xdpchain_dispatcher *xc_disp_load_maps(const struct xdpchain_meta *meta,
							      int stats_fd, int verdict_fd);
XDPCHAIN_HIDDEN int xc_disp_stats_fd(struct xdpchain_dispatcher *d);
XDPCHAIN_HIDDEN int xc_disp_trace_fd(struct xdpchain_dispatcher *d);
/* The stats map a running dispatcher uses: pin_fd (consumed) if it is
 * one of its maps, else found by id; a new fd, or -ENOENT. */
XDPCHAIN_HIDDEN int xc_disp_stats_map(int disp_fd, int pin_fd);
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

/* ---- ext_target.c ---- */
/* The program fd of this process's one-slot dispatcher of this kind to load
 * extensions against (slot_0's BTF id in *btf_id), loaded on first use and
 * kept: the caller must not close it. -errno on failure. */
XDPCHAIN_HIDDEN int xc_ext_target(bool frags, __u32 *btf_id);

/* ---- ext_load.c ---- */
/* Registers libxdpchain's SEC("xdp")/SEC("xdp.frags") libbpf handlers, once;
 * called before opening any object that may be loaded as EXT. */
XDPCHAIN_HIDDEN void xc_ext_init(void);
/* Load obj with prog as EXT of slot_0 (BTF id btf_id) of target_fd (from
 * xc_ext_target()), without libbpf's CAP_SYS_ADMIN-only BTF
 * lookup where possible. */
XDPCHAIN_HIDDEN int xc_ext_load(struct bpf_object *obj, struct bpf_program *prog,
				int target_fd, __u32 btf_id, bool frags);

/* ---- elf_check.c: refuse objects that libbpf 1.1 would crash on ---- */
XDPCHAIN_HIDDEN int xc_elf_check_mem(const void *buf, size_t size, const char *what);
/* After libbpf failed to open buf with ENOENT: if the object refers to a
 * symbol it does not define and libbpf cannot resolve (neither __ksym nor
 * __kconfig), say which (a warning) and return 1; else 0. */
XDPCHAIN_HIDDEN int xc_elf_explain_externs(const void *buf, size_t size, const char *what);
/* Its ELF header: an ELF file, 64-bit, for EM_BPF, not cut short. */
XDPCHAIN_HIDDEN int xc_elf_check_header(const void *buf, size_t len, const char *what);

/* ---- mappins.c: the maps libbpf pins by name (LIBBPF_PIN_BY_NAME) ---- */
/* After a failed load of obj: if a map with a pin path could be neither
 * reused nor pinned (a pin there that libbpf cannot reuse, a directory
 * that is missing or no BPF filesystem), warn which, where and what to
 * do, and return true. what: the program, for the message. */
XDPCHAIN_HIDDEN bool xc_pin_failure(struct bpf_object *obj, const char *what);
/* The same explanation, into buf (no message): false if there is none. */
XDPCHAIN_HIDDEN bool xc_pin_why(struct bpf_object *obj, char *buf, size_t len);
/* Take every map of obj off its pin path: a throwaway load pins nothing. */
XDPCHAIN_HIDDEN int xc_pins_clear(struct bpf_object *obj);
/* The maps of obj that libbpf gave its default pin path (/sys/fs/bpf/NAME:
 * LIBBPF_PIN_BY_NAME, opened without pin_root_path) are pinned as
 * dir/NAME instead. Returns how many, or -errno. */
XDPCHAIN_HIDDEN int xc_pins_move(struct bpf_object *obj, const char *dir);

/* ---- prog.c: the program handle ---- */
XDPCHAIN_HIDDEN struct xdpchain_prog *xc_prog_new(void);
XDPCHAIN_HIDDEN void xc_prog_free(struct xdpchain_prog *p);
/* A handle for obj (consumed, also on failure; NULL or an error pointer
 * from libbpf: reported), its program prog_name (NULL: the first XDP one)
 * chosen and its run config applied. what: the object, for messages. */
XDPCHAIN_HIDDEN struct xdpchain_prog *xc_prog_open(struct bpf_object *obj, const char *what,
						   const char *prog_name);
/* Read the object at path once, check it (elf_check.c) and open it from
 * memory, choosing prog_name (NULL: the first XDP program). pin_root:
 * where its LIBBPF_PIN_BY_NAME maps are pinned (NULL: libbpf's default). */
XDPCHAIN_HIDDEN struct xdpchain_prog *xc_prog_open_file(const char *path, const char *prog_name,
							const char *pin_root);
/* The same from a copy of buf; obj_name: libbpf's object name (NULL: its
 * default) and the name in messages. */
XDPCHAIN_HIDDEN struct xdpchain_prog *xc_prog_open_mem(const void *buf, size_t len,
						       const char *obj_name,
						       const char *prog_name,
						       const char *pin_root);
/* A handle for the caller's opened (not loaded) obj, which stays the
 * caller's; its program prog_name (NULL: the first XDP one). */
XDPCHAIN_HIDDEN struct xdpchain_prog *xc_prog_from_obj(struct bpf_object *obj,
						       const char *prog_name);
/* The kernel tag of the program, loaded or not (a throwaway copy). */
XDPCHAIN_HIDDEN int xc_prog_tag_of(struct xdpchain_prog *p, __u8 tag[8]);
/* Load prog as an extension of slot_0 (BTF id target_btf_id) of
 * target_fd, or as a plain XDP program (tail-call slot; target ignored).
 * Fills prog->fd and prog->id. */
XDPCHAIN_HIDDEN int xc_prog_load(struct xdpchain_prog *prog, bool ext, int target_fd,
				 __u32 target_btf_id, bool frags);

/* ---- probe.c ---- */
XDPCHAIN_HIDDEN int xc_probe_freplace(void); /* 0 or the -errno that refused it */
/* 0, or the -errno that refused an extension calling a global function
 * with the context as argument (Linux 5.10). */
XDPCHAIN_HIDDEN int xc_probe_ext_global_calls(void);
/* The slot kind prog joins through with this backend; *err: the backend
 * is impossible for it (reported). say: also tell (info) why a program
 * gets a tail-call slot under auto; the early checks before a
 * transaction pass false, so it is said once per attach. */
XDPCHAIN_HIDDEN enum xdpchain_slot_kind xc_pick_kind(const struct xdpchain_prog *prog,
						     enum xdpchain_backend backend, bool say,
						     int *err);

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

/* ---- unhook.c ---- */
/* A do-nothing fentry program on function btf_id of program target_fd:
 * its fd, or -errno. */
XDPCHAIN_HIDDEN int xc_unhook_probe(int target_fd, __u32 btf_id);
/* Wait until no extension replaces the probe's function (an extension's
 * link released by the kernel): 0, -ETIMEDOUT, or the attach's -errno. */
XDPCHAIN_HIDDEN int xc_unhook_wait(int probe_fd, unsigned int timeout_ms);
/* The processes that hold a tracing link of program prog_id open (other
 * than this one), as "pid N (comm)" items in buf: how many, or -errno. */
XDPCHAIN_HIDDEN int xc_unhook_holders(__u32 prog_id, char *buf, size_t len);
/* The same for links of any type (fdinfo's link_type: "tracing", "xdp"). */
XDPCHAIN_HIDDEN int xc_link_holders(const char *link_type, __u32 prog_id, char *buf,
				    size_t len);

/* ---- xdpnl.c: netlink-attached programs (an adopted chain) ---- */
/* Replace old_fd, which must be what runs on ifindex in mode, by new_fd
 * (-1: detach it), atomically (XDP_FLAGS_REPLACE): 0, or -errno
 * (-EEXIST: another program runs; -EBUSY: a bpf_link holds it). */
XDPCHAIN_HIDDEN int xc_xdp_swap(int ifindex, int new_fd, int old_fd, enum xdpchain_mode mode);
/* Whether program prog_id, running on ifindex in mode, can be adopted
 * (run by a dispatcher that takes its place through netlink): 0, or
 * -errno with the reason in why (hardware mode, a dispatcher, bound to a
 * device, held by a bpf_link: its holder named where /proc shows it).
 * libxdp_ok: libxdp's dispatcher is no refusal (its programs are adopted). */
XDPCHAIN_HIDDEN int xc_xdp_adoptable(int ifindex, __u32 prog_id, enum xdpchain_mode mode,
				     bool libxdp_ok, char *why, size_t why_len);

/* ---- libxdp.c: libxdp's dispatcher, read for an adoption ---- */
#define XC_LIBXDP_MAX 10 /* libxdp's slots */
struct xc_libxdp_prog {
	int fd;             /* its pinned extension program, -1: none */
	__u32 id;
	char name[BPF_OBJ_NAME_LEN];
	__u32 actions;      /* chain-call actions: the continue-on set */
	__u32 priority;     /* run priority */
	bool frags;         /* loaded frags-aware (layout 2 and later) */
};
struct xc_libxdp {
	unsigned int version; /* the config's layout version: 1 to 3 */
	unsigned int nr;      /* programs, in run order */
	bool frags;           /* the dispatcher is frags-aware */
	struct xc_libxdp_prog progs[XC_LIBXDP_MAX];
};
/* ---- libxdp_config.c: the config of libxdp's dispatcher ---- */
/* The value of libxdp's config map (size bytes) into x, by the fixed
 * offsets of layouts 1 and 2 (a map without BTF): 0, or -errno and the
 * reason in why (-EOPNOTSUPP: a layout it does not know). */
XDPCHAIN_HIDDEN int xc_libxdp_parse(const __u8 *buf, __u32 size, struct xc_libxdp *x, char *why,
				    size_t why_len);
struct btf;
/* The same by the names of its members in the map's BTF (value_type:
 * the map's value type, the .rodata datasec): layouts 1 to 3, wherever
 * their members sit; a member it does not know, or a newer version, is
 * refused (-EOPNOTSUPP) and named in why. */
XDPCHAIN_HIDDEN int xc_libxdp_parse_btf(const struct btf *btf, __u32 value_type, const __u8 *buf,
					__u32 size, struct xc_libxdp *x, char *why,
					size_t why_len);
/* libxdp's bpffs: root if given, else $LIBXDP_BPFFS, else /sys/fs/bpf. */
XDPCHAIN_HIDDEN const char *xc_libxdp_root(const char *root);
/* libxdp's lock (an exclusive flock on <bpffs>/xdp): its fd, or -errno
 * with the reason in why. xc_libxdp_unlock() releases it. */
XDPCHAIN_HIDDEN int xc_libxdp_lock(const char *root, char *why, size_t why_len);
XDPCHAIN_HIDDEN void xc_libxdp_unlock(int lock_fd);
/* Under libxdp's lock: the config and the pinned component programs of
 * libxdp's dispatcher disp_fd (disp_id) on ifindex; -errno and the
 * reason in why (-EOPNOTSUPP: a layout version it does not know, or a
 * kernel before 5.10). xc_libxdp_close() closes the programs. */
XDPCHAIN_HIDDEN int xc_libxdp_read(const char *root, int ifindex, int disp_fd, __u32 disp_id,
				   struct xc_libxdp *x, char *why, size_t why_len);
XDPCHAIN_HIDDEN void xc_libxdp_close(struct xc_libxdp *x);
/* Under libxdp's lock: remove its pins of dispatcher disp_id on ifindex
 * (the directory dispatch-<ifindex>-<id>, its prog<N>-prog and -link). */
XDPCHAIN_HIDDEN int xc_libxdp_unpin(const char *root, int ifindex, __u32 disp_id);
/* Told of each of libxdp's pins (or directories) removed: dir/name. */
typedef void (*xc_libxdp_removed_fn)(const char *dir, const char *name, void *ctx);
/* An adoption that crashed between its swap and the removal of libxdp's
 * pins left them (docs/protocol.md, 7a): under libxdp's lock (not waited
 * for: busy, nothing is done), remove every dispatch-<ifindex>-<id>
 * directory whose dispatcher is not running (the program ifindex runs,
 * our adopted chain's dispatcher) and whose pins are all libxdp's and name
 * only programs of ids (our chain's, n): nothing else is touched. The
 * number of directories removed, or -errno. */
XDPCHAIN_HIDDEN int xc_libxdp_collect(const char *root, int ifindex, __u32 running,
				      const __u32 *ids, unsigned int n, xc_libxdp_removed_fn fn,
				      void *ctx);

#endif
