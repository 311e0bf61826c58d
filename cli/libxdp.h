/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* A read-only view of a libxdp (xdp-tools) dispatcher found on an
 * interface, read through libxdp's own API: xdpchain shows it in status
 * and never modifies it. */
#ifndef XDPCHAIN_CLI_LIBXDP_H
#define XDPCHAIN_CLI_LIBXDP_H

#include <stdbool.h>
#include <linux/types.h>

/* libxdp's dispatcher program name and its number of slots. */
#define LIBXDP_DISPATCHER_NAME "xdp_dispatcher"
#define LIBXDP_MAX_SLOTS 10

struct libxdp_prog {
	__u32 id;
	char name[64];
	unsigned int slot; /* place in the run order, from 0 (libxdp's progN) */
	__u32 priority;
	__u32 actions;     /* chain-call (continue-on) verdicts, bits 0..4 */
};

struct libxdp_view {
	__u32 dispatcher_id;
	bool frags;        /* the dispatcher runs multi-buffer programs */
	/* libxdp found its programs: it reads them from its pins in the xdp
	 * directory of its bpffs ($LIBXDP_BPFFS, default /sys/fs/bpf), which
	 * needs CAP_SYS_ADMIN */
	bool progs_read;
	/* 0: read by libxdp. Else the config's layout version, read by
	 * libxdpchain's reader because libxdp refused it (a layout newer
	 * than the system's libxdp knows). */
	unsigned int layout;
	unsigned int nr_progs;
	struct libxdp_prog progs[LIBXDP_MAX_SLOTS];
};

/* Fill v for the libxdp dispatcher with program id disp_id on ifindex,
 * through libxdp, else (libxdp refuses it) through libxdpchain's reader.
 * Returns 0, or -errno if neither reads disp_id as libxdp's dispatcher
 * there (-EMEDIUMTYPE: another program); why says libxdpchain's reason. */
int libxdp_view_read(int ifindex, __u32 disp_id, struct libxdp_view *v, char *why,
		     size_t why_len);

#endif
