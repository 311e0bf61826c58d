/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * xdpchain apply (docs/apply.md), in jobs: reading and planning each
 * interface (apply_prepare.c), committing its plan (apply_commit.c) and
 * saying what it did (apply_print.c); the command is cmd_apply.c. The
 * file's syntax is apply_config.c's, the plan apply_plan.c's.
 */
#ifndef XDPCHAIN_CLI_APPLY_H
#define XDPCHAIN_CLI_APPLY_H

#include <limits.h>
#include <stdbool.h>
#include <xdpchain/xdpchain.h>
#include "apply_config.h"
#include "apply_plan.h"
#include "cli.h"
#include "pins.h"

struct want {
	const struct apply_prog *cfg;
	char path[PATH_MAX];          /* the object file, resolved */
	struct xdpchain_prog *prog;   /* opened, for attaching */
};

struct iface {
	const struct apply_iface *cfg;
	int ifindex;
	struct want *w;
	struct plan_want *pw;
	struct xdpchain_chain *chain; /* before; NULL: none */
	struct plan_have have[XDPCHAIN_MAX_PROGS];
	size_t nhave;
	struct plan_step steps[2 * XDPCHAIN_MAX_PROGS];
	int nsteps;
	/* Per step, once applied: the map pins an attached program's object
	 * uses (LIBBPF_PIN_BY_NAME), or those a detached one leaves. */
	struct pin_list pins[2 * XDPCHAIN_MAX_PROGS];
	__u64 rev_before, rev_after;
	bool applied;
};

struct apply {
	const char *file;
	bool dry_run;
	/* --pin-maps DIR: the root of the objects' LIBBPF_PIN_BY_NAME pins
	 * (else the state root's map directory) */
	const char *pin_maps;
	/* --watch [--ready FILE]: cli/apply_watch.c */
	bool watch;
	const char *ready;
	struct apply_config cfg;
	struct iface *ifs;
};

/* apply_prepare.c */
/* FILE (or "-": stdin) into *buf (malloc'd), at most 1 MiB. */
int apply_read_file(struct cli_ctx *ctx, const char *file, char **buf, size_t *len);
/* Open program i of interface f, with the file's settings. */
int apply_open_want(struct cli_ctx *ctx, const struct apply *a, struct iface *f, size_t i);
/* Read f's chain (one snapshot) and plan it. */
int apply_plan_iface(struct cli_ctx *ctx, const struct apply *a, struct iface *f);

/* apply_commit.c: f's plan as one transaction; 0 or -errno. */
int apply_commit_iface(struct cli_ctx *ctx, const struct apply *a, struct iface *f);

/* apply_print.c: f's plan and what became of it (JSON: one object of the
 * "interfaces" array). */
void apply_print_iface(struct cli_ctx *ctx, const struct apply *a, const struct iface *f);

#endif
