/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * The declarative configuration of "xdpchain apply" (docs/apply.md):
 * parsed from JSON text and checked against the schema, version 1. Pure
 * code (no kernel, no files): every error names the JSON path of what is
 * wrong and its line.
 */
#ifndef XDPCHAIN_CLI_APPLY_CONFIG_H
#define XDPCHAIN_CLI_APPLY_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <xdpchain/xdpchain.h>

#define APPLY_CONFIG_VERSION 1
#define APPLY_PATH_LEN 96
#define APPLY_OWNER_LEN 32

struct apply_prog {
	char path[APPLY_PATH_LEN]; /* "$.interfaces.eth1.programs[0]" */
	char *file;                /* as written */
	char *program;             /* NULL: the object's first XDP program */
	bool has_priority;
	int priority;
	bool has_continue_on;
	__u32 continue_on;
	/* "before" or "after": the name of the program (of the chain, or
	 * of this file for this interface) to run right next to; NULL: none */
	char *anchor;
	bool anchor_after;
	bool observer;             /* "observer": true */
};

struct apply_iface {
	char path[APPLY_PATH_LEN]; /* "$.interfaces.eth1" */
	char *name;
	bool has_mode;
	enum xdpchain_mode mode;
	enum xdpchain_backend backend; /* AUTO if not given */
	/* "adopt": true: a program or libxdp dispatcher another loader
	 * attached is taken over first (xdpchain_adopt()); never implicit. */
	bool adopt;
	struct apply_prog *progs;
	size_t nprogs;
};

struct apply_config {
	char owner[APPLY_OWNER_LEN]; /* at most 31 printable ASCII bytes */
	struct apply_iface *ifaces;
	size_t nifaces;
};

/* Parse and check buf[0..len). 0, or -EINVAL (bad file: err says
 * "line L: PATH: what") / -ENOMEM. cfg is freed on error. */
int apply_config_parse(const char *buf, size_t len, struct apply_config *cfg, char *err,
		       size_t err_len);
void apply_config_free(struct apply_config *cfg);

#endif
