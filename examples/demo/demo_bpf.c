// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Kernel objects of the demo's programs: their global variables (the
 * counters, in each program's .bss map) and whether they are still
 * loaded. Everything is found from the program id alone, the way any
 * other tool could inspect a chain it did not build. */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "demo.h"

#define MAX_MAPS 16

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* The program's map named "<object>.bss" (libbpf names internal maps
 * after the object, truncated, and the section). fd or negative errno. */
static int bss_map_fd(__u32 prog_id, size_t value_size)
{
	__u32 ids[MAX_MAPS] = { 0 }, len, n;
	struct bpf_prog_info info;
	int fd, err;

	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		return -errno;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = MAX_MAPS;
	info.map_ids = (__u64)(unsigned long)ids;
	len = sizeof(info);
	err = bpf_obj_get_info_by_fd(fd, &info, &len) ? -errno : 0;
	close(fd);
	if (err)
		return err;
	n = info.nr_map_ids < MAX_MAPS ? info.nr_map_ids : MAX_MAPS;
	for (__u32 i = 0; i < n; i++) {
		struct bpf_map_info mi;
		__u32 mlen = sizeof(mi);
		int mfd = bpf_map_get_fd_by_id(ids[i]);

		if (mfd < 0)
			continue; /* freed meanwhile: not ours to worry about */
		memset(&mi, 0, sizeof(mi));
		if (!bpf_obj_get_info_by_fd(mfd, &mi, &mlen) && ends_with(mi.name, ".bss") &&
		    mi.type == BPF_MAP_TYPE_ARRAY) {
			if (mi.value_size == value_size)
				return mfd;
			close(mfd);
			return -EMSGSIZE; /* not the program we think it is */
		}
		close(mfd);
	}
	return -ENOENT;
}

int demo_bpf_read_bss(__u32 prog_id, void *val, size_t size)
{
	__u32 key = 0;
	int fd, err = 0;

	fd = bss_map_fd(prog_id, size);
	if (fd < 0)
		return fd;
	if (bpf_map_lookup_elem(fd, &key, val))
		err = -errno;
	close(fd);
	return err;
}

bool demo_bpf_prog_alive(__u32 prog_id, int timeout_ms)
{
	const struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };

	/* The last reference of a program may be dropped from a work queue
	 * (a program array releases its entries asynchronously). */
	for (int waited = 0;; waited += 10) {
		int fd = bpf_prog_get_fd_by_id(prog_id);

		if (fd < 0 && errno == ENOENT)
			return false;
		if (fd >= 0)
			close(fd);
		if (waited >= timeout_ms)
			return true;
		nanosleep(&tick, NULL);
	}
}

/*
 * veth queues the frames a native XDP program sends back with XDP_TX on
 * the peer's ring, but wakes the peer up to read them only if the peer
 * runs an XDP program too (kernel 6.18 included; with GRO alone the frames
 * wait for unrelated traffic). The smallest program there is does.
 */
int demo_bpf_attach_pass(int ifindex, __u32 *prog_id)
{
	const struct bpf_insn insns[] = {
		/* r0 = XDP_PASS; exit */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int fd, err = 0;

	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "xdemo_pass", "GPL", insns,
			   sizeof(insns) / sizeof(insns[0]), NULL);
	if (fd < 0)
		return -errno;
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		err = -errno;
	/* Attached through netlink, so it stays after close(fd) and goes
	 * with the interface. */
	if (!err && bpf_xdp_attach(ifindex, fd, XDP_FLAGS_DRV_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST,
				   NULL))
		err = -errno;
	close(fd);
	if (!err)
		*prog_id = info.id;
	return err;
}
