/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* xdpchain dump, split by job: its arguments (dump_args.c), what it shows
 * of each packet (dump_show.c), and the capture itself (cmd_dump.c). */
#ifndef XDPCHAIN_CLI_DUMP_H
#define XDPCHAIN_CLI_DUMP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/types.h>
#include "cli.h"
#include "dump_chain.h"
#include "xdpchain_dump.h"

#define DUMP_USAGE "usage: xdpchain dump IFACE [--verdict LIST] [--program NAME|ID] " \
		   "[-w FILE] [-c N] [-s SNAPLEN]"

struct dump_args {
	__u32 mask;
	const char *program, *file;
	__u64 count, snaplen;
};

struct dump {
	struct cli_ctx *ctx;
	const char *ifname;
	int ifindex;
	__u32 self_id;                /* our observer */
	FILE *pcap;                   /* -w, or NULL */
	__u64 max, captured, lost;    /* -c N (0: no limit) */
	int64_t mono_to_real;         /* ns to add to a bpf_ktime_get_ns() */
	struct dump_chain chain;      /* the deciders' names; still there? */
	bool gone;                    /* the chain went, and our observer with it */
	int err;                      /* a write failed: -errno (-EPIPE: the reader left) */
};

/* The command line; 0 (argv[optind] is IFACE) or a CLI_EXIT_* code. */
int dump_parse_args(struct cli_ctx *ctx, int argc, char **argv, struct dump_args *a);

/* One packet, decided by name (h->prog_id), to the -w file and to stdout
 * (text, or a JSON line); a failed write goes into d->err. */
void dump_show(struct dump *d, const struct xdpchain_dump_hdr *h, const unsigned char *pkt,
	       __u64 real_ns, const char *name);
/* The last word: how many were captured and lost (a JSON line, or a line
 * on stderr). */
void dump_show_end(struct dump *d);

#endif
