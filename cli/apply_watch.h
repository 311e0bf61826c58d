/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* xdpchain apply --watch: apply a directory's files (or one file) again
 * whenever they change, as a mounted ConfigMap changes (docs/apply.md,
 * "Watching a directory"). */
#ifndef XDPCHAIN_CLI_APPLY_WATCH_H
#define XDPCHAIN_CLI_APPLY_WATCH_H

#include <stdbool.h>
#include <stddef.h>

struct cli_ctx;

struct apply_watch_opts {
	size_t sz;
	const char *path;       /* a directory (its *.json) or one file */
	const char *pin_maps;   /* --pin-maps, passed on to each apply */
	const char *ready_file; /* --ready FILE: exists while all applied */
	bool watch;             /* --watch (false: --ready alone, refused) */
	bool dry_run;           /* refused: a watch changes chains */
	/* One whole apply (cmd_apply() without --watch), handed in by the
	 * caller so that the watcher and the command do not call each other. */
	int (*apply_once)(struct cli_ctx *ctx, int argc, char **argv);
};

/* Runs until SIGTERM or SIGINT (returns CLI_EXIT_OK then) or until the
 * watched directory goes away (CLI_EXIT_FAIL). Each apply is a whole
 * `xdpchain apply` (cmd_apply()), so no lock is held between changes. */
int apply_watch(struct cli_ctx *ctx, const struct apply_watch_opts *opts);

#endif
