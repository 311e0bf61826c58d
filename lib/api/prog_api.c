// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* The program handle's API (layer 5): open a program from an ELF file or
 * memory (loaded only when it joins a chain, as EXT or as plain XDP
 * depending on its slot kind), or wrap an already loaded XDP program; its
 * run configuration. prog.c (layer 1) does the work. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "kobj/kobj.h"
#include "api/api.h"

struct xdpchain_prog *xdpchain_prog__open_file(const char *path,
					       const struct xdpchain_open_opts *opts)
{
	if (!path || !XC_OPTS_VALID(opts, xdpchain_open_opts))
		return xc_err_ptr(-EINVAL);
	return xc_prog_open_file(path, XC_OPTS_GET(opts, prog_name, NULL),
				 XC_OPTS_GET(opts, pin_root_path, NULL));
}

struct xdpchain_prog *xdpchain_prog__open_mem(const void *buf, size_t size,
					      const struct xdpchain_open_opts *opts)
{
	if (!buf || !size || !XC_OPTS_VALID(opts, xdpchain_open_opts))
		return xc_err_ptr(-EINVAL);
	return xc_prog_open_mem(buf, size, XC_OPTS_GET(opts, obj_name, NULL),
				XC_OPTS_GET(opts, prog_name, NULL),
				XC_OPTS_GET(opts, pin_root_path, NULL));
}

struct xdpchain_prog *xdpchain_prog__from_bpf_obj(struct bpf_object *obj, const char *prog_name,
						  const struct xdpchain_open_opts *opts)
{
	const char *opt_name;

	if (!obj || !XC_OPTS_VALID(opts, xdpchain_open_opts))
		return xc_err_ptr(-EINVAL);
	opt_name = XC_OPTS_GET(opts, prog_name, NULL);
	if (opt_name && prog_name && strcmp(opt_name, prog_name))
		return xc_err_ptr(-EINVAL);
	/* The object was opened by the caller, and with it the pin paths
	 * of its LIBBPF_PIN_BY_NAME maps: a root given here would be lost. */
	if (XC_OPTS_GET(opts, pin_root_path, NULL)) {
		xc_warn("%s: pin_root_path applies when the object is opened: set it in "
			"bpf_object_open_opts (or bpf_map__set_pin_path() per map)\n",
			bpf_object__name(obj));
		return xc_err_ptr(-EINVAL);
	}
	return xc_prog_from_obj(obj, prog_name ? prog_name : opt_name);
}

struct bpf_object *xdpchain_prog__bpf_obj(const struct xdpchain_prog *p)
{
	return p ? p->obj : NULL;
}

struct xdpchain_prog *xdpchain_prog__from_fd(int prog_fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	struct xdpchain_prog *p;
	int err;

	if (prog_fd < 0)
		return xc_err_ptr(-EBADF);
	/* A map's or link's descriptor gives object info too (of another
	 * kind, whose id would be taken for a program's). */
	if (!xc_fd_is(prog_fd, XC_FD_PROG)) {
		xc_warn("descriptor %d is not a BPF program (a map or a link?)\n", prog_fd);
		return xc_err_ptr(-EINVAL);
	}
	err = bpf_obj_get_info_by_fd(prog_fd, &info, &len);
	if (err)
		return xc_err_ptr(-errno);
	if (info.type != BPF_PROG_TYPE_XDP) {
		xc_warn("program %u is not an XDP program\n", info.id);
		return xc_err_ptr(-EINVAL);
	}
	p = xc_prog_new();
	if (!p)
		return xc_err_ptr(-ENOMEM);
	p->fd = fcntl_dupfd(prog_fd);
	if (p->fd < 0) {
		err = -errno;
		free(p);
		return xc_err_ptr(err);
	}
	p->from_fd = true;
	p->id = info.id;
	/* The kernel keeps at most 15 bytes of the name. */
	p->name = strdup(info.name[0] ? info.name : "unnamed");
	if (!p->name) {
		xdpchain_prog__close(p);
		return xc_err_ptr(-ENOMEM);
	}
	/* Whether it was loaded frags-aware is not exposed by bpf_prog_info
	 * on all kernels: assume not, which is always safe. */
	p->frags = false;
	return p;
}

void xdpchain_prog__close(struct xdpchain_prog *p)
{
	xc_prog_free(p);
}

int xdpchain_prog__set_priority(struct xdpchain_prog *p, int priority)
{
	if (!p)
		return xc_err(-EINVAL);
	p->priority = priority;
	return 0;
}

int xdpchain_prog__priority(const struct xdpchain_prog *p)
{
	return p ? p->priority : XDPCHAIN_DEFAULT_PRIORITY;
}

int xdpchain_prog__set_continue_on(struct xdpchain_prog *p, __u32 verdicts)
{
	if (!p || (verdicts & ~XDPCHAIN_VERDICTS_ALL))
		return xc_err(-EINVAL);
	p->continue_on = verdicts;
	return 0;
}

__u32 xdpchain_prog__continue_on(const struct xdpchain_prog *p)
{
	return p ? p->continue_on : 0;
}

int xdpchain_prog__set_owner(struct xdpchain_prog *p, const char *owner)
{
	int err;

	if (!p)
		return xc_err(-EINVAL);
	err = xc_owner_valid(owner);
	if (err) {
		xc_warn("invalid owner label: at most %d printable characters, no spaces\n",
			XDPCHAIN_OWNER_LEN - 1);
		return xc_err(err);
	}
	snprintf(p->owner, sizeof(p->owner), "%s", owner);
	return 0;
}

const char *xdpchain_prog__name(const struct xdpchain_prog *p)
{
	return p ? p->name : NULL;
}

__u32 xdpchain_prog__id(const struct xdpchain_prog *p)
{
	return p ? p->id : 0;
}

bool xdpchain_prog__frags(const struct xdpchain_prog *p)
{
	return p && p->frags;
}

int xdpchain_prog__set_observer(struct xdpchain_prog *p, bool observer)
{
	if (!p)
		return xc_err(-EINVAL);
	p->observer = observer;
	return 0;
}

bool xdpchain_prog__observer(const struct xdpchain_prog *p)
{
	return p && p->observer;
}


int xdpchain_prog__tag(struct xdpchain_prog *p, __u8 tag[8])
{
	if (!p || !tag)
		return xc_err(-EINVAL);
	return xc_err(xc_prog_tag_of(p, tag));
}

bool xc_prog_pin_why(const struct xdpchain_prog *p, char *buf, size_t len)
{
	/* Only before its load: a loaded program's maps were pinned. */
	return p && p->obj && !p->id && xc_pin_why(p->obj, buf, len);
}
