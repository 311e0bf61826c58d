// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * skelapp: an application as they are written, for the kernel suites. It
 * opens the example firewall through its libbpf skeleton, sets the port to
 * block in .rodata before the load, joins the chain on IFACE with
 * xdpchain_prog__from_bpf_obj(), and then answers commands on stdin:
 *   counts   "dropped D passed P map D P": the firewall's .bss counters
 *            read through the skeleton's mmap-ed pointer, then through the
 *            map's file descriptor from xdpchain_prog__bpf_obj()
 *   quit     detach the program, close the handle, destroy the skeleton
 * usage: skelapp IFACE PORT tailcall|freplace|auto [fallback|retry]
 * fallback: native mode first and, if the interface refuses it, skb mode
 * with the same handle (as applications do; prints "retry skb").
 * retry: if the attach fails, once more with the same handle (prints
 * "retry: REASON").
 * Prints "id N" once attached; errors on stderr, exit 1.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdpchain/xdpchain.h>
#include "xdp_firewall.skel.h"

static int fail(const char *what, int err)
{
	fprintf(stderr, "skelapp: %s: %s\n", what, strerror(err < 0 ? -err : err));
	return 1;
}

/* The .bss counters as the map holds them, through its fd. */
static int map_counts(struct xdpchain_prog *prog, __u64 *dropped, __u64 *passed)
{
	struct bpf_object *obj = xdpchain_prog__bpf_obj(prog);
	struct bpf_map *bss = obj ? bpf_object__find_map_by_name(obj, ".bss") : NULL;
	struct xdp_firewall__bss val;
	__u32 key = 0;

	if (!bss || bpf_map__value_size(bss) != sizeof(val))
		return -ENOENT;
	if (bpf_map_lookup_elem(bpf_map__fd(bss), &key, &val))
		return -errno;
	*dropped = val.fw_dropped;
	*passed = val.fw_passed;
	return 0;
}

int main(int argc, char **argv)
{
	XDPCHAIN_OPTS(xdpchain_attach_opts, ao);
	struct xdp_firewall *skel;
	struct xdpchain_prog *prog;
	char line[64];
	int ifindex, err;
	__u32 id;

	if (argc < 4 || argc > 5 || !(ifindex = (int)if_nametoindex(argv[1])) ||
	    xdpchain_backend_parse(argv[3], &ao.backend) ||
	    (argc == 5 && strcmp(argv[4], "fallback") && strcmp(argv[4], "retry"))) {
		fprintf(stderr, "usage: skelapp IFACE PORT tailcall|freplace|auto "
			"[fallback|retry]\n");
		return 2;
	}
	if (argc == 5 && !strcmp(argv[4], "fallback"))
		ao.mode = XDPCHAIN_MODE_NATIVE;
	skel = xdp_firewall__open();
	if (!skel)
		return fail("open", errno);
	skel->rodata->blocked_port = (__u16)atoi(argv[2]);
	prog = xdpchain_prog__from_bpf_obj(skel->obj, NULL, NULL);
	if (!prog)
		return fail("from_bpf_obj", errno);
	if (xdpchain_prog__bpf_obj(prog) != skel->obj)
		return fail("bpf_obj is not the skeleton's object", EINVAL);
	err = xdpchain_attach(prog, ifindex, &ao);
	if (err && argc == 5 && !strcmp(argv[4], "retry")) {
		printf("retry: %s\n", strerror(-err));
		fflush(stdout);
		err = xdpchain_attach(prog, ifindex, &ao);
	}
	if (err == -EOPNOTSUPP && argc == 5 && !strcmp(argv[4], "fallback")) {
		printf("retry skb\n");
		fflush(stdout);
		ao.mode = XDPCHAIN_MODE_SKB;
		err = xdpchain_attach(prog, ifindex, &ao);
	}
	if (err)
		return fail("attach", err);
	id = xdpchain_prog__id(prog);
	printf("id %u\n", id);
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin)) {
		if (!strncmp(line, "counts", 6)) {
			__u64 d = 0, p = 0;

			err = map_counts(prog, &d, &p);
			if (err)
				return fail("the firewall's .bss map", err);
			printf("dropped %llu passed %llu map %llu %llu\n",
			       (unsigned long long)skel->bss->fw_dropped,
			       (unsigned long long)skel->bss->fw_passed, (unsigned long long)d,
			       (unsigned long long)p);
		} else if (!strncmp(line, "quit", 4)) {
			break;
		}
		fflush(stdout);
	}
	err = xdpchain_detach_id(ifindex, id, NULL);
	xdpchain_prog__close(prog);
	xdp_firewall__destroy(skel);
	if (err)
		return fail("detach", err);
	printf("bye\n");
	return 0;
}
