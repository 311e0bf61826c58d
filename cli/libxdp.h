/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* A read-only view of a libxdp (xdp-tools) dispatcher found on an
 * interface: xdpchain shows it in status and never modifies it. */
#ifndef XDPCHAIN_CLI_LIBXDP_H
#define XDPCHAIN_CLI_LIBXDP_H

#include <stdbool.h>
#include <linux/types.h>

/* libxdp's dispatcher program name and its number of slots. */
#define LIBXDP_DISPATCHER_NAME "xdp_dispatcher"
#define LIBXDP_MAX_SLOTS 10

struct libxdp_prog {
	__u32 id;
	char name[16];
	unsigned int slot;
	__u32 priority;
	__u32 actions;   /* chain-call (continue-on) verdicts, bits 0..4 */
};

struct libxdp_view {
	__u32 dispatcher_id;
	int config_version;      /* 1 or 2; 0 if the config could not be read */
	unsigned int nr_enabled; /* slots the config enables */
	bool frags;
	bool progs_read;         /* programs found (needs CAP_SYS_ADMIN) */
	unsigned int nr_progs;
	struct libxdp_prog progs[LIBXDP_MAX_SLOTS];
};

/* Fill v for the libxdp dispatcher with program id disp_id, as far as
 * the kernel lets us read it. Returns 0, or -errno if disp_id is not a
 * readable libxdp dispatcher. */
int libxdp_view_read(__u32 disp_id, struct libxdp_view *v);

#endif
