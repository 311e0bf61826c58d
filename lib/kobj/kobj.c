// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Small questions to the kernel about one BPF object or one interface
 * (layer 1): what a file descriptor is, an interface's name, a
 * program's name and tag, and waiting for packets in flight. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/if_link.h>
#include <linux/membarrier.h>
#include <bpf/bpf.h>
#include "kobj/kobj.h"

/* What a file descriptor from bpffs is: "bpf-prog", "bpf-map", "bpf-link"
 * (the kernel's anonymous inode names; older kernels spell the last one
 * "bpf_link"). Object info alone cannot tell: the info call succeeds on
 * any BPF object, and ids of different kinds overlap. */
bool xc_fd_is(int fd, const char *kind)
{
	char path[64], target[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	if (strncmp(target, "anon_inode:", 11))
		return false;
	for (char *p = target + 11; *p; p++)
		if (*p == '_')
			*p = '-';
	return !strcmp(target + 11, kind);
}

const char *xc_ifname(int ifindex, char buf[IF_NAMESIZE])
{
	if (!if_indextoname((unsigned int)ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "if%d", ifindex);
	return buf;
}

void xc_prog_name_by_id(__u32 id, char *name, size_t len)
{
	struct bpf_prog_info info = {};
	__u32 ilen = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id);

	snprintf(name, len, "?");
	if (fd < 0)
		return;
	if (!bpf_obj_get_info_by_fd(fd, &info, &ilen))
		snprintf(name, len, "%s", info.name);
	close(fd);
}

int xc_prog_tag(int fd, __u8 tag[8], __u32 *id)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	memcpy(tag, info.tag, 8);
	if (id)
		*id = info.id;
	return 0;
}

__u32 xc_mode_flags(enum xdpchain_mode mode)
{
	return mode == XDPCHAIN_MODE_SKB ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
}

/*
 * After a swap or a detach, packets that entered the old dispatcher just
 * before it may still be running in it, and they use the old revision's
 * program array and freplace links: collecting those now would make such
 * a packet skip a program. XDP runs inside RCU read-side sections, so one
 * RCU grace period (membarrier(MEMBARRIER_CMD_GLOBAL) waits for one) lets
 * them finish. Kernels booted with nohz_full refuse that command: then
 * wait a little, which covers any packet in practice but is no proof.
 */
void xc_wait_inflight(void)
{
	if (syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0) == 0)
		return;
	xc_debug("membarrier: %s; waiting 20 ms for packets in flight\n", strerror(errno));
	usleep(20000);
}

static pthread_once_t frags_once = PTHREAD_ONCE_INIT;
static bool frags_ok = true;

static void frags_probe(void)
{
	/* r0 = XDP_PASS; exit */
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .prog_flags = BPF_F_XDP_HAS_FRAGS);
	int fd;

	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "xdpchain_frags", "GPL", insns, 2, &opts);
	if (fd >= 0) {
		close(fd);
		return;
	}
	/* Before 5.18 the flag is an unknown bit: EINVAL. Any other error
	 * (privileges, memlock) says nothing about it, and the real load
	 * will report that error itself. */
	frags_ok = errno != EINVAL;
	xc_debug("multi-buffer probe: %s\n", frags_ok ? strerror(errno) : "not supported");
}

/* A program declared xdp.frags handles single-buffer packets too, so on
 * an older kernel it loads without the flag rather than not at all. */
bool xc_kernel_has_frags(void)
{
	pthread_once(&frags_once, frags_probe);
	return frags_ok;
}

/*
 * Empty entry pos of a tail-call slot's program array (a vacated slot,
 * and the old positions of a relocated chain). Not by deleting
 * it: deleting an entry that a JIT-patched direct tail call targets took
 * 10-15 ms on Linux 6.18 (replacing one takes 40 us). The entry gets a
 * stub that returns what an empty slot returns (XDPCHAIN_RET_EMPTY)
 * instead, and the array holds its only reference. The kernel lets
 * only programs of the array owner's type and frags flag in.
 */
int xc_prog_array_stub(int array_fd, unsigned int pos, bool frags)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = XDPCHAIN_RET_EMPTY },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = BPF_XDP,
		    .prog_flags = frags ? BPF_F_XDP_HAS_FRAGS : 0);
	int fd, err = 0;

	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "xdpchain_empty", "GPL", insns, 2, &o);
	if (fd < 0)
		return -errno;
	/* BPF_ANY: program arrays refuse every other flag. */
	if (bpf_map_update_elem(array_fd, &pos, &fd, BPF_ANY))
		err = -errno;
	close(fd);
	return err;
}

static size_t live_len(void)
{
	long page = sysconf(_SC_PAGESIZE);

	return (sizeof(struct xdpchain_live) + (size_t)page - 1) & ~((size_t)page - 1);
}

/* A dispatcher's live map (its .bss, mmap-able as every .bss libbpf
 * makes) mapped shared: written in place while packets read it. */
struct xdpchain_live *xc_live_mmap(int fd)
{
	void *p = mmap(NULL, live_len(), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

void xc_live_munmap(struct xdpchain_live *live)
{
	munmap(live, live_len());
}

/*
 * The commit point of an append or a relocation: the live start and end
 * in one aligned 64-bit store (release: no packet sees the positions
 * before their descriptions and programs), which the dispatcher reads
 * with one load, so each packet runs the old positions or the new ones.
 * An append stores the start it keeps: a store of half the word could
 * tear the dispatcher's load.
 */
void xc_live_commit(struct xdpchain_live *live, __u32 start, __u32 end)
{
	__atomic_store_n((__u64 *)(void *)live, XDPCHAIN_LIVE_RANGE(start, end), __ATOMIC_RELEASE);
}
