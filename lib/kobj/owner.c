// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * Owner-bound attachments (XDPCHAIN_SLOT_F_UNTIL_EXIT): is the process that
 * owns a slot still alive? A pid alone is not enough, pids are reused: the
 * slot records the process's start time (/proc/PID/stat field 22, clock
 * ticks since boot, fixed for the life of a process) and the inode of its
 * pid namespace, where the pid means something. A process in another pid
 * namespace cannot tell, and then keeps the program (never collect what we
 * cannot prove dead).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "kobj/kobj.h"

int xc_stat_parse(const char *buf, size_t len, char *state, __u64 *start)
{
	const char *p = NULL, *end = buf + len;
	unsigned long long v = 0;
	int field;

	/* comm (field 2) is in parentheses and may itself hold ')' and
	 * spaces: the fields after it start after the last ')'. */
	for (const char *q = buf; q < end; q++)
		if (*q == ')')
			p = q;
	if (!p)
		return -EINVAL;
	p++;
	/* p is at " S ppid ...": field 3 is the state. */
	for (field = 2; field < 22; field++) {
		if (p >= end || *p != ' ')
			return -EINVAL;
		p++;
		if (field + 1 == 3) {
			if (p >= end)
				return -EINVAL;
			*state = *p;
		}
		if (field + 1 == 22) {
			const char *d = p;

			v = 0;
			while (d < end && *d >= '0' && *d <= '9') {
				if (v > (~0ull - 9) / 10)
					return -ERANGE;
				v = v * 10 + (unsigned long long)(*d - '0');
				d++;
			}
			if (d == p)
				return -EINVAL;
			*start = v;
			return 0;
		}
		while (p < end && *p != ' ')
			p++;
	}
	return -EINVAL;
}

int xc_proc_start(__u32 pid, __u64 *start, char *state)
{
	char path[64], buf[1024];
	char st = '?';
	ssize_t n;
	int fd, err;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	err = n < 0 ? -errno : 0;
	close(fd);
	if (err)
		return err;
	buf[n] = '\0';
	err = xc_stat_parse(buf, (size_t)n, &st, start);
	if (state)
		*state = st;
	return err;
}

int xc_pidns_ino(__u64 *ino)
{
	struct stat st;

	if (stat("/proc/self/ns/pid", &st))
		return -errno;
	*ino = st.st_ino;
	return 0;
}

int xc_owner_init(struct xdpchain_slot_meta *m, __u32 pid)
{
	__u64 start, ns;
	char state;
	int err;

	err = xc_pidns_ino(&ns);
	if (err)
		return err;
	err = xc_proc_start(pid, &start, &state);
	if (err == -ENOENT || (!err && (state == 'Z' || state == 'X')))
		return -ESRCH;
	if (err)
		return err;
	m->flags |= XDPCHAIN_SLOT_F_UNTIL_EXIT;
	m->owner_pid = pid;
	m->owner_start = start;
	m->owner_pidns = ns;
	return 0;
}

int xc_owner_alive(const struct xdpchain_slot_meta *m)
{
	__u64 start, ns;
	char state;
	int err;

	if (!(m->flags & XDPCHAIN_SLOT_F_UNTIL_EXIT))
		return 1;
	err = xc_pidns_ino(&ns);
	if (err)
		return err;
	if (ns != m->owner_pidns)
		return -EXDEV; /* another pid namespace: cannot tell */
	err = xc_proc_start(m->owner_pid, &start, &state);
	if (err == -ENOENT || err == -ESRCH)
		return 0;
	if (err)
		return err;
	/* A zombie has exited; a different start time is another process
	 * that got the pid back. */
	if (state == 'Z' || state == 'X' || start != m->owner_start)
		return 0;
	return 1;
}
