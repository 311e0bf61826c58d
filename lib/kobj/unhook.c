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
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "kobj/kobj.h"

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

/* Whether /proc/PID/fdinfo/FD describes a link of this type ("link_type:\t"
 * line, with its newline) of prog_id. */
static bool holds_link(const char *path, const char *type_line, __u32 prog_id)
{
	char line[128];
	bool tracing = false, prog = false;
	FILE *f = fopen(path, "re");
	unsigned int id;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		tracing = tracing || !strcmp(line, type_line);
		prog = prog || (sscanf(line, "prog_id:\t%u", &id) == 1 && id == prog_id);
	}
	fclose(f);
	return tracing && prog;
}

/*
 * The kernel names no link's holders, but each holder's descriptor says
 * what it holds in /proc/PID/fdinfo (link_type, prog_id). Scanning every
 * process's descriptors is slow on a busy machine: only for the message
 * of an append that waited in vain, never on a packet or a read path.
 */
int xc_link_holders(const char *link_type, __u32 prog_id, char *buf, size_t len)
{
	char type_line[64];
	DIR *proc = opendir("/proc"), *fds;
	struct dirent *p, *fd;
	char path[600], comm[64];
	size_t used = 0;
	int n = 0;

	if (!proc)
		return -errno;
	if (len)
		buf[0] = '\0';
	snprintf(type_line, sizeof(type_line), "link_type:\t%s\n", link_type);
	while ((p = readdir(proc))) {
		bool held = false;
		FILE *f;

		if (p->d_name[0] < '1' || p->d_name[0] > '9' || atoi(p->d_name) == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fdinfo", p->d_name);
		fds = opendir(path);
		while (fds && !held && (fd = readdir(fds))) {
			if (fd->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/proc/%s/fdinfo/%s", p->d_name, fd->d_name);
			held = holds_link(path, type_line, prog_id);
		}
		if (fds)
			closedir(fds);
		if (!held)
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", p->d_name);
		f = fopen(path, "re");
		if (!f || !fgets(comm, sizeof(comm), f))
			snprintf(comm, sizeof(comm), "?");
		if (f)
			fclose(f);
		comm[strcspn(comm, "\n")] = '\0';
		if (used < len)
			used += (size_t)snprintf(buf + used, len - used, "%spid %s (%s)",
						 n ? ", " : "", p->d_name, comm);
		n++;
	}
	closedir(proc);
	return n;
}

int xc_unhook_holders(__u32 prog_id, char *buf, size_t len)
{
	return xc_link_holders("tracing", prog_id, buf, len);
}
