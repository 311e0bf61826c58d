// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* lib/kobj/owner.c: owner-bound slots (XDPCHAIN_SLOT_F_UNTIL_EXIT) identify their
 * process by its start time, parsed from /proc/PID/stat (xc_stat_parse()),
 * and its pid namespace; on this test's own process and a child of it
 * (no privileges needed). */
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "kobj/kobj.h"
#include "check.h"

static void test_stat_parse(void)
{
	/* /proc/PID/stat: comm may hold spaces and ')'. Field 22 is the
	 * start time. */
	const char *ok = "1234 (a b) c)) S 1 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 "
			 "20 0 1 0 98765 1000 100 18446744073709551615";
	const char *zombie = "7 (x) Z 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 55 0 0";
	char state = 0;
	__u64 start = 0;

	CHECK(xc_stat_parse(ok, strlen(ok), &state, &start) == 0);
	CHECK(state == 'S' && start == 98765);
	CHECK(xc_stat_parse(zombie, strlen(zombie), &state, &start) == 0);
	CHECK(state == 'Z' && start == 55);
	CHECK(xc_stat_parse("1 (x) S 1 2", 11, &state, &start) == -EINVAL);
	CHECK(xc_stat_parse("no parenthesis", 14, &state, &start) == -EINVAL);
	CHECK(xc_stat_parse("", 0, &state, &start) == -EINVAL);
	/* Truncated in the middle of field 22: only the digits read count. */
	CHECK(xc_stat_parse(ok, 64, &state, &start) == -EINVAL);
	const char *big = "7 (x) S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 "
			  "99999999999999999999999 0";
	CHECK(xc_stat_parse(big, strlen(big), &state, &start) == -ERANGE);
}

/* A pid no process has: above the kernel's pid_max limit (2^22). */
#define NO_PID 0x7ffffff0u

static void test_owner(void)
{
	struct xdpchain_slot_meta m, other;
	struct stat nsst;
	__u64 start = 0, ns = 0;
	char state = 0;
	pid_t child;

	CHECK(xc_proc_start((__u32)getpid(), &start, &state) == 0);
	CHECK(start > 0 && (state == 'R' || state == 'S'));
	CHECK(xc_proc_start(NO_PID, &start, NULL) == -ENOENT);
	CHECK(xc_pidns_ino(&ns) == 0 && !stat("/proc/self/ns/pid", &nsst) && ns == nsst.st_ino);

	/* This process owns a slot: alive. */
	memset(&m, 0, sizeof(m));
	CHECK(xc_owner_init(&m, (__u32)getpid()) == 0);
	CHECK((m.flags & XDPCHAIN_SLOT_F_UNTIL_EXIT) && m.owner_pid == (__u32)getpid());
	CHECK(m.owner_pidns == ns && xc_proc_start(m.owner_pid, &start, NULL) == 0 &&
	      m.owner_start == start);
	CHECK(xc_owner_alive(&m) == 1);
	/* Another process that got the pid back: its start time differs. */
	other = m;
	other.owner_start++;
	CHECK(xc_owner_alive(&other) == 0);
	/* Recorded in another pid namespace: cannot tell. */
	other = m;
	other.owner_pidns++;
	CHECK(xc_owner_alive(&other) == -EXDEV);
	/* The process is gone. */
	other = m;
	other.owner_pid = NO_PID;
	CHECK(xc_owner_alive(&other) == 0);
	/* Not owner-bound: always alive, nothing read. */
	other.flags = 0;
	CHECK(xc_owner_alive(&other) == 1);
	/* No such process to own a slot. */
	memset(&other, 0, sizeof(other));
	CHECK(xc_owner_init(&other, NO_PID) == -ESRCH && !other.flags && !other.owner_pid);

	/* A child: alive while it runs, not once it exited (a zombie until
	 * reaped), nor after. */
	child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	CHECK(child > 0);
	if (child <= 0)
		return;
	memset(&m, 0, sizeof(m));
	CHECK(xc_owner_init(&m, (__u32)child) == 0 && xc_owner_alive(&m) == 1);
	kill(child, SIGKILL);
	/* Its state becomes Z, still unreaped. */
	for (int i = 0; i < 1000; i++) {
		if (xc_proc_start((__u32)child, &start, &state) || state == 'Z')
			break;
		usleep(1000);
	}
	CHECK(state == 'Z');
	CHECK(xc_owner_alive(&m) == 0);
	memset(&other, 0, sizeof(other));
	CHECK(xc_owner_init(&other, (__u32)child) == -ESRCH);
	waitpid(child, NULL, 0);
	CHECK(xc_owner_alive(&m) == 0);
}

int main(void)
{
	test_stat_parse();
	test_owner();
	return check_report("test_owner");
}
