// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* The watched directory of apply --watch (watch_dir.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include "cli.h"
#include "watch_dir.h"

bool watch_wanted(const struct watch *w, const char *name)
{
	size_t n = strlen(name);

	if (w->only)
		return !strcmp(name, w->only);
	/* ..data, ..2026_12_07_..., editors' .swp files */
	return name[0] != '.' && n > 5 && !strcmp(name + n - 5, ".json");
}

char *watch_read(const struct watch *w, const char *name, size_t *len)
{
	int dfd = open(w->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), fd;
	char *buf = NULL;
	struct stat st;
	ssize_t got;

	if (dfd < 0)
		return NULL;
	fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	close(dfd);
	if (fd < 0)
		return NULL;
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size <= WATCH_MAX_FILE) {
		buf = malloc((size_t)st.st_size + 1);
		got = buf ? read(fd, buf, (size_t)st.st_size + 1) : -1;
		if (got < 0 || got > st.st_size) {
			free(buf);
			buf = NULL;
		} else {
			*len = (size_t)got;
		}
	} else if (!fstat(fd, &st) && S_ISREG(st.st_mode)) {
		/* Too large: apply says so, once per change of size. */
		buf = strdup("");
		*len = (size_t)st.st_size;
	}
	close(fd);
	return buf;
}

struct wfile *watch_find(struct watch *w, const char *name)
{
	for (size_t i = 0; i < w->nfiles; i++)
		if (!strcmp(w->files[i].name, name))
			return &w->files[i];
	return NULL;
}

struct wfile *watch_add(struct watch *w, const char *name)
{
	struct wfile *nf = realloc(w->files, (w->nfiles + 1) * sizeof(*nf));

	if (!nf)
		return NULL;
	w->files = nf;
	nf = &w->files[w->nfiles++];
	memset(nf, 0, sizeof(*nf));
	snprintf(nf->name, sizeof(nf->name), "%s", name);
	return nf;
}

void watch_drop(struct watch *w, size_t i)
{
	free(w->files[i].bytes);
	free(w->files[i].ifaces);
	w->files[i] = w->files[--w->nfiles];
}

void watch_set_ready(const struct watch *w, bool ready)
{
	int fd;

	if (!w->o->ready_file)
		return;
	if (!ready) {
		unlink(w->o->ready_file);
		return;
	}
	fd = open(w->o->ready_file, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
}

bool watch_drain(int ifd)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool gone = false;
	ssize_t n;

	while ((n = read(ifd, buf, sizeof(buf))) > 0)
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const void *)p;

			gone = gone || (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED));
			p += sizeof(*ev) + ev->len;
		}
	return gone;
}

int watch_setup(struct watch *w, int *ifd, int *sfd, sigset_t *old)
{
	struct cli_ctx *ctx = w->ctx;
	const char *path = w->o->path;
	struct stat st;
	sigset_t set;

	if (!w->o->watch || w->o->dry_run || (w->o->ready_file && !*w->o->ready_file)) {
		cli_error(ctx, "%s", !w->o->watch ? "--ready needs --watch"
				    : w->o->dry_run ? "--watch and --dry-run: a watch applies "
						      "(use --dry-run alone)"
				    : "--ready: empty file name");
		return CLI_EXIT_USAGE;
	}
	if (stat(path, &st) && errno != ENOENT) {
		cli_error(ctx, "%s: %s", path, strerror(errno));
		return CLI_EXIT_FAIL;
	}
	if (!stat(path, &st) && S_ISDIR(st.st_mode)) {
		snprintf(w->dir, sizeof(w->dir), "%s", path);
	} else {
		/* One file: its directory is watched (the file may be
		 * replaced by a rename, or not exist yet). */
		const char *slash = strrchr(path, '/');

		w->only = slash ? slash + 1 : path;
		if (!*w->only || !strcmp(w->only, ".") || !strcmp(w->only, "..")) {
			cli_error(ctx, "%s: not a file or a directory", path);
			return CLI_EXIT_USAGE;
		}
		if (!slash)
			snprintf(w->dir, sizeof(w->dir), ".");
		else if (slash == path)
			snprintf(w->dir, sizeof(w->dir), "/");
		else
			snprintf(w->dir, sizeof(w->dir), "%.*s", (int)(slash - path), path);
	}
	*ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (*ifd < 0 || inotify_add_watch(*ifd, w->dir, IN_CREATE | IN_DELETE | IN_MOVED_TO |
					  IN_MOVED_FROM | IN_CLOSE_WRITE | IN_ATTRIB |
					  IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR) < 0) {
		cli_error(ctx, "%s: cannot watch: %s", w->dir, strerror(errno));
		return errno == ENOENT || errno == ENOTDIR ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
	}
	/* Blocked, and read from a signalfd: a signal during an apply waits
	 * for it to finish, so a stop never cuts a transaction short. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, old);
	*sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (*sfd < 0) {
		cli_error(ctx, "cannot wait for signals: %s", strerror(errno));
		return CLI_EXIT_FAIL;
	}
	return 0;
}
