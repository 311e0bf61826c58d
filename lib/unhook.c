// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * Waiting for an extension to leave a function (layer 1).
 *
 * A freplace link is released when its last reference goes, and the one
 * a bpffs pin holds goes some time after the unlink: bpffs frees the inode
 * from an RCU callback, which drops the link from a work item. Tracing
 * links have no BPF_LINK_DETACH. Nothing tells when the kernel has patched
 * the function back, but one thing is refused while an extension replaces
 * it: another program on the same function's trampoline ("cannot attach
 * fentry/fexit if extension prog is attached", -EBUSY, under the
 * trampoline's mutex, the one the release takes to patch the function
 * back). So a do-nothing fentry program on the function attaches exactly
 * once the extension is gone; it is detached at once (closing its only
 * fd releases it synchronously), and while it is there it only adds a
 * call to each packet. Used by append.c when a chain of one stops
 * running its program in place of the dispatcher's main function.
 */
#include <errno.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "kobj.h"

int xc_unhook_probe(int target_fd, __u32 btf_id)
{
	/* r0 = 0; exit: an fentry program must return 0. */
	static const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = BPF_TRACE_FENTRY,
		    .attach_prog_fd = (__u32)target_fd, .attach_btf_id = btf_id);
	int fd;

	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "xdpchain_unhook", "Dual BSD/GPL", insns,
			   sizeof(insns) / sizeof(insns[0]), &o);
	return fd < 0 ? -errno : fd;
}

static __u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000 + (__u64)ts.tv_nsec / 1000000;
}

int xc_unhook_wait(int probe_fd, unsigned int timeout_ms)
{
	__u64 end = now_ms() + timeout_ms;
	useconds_t pause = 500;
	int fd;

	for (;;) {
		/* The program's own target, kept by the kernel until an
		 * attach succeeds (a refused one keeps it). Not
		 * BPF_LINK_CREATE: Linux 5.10 takes only extensions there. */
		fd = bpf_raw_tracepoint_open(NULL, probe_fd);
		if (fd >= 0) {
			close(fd);
			return 0;
		}
		if (errno != EBUSY)
			return -errno;
		if (now_ms() >= end)
			return -ETIMEDOUT;
		usleep(pause);
		if (pause < 16000)
			pause *= 2;
	}
}
