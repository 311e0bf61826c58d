// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* xdpchain attach: the program it opens, with the command line's
 * settings, and the maps it pins (attach.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "attach.h"
#include "opts.h"
#include "pins.h"

bool attach_is_loaded_spec(const char *file)
{
	return !strncmp(file, "id:", 3) || !strncmp(file, "pinned:", 7);
}

/* "id:N" or "pinned:PATH": an XDP program some application already
 * loaded. Returns NULL with *rc set on failure. */
static struct xdpchain_prog *open_loaded(struct cli_ctx *ctx, const char *spec, int *rc)
{
	struct xdpchain_prog *prog;
	__u32 id;
	int fd, err;

	if (!strncmp(spec, "id:", 3)) {
		*rc = opt_prog_id(ctx, spec + 3, &id);
		if (*rc)
			return NULL;
		fd = bpf_prog_get_fd_by_id(id);
	} else {
		if (!spec[7]) {
			cli_error(ctx, "%s: empty path", spec);
			*rc = CLI_EXIT_USAGE;
			return NULL;
		}
		fd = bpf_obj_get(spec + 7);
	}
	if (fd < 0) {
		err = errno;
		cli_error(ctx, "%s: cannot get the program: %s%s", spec, strerror(err),
			  cli_errno_hint(ctx, err));
		*rc = CLI_EXIT_FAIL;
		return NULL;
	}
	prog = xdpchain_prog__from_fd(fd);
	err = errno;
	close(fd);
	if (!prog) {
		cli_error(ctx, "%s: cannot use it: %s", spec,
			  err == EINVAL ? "not an XDP program (the message above says what it is)"
					: strerror(err));
		*rc = CLI_EXIT_FAIL;
	}
	return prog;
}

static struct xdpchain_prog *open_file(struct cli_ctx *ctx, const struct attach_args *a,
				       int *rc)
{
	struct xdpchain_prog *prog = xdpchain_prog__open_file(a->file, &a->oo);
	int err = errno;

	if (prog)
		return prog;
	*rc = CLI_EXIT_FAIL;
	/* The library's warning above says more; name the cause here too. */
	if (err == ENOENT && !access(a->file, F_OK)) {
		if (a->oo.prog_name)
			cli_error(ctx, "%s: no XDP program '%s' in it", a->file, a->oo.prog_name);
		else
			cli_error(ctx, "%s: no XDP program in it", a->file);
	} else if (err == ENOEXEC) {
		cli_error(ctx, "%s: not a usable BPF object (the library's message above says "
			  "why): %s", a->file, strerror(err));
	} else if (err == EINVAL && a->oo.prog_name) {
		cli_error(ctx, "%s: cannot use program '%s': %s", a->file, a->oo.prog_name,
			  strerror(err));
	} else {
		cli_error(ctx, "%s: cannot open: %s", a->file, strerror(err));
	}
	return NULL;
}

/* Command line over the ELF file's run config. */
static int apply_settings(struct cli_ctx *ctx, struct xdpchain_prog *prog,
			  const struct attach_args *a)
{
	int err;

	if (a->has_prio && (err = xdpchain_prog__set_priority(prog, a->prio))) {
		cli_error(ctx, "cannot set priority %d: %s", a->prio, strerror(-err));
		return err == -EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
	}
	if (a->has_cont && (err = xdpchain_prog__set_continue_on(prog, a->cont))) {
		cli_error(ctx, "cannot set the continue-on set: %s", strerror(-err));
		return err == -EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
	}
	if (a->observer && (err = xdpchain_prog__set_observer(prog, true))) {
		cli_error(ctx, "cannot make it an observer: %s", strerror(-err));
		return CLI_EXIT_FAIL;
	}
	if (a->owner && (err = xdpchain_prog__set_owner(prog, a->owner))) {
		/* Too long or a bad character: both a usage error. */
		if (err == -EINVAL || err == -ENAMETOOLONG) {
			cli_error(ctx, "invalid owner '%s' (at most 31 printable ASCII characters, "
				  "no spaces)", a->owner);
			return CLI_EXIT_USAGE;
		}
		cli_error(ctx, "cannot set owner '%s': %s", a->owner, strerror(-err));
		return CLI_EXIT_FAIL;
	}
	return 0;
}

struct xdpchain_prog *attach_open_prog(struct cli_ctx *ctx, const struct attach_args *a, int *rc)
{
	struct xdpchain_prog *prog;

	if (attach_is_loaded_spec(a->file))
		prog = open_loaded(ctx, a->file, rc);
	else
		prog = open_file(ctx, a, rc);
	if (prog && (*rc = apply_settings(ctx, prog, a))) {
		xdpchain_prog__close(prog);
		prog = NULL;
	}
	return prog;
}

/* --pin-maps DIR: created before the object is opened, as the root of
 * its LIBBPF_PIN_BY_NAME maps' pins (libbpf pins them as DIR/NAME when it
 * loads the object, or reuses a compatible map pinned there). */
int attach_make_pin_dir(struct cli_ctx *ctx, struct attach_args *a)
{
	int err = pins_make_dir(a->pin_maps, &a->made_dir);

	if (!err)
		return 0;
	cli_error(ctx, "--pin-maps %s: cannot create it: %s", a->pin_maps, strerror(-err));
	return CLI_EXIT_FAIL;
}

/* --pin-maps DIR, once the program joined: every other map of the
 * program's object pinned as DIR/NAME, named as bpftool's "pinmaps" and
 * bpf_object__pin_maps() name them (dots become underscores: bpffs
 * refuses them), so that other processes can read and update them. Maps
 * that libbpf pinned itself (LIBBPF_PIN_BY_NAME, in DIR) keep their own
 * pins. The pins belong to the caller: they outlive the program's time in
 * the chain, and removing them frees the maps. On failure the pins made
 * here so far are removed again (libbpf's stay: other objects may share
 * them). */
int attach_pin_maps(struct cli_ctx *ctx, struct attach_args *a, struct xdpchain_prog *prog)
{
	struct bpf_object *obj = xdpchain_prog__bpf_obj(prog);
	struct bpf_map *m;
	char path[PATH_MAX];
	int err = 0, n = 0;

	bpf_object__for_each_map(m, obj)
		n++;
	a->pinned = calloc((size_t)n + 1, sizeof(*a->pinned));
	if (!a->pinned) {
		cli_error(ctx, "out of memory");
		return CLI_EXIT_FAIL;
	}
	bpf_object__for_each_map(m, obj) {
		if (bpf_map__is_pinned(m) || bpf_map__fd(m) < 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", a->pin_maps, bpf_map__name(m)) >=
		    (int)sizeof(path)) {
			err = -ENAMETOOLONG;
		} else {
			for (char *c = path + strlen(a->pin_maps) + 1; *c; c++)
				if (*c == '.')
					*c = '_';
			err = bpf_obj_pin(bpf_map__fd(m), path) ? -errno : 0;
		}
		if (err) {
			cli_error(ctx, "--pin-maps: cannot pin map %s as %s: %s%s", bpf_map__name(m),
				  path, strerror(-err), err == -EPERM || err == -EINVAL ?
				  " (is the directory on a BPF filesystem?)" : "");
			break;
		}
		a->pinned[a->npinned] = strdup(path);
		if (!a->pinned[a->npinned]) {
			unlink(path);
			err = -ENOMEM;
			cli_error(ctx, "out of memory");
			break;
		}
		a->npinned++;
	}
	if (!err)
		return 0;
	while (a->npinned)
		unlink(a->pinned[--a->npinned]);
	return CLI_EXIT_FAIL;
}
