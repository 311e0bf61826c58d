/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * What the xdpchain command uses beyond <xdpchain/xdpchain.h>: the
 * dispatcher's layout, which no application needs and which a later
 * protocol may change, and the parsers of its command line. Never
 * exported (libxdpchain.map): the command links the library's objects
 * statically (lib/meson.build, libxdpchain_internal), the unit tests and
 * fuzzers the pure ones (libxdpchain_pure). Defined in layer 5 (query.c,
 * prog_api.c, names.c, libxdp_view.c) but for xc_verdict_name()
 * (model/verdict.c).
 */
#ifndef XDPCHAIN_API_INTERNAL_H
#define XDPCHAIN_API_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <xdpchain/xdpchain.h>

#ifndef XDPCHAIN_HIDDEN
#define XDPCHAIN_HIDDEN __attribute__((visibility("hidden")))
#endif

/*
 * How the running dispatcher is laid out: what a change will cost and
 * why its slots are not the run order (docs/protocol.md, "Vacant slots"
 * and "Appended programs"). Changes in place (a detach that empties a
 * slot, an attach appended at a spare slot) raise the chain's revision,
 * not the dispatcher's; each vacant slot costs a call per packet until
 * the next rebuild.
 */
struct xc_layout {
	__u64 dispatcher_revision;   /* the running dispatcher's own revision */
	unsigned int vacant_slots;   /* emptied in place, still called */
	unsigned int appended_slots; /* filled in place after its build */
	unsigned int spare_slots;    /* left for programs appended in place */
	/* Attached through netlink (an adopted chain: docs/protocol.md,
	 * section 7a), not through a pinned bpf_link. */
	bool netlink;
};
/* Fill *layout (all 0 for a NULL chain). */
XDPCHAIN_HIDDEN void xc_chain_layout(const struct xdpchain_chain *chain, struct xc_layout *layout);
/* The dispatcher slot the entry runs in (slot_N in bpftool's and perf's
 * view, the program-array index of a tail-call program). Not the run
 * order: vacant slots leave gaps. */
XDPCHAIN_HIDDEN unsigned int xc_entry_slot(const struct xdpchain_entry *e);

/* The id of the one program of chain named name: 0, -ENOENT (none) or
 * -EEXIST (several); no message. As a transaction resolves a name. */
XDPCHAIN_HIDDEN int xc_chain_find_name(const struct xdpchain_chain *chain, const char *name,
				       __u32 *id);

/* prog_api.c: after a failed attach of prog, why a map it declares
 * LIBBPF_PIN_BY_NAME could be neither pinned nor reused (what the
 * library's warning said), into buf; false if that was not the cause. */
XDPCHAIN_HIDDEN bool xc_prog_pin_why(const struct xdpchain_prog *prog, char *buf, size_t len);

/* names.c: "pass,drop" (verdict names or libxdp's "XDP_PASS", any case),
 * "all" or "none" -> *mask. On -EINVAL, if bad and bad_len are not NULL,
 * *bad points at the word of str that is no verdict and *bad_len is its
 * length. */
XDPCHAIN_HIDDEN int xc_verdicts_parse(const char *str, __u32 *mask, const char **bad,
				      size_t *bad_len);
/* The XDP action a verdict name (or "XDP_DROP", any case) stands for;
 * -EINVAL if none. */
XDPCHAIN_HIDDEN int xc_verdict_parse(const char *name);
/* Strict decimal priority in [-2^31, 2^31-1]; -EINVAL / -ERANGE. */
XDPCHAIN_HIDDEN int xc_priority_parse(const char *str, int *priority);
/* model/verdict.c: "aborted", "drop", "pass", "tx", "redirect"; NULL for
 * unknown values. */
XDPCHAIN_HIDDEN const char *xc_verdict_name(int verdict);

/*
 * libxdp's dispatcher disp_id on ifindex, read as an adoption reads it
 * (docs/protocol.md 7a: its config by the names of its members in the
 * map's BTF, its programs from libxdp's pins under libxdp's lock, in
 * $LIBXDP_BPFFS, else /sys/fs/bpf): for status where the system's libxdp
 * refuses a layout newer than it knows. 0, or -errno with the reason in
 * why. Defined in api/libxdp_view.c.
 */
struct xc_libxdp_entry {
	__u32 id;
	char name[16];      /* the kernel's program name */
	__u32 priority;     /* libxdp's run priority */
	__u32 actions;      /* chain-call actions: the continue-on set */
};
struct xc_libxdp_view {
	unsigned int version; /* the config's layout version */
	bool frags;
	unsigned int nr;
	struct xc_libxdp_entry progs[10];
};
XDPCHAIN_HIDDEN int xc_libxdp_view(int ifindex, __u32 disp_id, struct xc_libxdp_view *v, char *why,
				   size_t why_len);

#endif
