/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * xdpchain attach, in three jobs besides the command itself
 * (cmd_attach.c): its arguments (attach_args.c), the program it opens and
 * the maps it pins (attach_prog.c), and what it says (attach_report.c).
 */
#ifndef XDPCHAIN_CLI_ATTACH_H
#define XDPCHAIN_CLI_ATTACH_H

#include <stdbool.h>
#include <xdpchain/xdpchain.h>
#include "cli.h"

struct attach_args {
	/* The interface being worked on (one of ifnames[]/ifindexes[]). */
	const char *ifname;
	int ifindex;
	/* As many as the command line names: no cap (a fleet of veths). */
	const char **ifnames;
	int *ifindexes;
	int nr_ifaces, cap_ifaces;
	char *ifbuf; /* the comma-split copies of the IFACE arguments */
	const char *file;
	struct xdpchain_open_opts oo;
	/* With the anchor by id (before_id, after_id) or by name
	 * (before_name, after_name), which the library resolves. */
	struct xdpchain_attach_opts ao;
	const char *owner;
	const char *pin_maps; /* --pin-maps DIR */
	bool made_dir;        /* this command created DIR */
	char **pinned;        /* the pins made there */
	int npinned;
	bool has_prio, has_cont;
	int prio;
	__u32 cont;
	const char *anchor; /* --before/--after NAME|ID, as given */
	bool anchor_after;
	bool observer; /* --observer */
};

/* attach_args.c: the command line into *a (zeroed, its opts' sz set);
 * 0 or a CLI_EXIT_* code after the error. */
int attach_parse_args(struct cli_ctx *ctx, int argc, char **argv, struct attach_args *a);

/* attach_prog.c */
/* "id:N" or "pinned:PATH": a program some application already loaded. */
bool attach_is_loaded_spec(const char *file);
/* The program, with the command line's settings: one handle per
 * interface (an EXT program is loaded against one dispatcher). NULL with
 * *rc set after the error. */
struct xdpchain_prog *attach_open_prog(struct cli_ctx *ctx, const struct attach_args *a,
				       int *rc);
/* --pin-maps DIR: made before the object is opened. */
int attach_make_pin_dir(struct cli_ctx *ctx, struct attach_args *a);
/* --pin-maps DIR, once prog joined: its other maps pinned there. */
int attach_pin_maps(struct cli_ctx *ctx, struct attach_args *a, struct xdpchain_prog *prog);

/* attach_report.c */
/* The failed attach of prog on a->ifname, -err, with its likely cause. */
void attach_error(struct cli_ctx *ctx, const struct attach_args *a,
		  const struct xdpchain_prog *prog, int err);
/* The program's place in the chain on a->ifindex, read back. */
void attach_print_result(struct cli_ctx *ctx, const struct attach_args *a,
			 const struct xdpchain_prog *prog);
/* A second message about the same error: its own line on stderr, or
 * appended to the JSON error document (which keeps only the first). */
void attach_report_more(struct cli_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
