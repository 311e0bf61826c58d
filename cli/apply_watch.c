// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * xdpchain apply --watch PATH: apply PATH's files, then again whenever
 * they change, until SIGTERM or SIGINT (docs/apply.md, "Watching a
 * directory").
 *
 * A mounted ConfigMap changes by the kubelet's atomic swap: it writes a
 * new timestamped directory, points a "..data_tmp" symlink at it and
 * renames that over "..data"; the visible files are symlinks through
 * "..data" and never change themselves. So the directory is watched with
 * inotify (the rename is IN_MOVED_TO "..data"), every event only starts a
 * short quiet period, and then the whole directory is read again and each
 * file whose bytes differ from what was last applied is applied again.
 *
 * Each apply is a whole `xdpchain apply FILE` (cmd_apply(), its JSON
 * document captured): it takes and releases the interfaces' locks itself,
 * so nothing is held while waiting. What a file described and no longer
 * does (the file is gone, an interface left it, its owner changed) is
 * removed by applying `"programs": []` for that owner there, written to a
 * memfd: apply detaches an owner's programs only when told about the
 * interface.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <getopt.h>
#include <net/if.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <jansson.h>
#include "apply_config.h"
#include "apply_watch.h"
#include "watch_dir.h"
#include "cli.h"
#include "json.h"

/* One apply run, as a command would: argv for cmd_apply(), its JSON
 * document or error back. Returns its exit code. */
static int run_apply(struct watch *w, const char *file, json_t **doc, char *err, size_t errlen)
{
	struct cli_ctx sub = { .json = true, .verbose = w->ctx->verbose, .root = w->ctx->root,
			       .cmd = "apply" };
	char *argv[5], *buf = NULL;
	struct json_writer jw;
	size_t len = 0;
	int argc = 0, ret;
	FILE *out;

	*doc = NULL;
	out = open_memstream(&buf, &len);
	if (!out) {
		snprintf(err, errlen, "apply: cannot buffer its output: %s", strerror(errno));
		return CLI_EXIT_FAIL;
	}
	json_init(&jw, out);
	sub.jw = &jw;
	argv[argc++] = "apply";
	if (w->o->pin_maps) {
		argv[argc++] = "--pin-maps";
		argv[argc++] = (char *)w->o->pin_maps;
	}
	argv[argc++] = (char *)file;
	argv[argc] = NULL;
	optind = 0;
	ret = w->o->apply_once(&sub, argc, argv);
	fclose(out);
	if (!ret && !sub.has_error)
		*doc = json_loadb(buf ? buf : "", len, 0, NULL);
	if (sub.has_error)
		snprintf(err, errlen, "%s", sub.error);
	else if (!ret && !*doc)
		snprintf(err, errlen, "apply: unreadable output");
	free(buf);
	if (!ret && !*doc)
		ret = CLI_EXIT_FAIL;
	return ret;
}

/* "eth0 revision 3 -> 4 (2 changes), eth1 no changes" of an apply
 * document. */
static void summary(const json_t *doc, char *out, size_t len)
{
	const json_t *ifs = json_object_get(doc, "interfaces"), *f;
	size_t i, n = 0;

	out[0] = '\0';
	json_array_foreach(ifs, i, f) {
		const char *name = json_string_value(json_object_get(f, "ifname"));
		json_int_t before = json_integer_value(json_object_get(f, "revision_before"));
		json_int_t after = json_integer_value(json_object_get(f, "revision"));
		size_t steps = json_array_size(json_object_get(f, "plan"));
		int m;

		if (!json_is_true(json_object_get(f, "changed")) && !steps)
			m = snprintf(out + n, len - n, "%s%s no changes", n ? ", " : "", name);
		else if (!after)
			m = snprintf(out + n, len - n, "%s%s no chain left (%zu change%s)",
				     n ? ", " : "", name, steps, steps == 1 ? "" : "s");
		else
			m = snprintf(out + n, len - n, "%s%s revision %lld -> %lld (%zu change%s)",
				     n ? ", " : "", name, (long long)before, (long long)after, steps,
				     steps == 1 ? "" : "s");
		if (m < 0 || (size_t)m >= len - n)
			break;
		n += (size_t)m;
	}
	if (!n)
		snprintf(out, len, "no interfaces");
}

/* The one line of a re-apply: text, or a JSON object (JSON Lines). */
static void report(struct watch *w, const char *file, const char *event, const char *owner,
		   int ret, json_t *doc, const char *err)
{
	char sum[512];

	w->applies++;
	if (w->ctx->json) {
		json_t *line = json_pack("{s:s, s:s, s:b, s:i}", "file", file, "event", event,
					 "ok", !ret, "exit", ret);

		if (line && owner)
			json_object_set_new(line, "owner", json_string(owner));
		if (line && doc)
			json_object_set(line, "result", doc);
		else if (line)
			json_object_set_new(line, "error", json_string(err));
		if (line)
			json_dumpf(line, stdout, JSON_COMPACT);
		json_decref(line);
		putchar('\n');
	} else if (ret) {
		printf("%s: %s failed (exit %d): %s\n", file, event, ret, err);
	} else {
		summary(doc, sum, sizeof(sum));
		printf("%s: %s%s%s: %s\n", file, event, owner ? " of owner " : "",
		       owner ? owner : "", sum);
	}
	fflush(stdout);
}

/* Remove what owner had on the interfaces ifs[0..n), but where a file
 * of the directory still describes it for the same owner: apply
 * "programs": [] there. */
static void retire(struct watch *w, const char *file, const char *owner,
		   char (*ifs)[IF_NAMESIZE], size_t n)
{
	json_t *cfg = json_pack("{s:i, s:s, s:{}}", "version", 1, "owner", owner, "interfaces");
	json_t *ifaces = json_object_get(cfg, "interfaces"), *doc;
	char path[64], err[CLI_ERROR_MAX] = "";
	int fd, ret;

	for (size_t i = 0; cfg && i < n; i++) {
		bool kept = false;

		/* A file (this one too) describes it for the owner now. */
		for (size_t f = 0; f < w->nfiles && !kept; f++) {
			const struct wfile *o = &w->files[f];

			if (!o->present || strcmp(o->owner, owner))
				continue;
			for (size_t j = 0; j < o->nifaces && !kept; j++)
				kept = !strcmp(o->ifaces[j], ifs[i]);
		}
		/* An interface that is gone took the chain with it. */
		if (!kept && if_nametoindex(ifs[i]))
			json_object_set_new(ifaces, ifs[i], json_pack("{s:[]}", "programs"));
	}
	if (!cfg || !json_object_size(ifaces)) {
		json_decref(cfg);
		return;
	}
	fd = memfd_create("xdpchain-retire.json", MFD_CLOEXEC);
	if (fd < 0 || json_dumpfd(cfg, fd, JSON_COMPACT)) {
		snprintf(err, sizeof(err), "apply: cannot write the empty configuration: %s",
			 strerror(errno));
		ret = CLI_EXIT_FAIL;
		doc = NULL;
	} else {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		ret = run_apply(w, path, &doc, err, sizeof(err));
	}
	report(w, file, "remove", owner, ret, doc, err);
	json_decref(doc);
	json_decref(cfg);
	if (fd >= 0)
		close(fd);
}

/* Remember what cfg describes, for retiring it later. */
static int describe(struct wfile *f, const struct apply_config *cfg)
{
	char (*ifs)[IF_NAMESIZE] = calloc(cfg->nifaces + 1, sizeof(*ifs));

	if (!ifs)
		return -ENOMEM;
	for (size_t i = 0; i < cfg->nifaces; i++)
		snprintf(ifs[i], IF_NAMESIZE, "%s", cfg->ifaces[i].name);
	free(f->ifaces);
	f->ifaces = ifs;
	f->nifaces = cfg->nifaces;
	snprintf(f->owner, sizeof(f->owner), "%s", cfg->owner);
	return 0;
}

static void apply_one(struct watch *w, struct wfile *f, const char *event)
{
	char path[PATH_MAX + NAME_MAX + 2], err[CLI_ERROR_MAX] = "";
	struct apply_config cfg = {};
	struct wfile old = *f;
	json_t *doc;
	int ret;

	snprintf(path, sizeof(path), "%s/%s", w->dir, f->name);
	ret = run_apply(w, path, &doc, err, sizeof(err));
	f->ok = !ret;
	report(w, f->name, event, doc ? json_string_value(json_object_get(doc, "owner")) : NULL,
	       ret, doc, err);
	json_decref(doc);
	/* Applied: what the file described before and no longer does goes.
	 * (A file that failed keeps what it had: a typo removes nothing.) */
	if (ret || apply_config_parse(f->bytes, f->len, &cfg, err, sizeof(err)))
		return;
	old.ifaces = f->ifaces;
	f->ifaces = NULL;
	if (describe(f, &cfg) == 0 && old.ifaces && old.owner[0])
		retire(w, f->name, old.owner, old.ifaces, old.nifaces);
	free(old.ifaces);
	apply_config_free(&cfg);
}

/* Read the directory; apply what is new, changed, or failed last time
 * (retry); remove what vanished. Presence is known for every file before
 * anything is applied or removed: retire() keeps what another file still
 * describes. Returns whether every file applied. */
static bool scan(struct watch *w, bool retry)
{
	DIR *d = opendir(w->dir);
	struct dirent *de;
	bool all_ok = true;

	if (!d)
		return false;
	for (size_t i = 0; i < w->nfiles; i++)
		w->files[i].present = false;
	while ((de = readdir(d))) {
		struct stat st;

		if (watch_wanted(w, de->d_name) && !fstatat(dirfd(d), de->d_name, &st, 0) &&
		    S_ISREG(st.st_mode) && (watch_find(w, de->d_name) || watch_add(w, de->d_name)))
			watch_find(w, de->d_name)->present = true;
	}
	closedir(d);
	for (size_t i = 0; i < w->nfiles; i++) {
		struct wfile *f = &w->files[i];
		size_t len = 0;
		char *bytes;
		bool same;

		if (!f->present)
			continue;
		bytes = watch_read(w, f->name, &len);
		if (!bytes) {
			/* gone meanwhile: the next event's scan sees it */
			all_ok = false;
			continue;
		}
		same = f->bytes && f->len == len && !memcmp(f->bytes, bytes, len);
		if (same && (f->ok || !retry)) {
			free(bytes);
		} else {
			const char *event = !f->bytes ? "apply" : same ? "retry" : "change";

			free(f->bytes);
			f->bytes = bytes;
			f->len = len;
			apply_one(w, f, event);
		}
		all_ok = all_ok && f->ok;
	}
	for (size_t i = 0; i < w->nfiles;) {
		struct wfile *f = &w->files[i];

		if (f->present) {
			i++;
			continue;
		}
		if (f->owner[0])
			retire(w, f->name, f->owner, f->ifaces, f->nifaces);
		watch_drop(w, i);
	}
	return all_ok;
}

static void stopped(struct watch *w, const char *why)
{
	if (w->ctx->json) {
		/* main prints it as the last line, after the applies'. */
		json_start_object(w->ctx->jw);
		json_kv_string(w->ctx->jw, "event", "stop");
		json_kv_string(w->ctx->jw, "reason", why);
		json_kv_uint(w->ctx->jw, "applies", w->applies);
		json_end_object(w->ctx->jw);
	} else {
		printf("watch stopped: %s, %u applies\n", why, w->applies);
	}
}

int apply_watch(struct cli_ctx *ctx, const struct apply_watch_opts *opts)
{
	struct watch w = { .ctx = ctx, .o = opts };
	int ifd = -1, sfd = -1, ret;
	bool ok, changed;
	sigset_t old;

	ret = watch_setup(&w, &ifd, &sfd, &old);
	if (ret)
		goto out;
	/* One left by a watcher that was killed (an emptyDir outlives a
	 * container's restart) says nothing of this one. */
	watch_set_ready(&w, false);
	ok = scan(&w, false);
	watch_set_ready(&w, ok);
	for (;;) {
		struct pollfd p[2] = { { .fd = sfd, .events = POLLIN },
				       { .fd = ifd, .events = POLLIN } };
		struct signalfd_siginfo si;
		int n = poll(p, 2, ok ? -1 : WATCH_RETRY_MS);

		if (n < 0 && errno != EINTR) {
			cli_error(ctx, "poll: %s", strerror(errno));
			ret = CLI_EXIT_FAIL;
			break;
		}
		if (n > 0 && (p[0].revents & POLLIN) && read(sfd, &si, sizeof(si)) == sizeof(si)) {
			stopped(&w, strsignal((int)si.ssi_signo));
			break;
		}
		changed = n > 0 && (p[1].revents & POLLIN);
		if (changed) {
			bool gone = watch_drain(ifd);

			/* Quiet period: more events restart it. */
			while (!gone && poll(&p[1], 1, WATCH_QUIET_MS) > 0)
				gone = watch_drain(ifd);
			if (gone) {
				cli_error(ctx, "%s: the directory went away", w.dir);
				ret = CLI_EXIT_FAIL;
				break;
			}
		}
		/* A timeout: retry what failed. */
		if (changed || n == 0) {
			ok = scan(&w, n == 0);
			watch_set_ready(&w, ok);
		}
	}
out:
	watch_set_ready(&w, false);
	while (w.nfiles)
		watch_drop(&w, 0);
	free(w.files);
	if (ifd >= 0)
		close(ifd);
	if (sfd >= 0) {
		close(sfd);
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	return ret;
}
