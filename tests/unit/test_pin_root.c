// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* xdpchain_open_opts.pin_root_path, through the public API and without a
 * kernel (opening needs no privileges): the map test_pinned.o declares
 * LIBBPF_PIN_BY_NAME gets the pin path ROOT/NAME (libbpf's default root
 * without the option), the other map none; an options struct of the size
 * before the field still opens; xdpchain_prog__from_bpf_obj() refuses the
 * field (the caller's object has its pin paths from its own open).
 * Usage: test_pin_root TEST_BPF_DIR */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <xdpchain/xdpchain.h>
#include "check.h"

static const char *pin_path(struct xdpchain_prog *p, const char *map)
{
	struct bpf_map *m = bpf_object__find_map_by_name(xdpchain_prog__bpf_obj(p), map);

	return m ? bpf_map__pin_path(m) : "(no such map)";
}

static bool same(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

static void check_paths(struct xdpchain_prog *p, const char *want)
{
	CHECK(p != NULL);
	if (!p)
		return;
	if (!same(pin_path(p, "pinned_cfg"), want))
		fprintf(stderr, "pinned_cfg: pin path %s, expected %s\n",
			pin_path(p, "pinned_cfg") ?: "(none)", want);
	CHECK(same(pin_path(p, "pinned_cfg"), want));
	CHECK(pin_path(p, "own_count") == NULL);
	xdpchain_prog__close(p);
}

int main(int argc, char **argv)
{
	XDPCHAIN_OPTS(xdpchain_open_opts, oo, .pin_root_path = "/tmp/xdpc-pins");
	XDPCHAIN_OPTS(xdpchain_open_opts, old);
	LIBBPF_OPTS(bpf_object_open_opts, bo, .pin_root_path = "/tmp/xdpc-app");
	struct bpf_object *obj;
	struct xdpchain_prog *p;
	char path[4096];
	void *buf = NULL;
	long size = 0;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: %s TEST_BPF_DIR\n", argv[0]);
		return 2;
	}
	snprintf(path, sizeof(path), "%s/test_pinned.o", argv[1]);

	check_paths(xdpchain_prog__open_file(path, &oo), "/tmp/xdpc-pins/pinned_cfg");
	check_paths(xdpchain_prog__open_file(path, NULL), "/sys/fs/bpf/pinned_cfg");
	/* A caller built before the field: its struct ends at obj_name. */
	old.sz = offsetof(struct xdpchain_open_opts, pin_root_path);
	check_paths(xdpchain_prog__open_file(path, &old), "/sys/fs/bpf/pinned_cfg");

	f = fopen(path, "rb");
	CHECK(f != NULL);
	if (f && !fseek(f, 0, SEEK_END) && (size = ftell(f)) > 0 && !fseek(f, 0, SEEK_SET) &&
	    (buf = malloc((size_t)size)) && fread(buf, 1, (size_t)size, f) == (size_t)size)
		check_paths(xdpchain_prog__open_mem(buf, (size_t)size, &oo),
			    "/tmp/xdpc-pins/pinned_cfg");
	else
		CHECK(!"read test_pinned.o");
	if (f)
		fclose(f);
	free(buf);

	/* The application's own object: its pin root, set when it opened it. */
	obj = bpf_object__open_file(path, &bo);
	CHECK(obj != NULL);
	if (obj) {
		errno = 0;
		p = xdpchain_prog__from_bpf_obj(obj, NULL, &oo);
		CHECK(p == NULL && errno == EINVAL);
		xdpchain_prog__close(p);
		p = xdpchain_prog__from_bpf_obj(obj, NULL, NULL);
		CHECK(p != NULL);
		if (p)
			CHECK(same(pin_path(p, "pinned_cfg"), "/tmp/xdpc-app/pinned_cfg"));
		xdpchain_prog__close(p);
		bpf_object__close(obj);
	}
	return check_report("test_pin_root");
}
