/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* The watcher's side of apply --watch that knows nothing of applying: the
 * watched directory (its files as last read, inotify and the signals that
 * stop the watch, the readiness file). apply_watch.c decides what to apply
 * and remove. */
#ifndef XDPCHAIN_CLI_WATCH_DIR_H
#define XDPCHAIN_CLI_WATCH_DIR_H

#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <net/if.h>
#include "apply_config.h"
#include "apply_watch.h"

/* Quiet time after the last event before reading the directory: the
 * kubelet's swap is a handful of events within a millisecond; an editor's
 * save a few more. */
#define WATCH_QUIET_MS 200
/* A file whose apply failed is tried again this often (an interface that
 * is not there yet, a program that does not load yet). */
#define WATCH_RETRY_MS 10000
#define WATCH_MAX_FILE (1024 * 1024)

struct wfile {
	char name[NAME_MAX + 1];
	char *bytes;       /* as last read and applied (or tried) */
	size_t len;
	bool present;      /* seen by this scan */
	bool ok;           /* its last apply succeeded */
	/* What its last successful apply described: removed when it no
	 * longer does. */
	char owner[APPLY_OWNER_LEN];
	char (*ifaces)[IF_NAMESIZE];
	size_t nifaces;
};

struct watch {
	struct cli_ctx *ctx;
	const struct apply_watch_opts *o;
	char dir[PATH_MAX];
	const char *only;  /* watching one file: its name in dir */
	struct wfile *files;
	size_t nfiles;
	unsigned int applies;
};

bool watch_wanted(const struct watch *w, const char *name);
/* The bytes of dir/name, following symlinks; NULL if it is not a regular
 * file now (being replaced, gone). */
char *watch_read(const struct watch *w, const char *name, size_t *len);
struct wfile *watch_find(struct watch *w, const char *name);
struct wfile *watch_add(struct watch *w, const char *name);
void watch_drop(struct watch *w, size_t i);
void watch_set_ready(const struct watch *w, bool ready);
/* Drain inotify; whether the directory itself went away. */
bool watch_drain(int ifd);
/* Checks the options, finds the directory, sets up inotify and the
 * signalfd (SIGTERM and SIGINT blocked: *old is the mask to restore).
 * Returns 0 or a CLI exit code, the error printed. */
int watch_setup(struct watch *w, int *ifd, int *sfd, sigset_t *old);

#endif
