// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* lib/store/moved.c: the state directories of interfaces that moved between
 * network namespaces (docs/protocol.md, section 10a): the names of state
 * directories (if-<ifindex>, moved-<link id>), finding the directory
 * whose pinned link runs on an interface that moved here, adopting it and
 * parking one. The state root is a temporary directory of plain files: a
 * pinned link is a file "bpf-link\n<prog id> <ifindex>" (bpf_obj_get()
 * and bpf_obj_get_info_by_fd() below read it), fake_store.c the rest. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include "store/store.h"
#include "fake_store.h"
#include "check.h"

static unsigned int unlocks;

/* store.c */
void xc_store_unlock(struct xc_state *st)
{
	unlocks++;
	if (st->store.dir_fd >= 0)
		close(st->store.dir_fd);
	st->store.dir_fd = -1;
}

/* libbpf, on the files of the fake root. */
int bpf_obj_get(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int bpf_obj_get_info_by_fd(int fd, void *info, __u32 *len)
{
	struct bpf_link_info *li = info;
	char buf[64] = "";
	unsigned int prog, ifindex;

	/* A pinned dispatcher: "bpf-prog\n<id>". */
	if (pread(fd, buf, sizeof(buf) - 1, 0) > 0 && sscanf(buf, "bpf-prog\n%u", &prog) == 1) {
		struct bpf_prog_info *pi = info;

		memset(pi, 0, *len);
		pi->id = prog;
		return 0;
	}
	if (sscanf(buf, "bpf-link\n%u %u", &prog, &ifindex) != 2) {
		errno = EINVAL;
		return -EINVAL;
	}
	memset(li, 0, *len);
	li->type = BPF_LINK_TYPE_XDP;
	li->prog_id = prog;
	li->xdp.ifindex = ifindex;
	return 0;
}

static char root[256];

/* netns_scan.c: program 55 runs on ifindex 3 of namespace 9; asking
 * about 77 fails (a namespace this process may not enter). */
int xc_xdp_prog_netns(__u32 prog_id, __u64 skip_ino, __u64 *ino, int *ifindex)
{
	if (prog_id == 55 && skip_ino != 9) {
		*ino = 9;
		*ifindex = 3;
		return 1;
	}
	return prog_id == 77 ? -EPERM : 0;
}

/* A dispatcher pin disp-<rev> of program prog in root/rel. */
static void disp_pin(const char *rel, unsigned int rev, __u32 prog)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/disp-%u", root, rel, rev);
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "bpf-prog\n%u", prog);
		fclose(f);
	}
}

/* root/rel made (a directory); with a dispatcher link running prog on
 * ifindex if prog. */
static void state_dir(const char *rel, __u32 prog, int ifindex)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	mkdir(path, 0700);
	if (!prog)
		return;
	snprintf(path, sizeof(path), "%s/%s/dispatcher", root, rel);
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "bpf-link\n%u %d", prog, ifindex);
		fclose(f);
	}
}

static bool exists(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	return !access(path, F_OK);
}

static void rm_rf(const char *path)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", path);
}

static void test_dir_name(void)
{
	unsigned long long n = 0;

	CHECK(xc_state_dir_name("if-3", &n) && n == 3);
	CHECK(xc_state_dir_name("moved-17", &n) && n == 17);
	CHECK(xc_state_dir_name("if-18446744073709551615", &n) && n == ~0ull);
	CHECK(!xc_state_dir_name("if-", &n) && !xc_state_dir_name("moved-", &n));
	CHECK(!xc_state_dir_name("if-3x", &n) && !xc_state_dir_name("moved-9.tmp", &n));
	CHECK(!xc_state_dir_name("if-3 ", &n));
	CHECK(!xc_state_dir_name("ns-3", &n) && !xc_state_dir_name("if3", &n));
	CHECK(!xc_state_dir_name("dispatcher", &n) && !xc_state_dir_name("", &n));
	CHECK(!xc_state_dir_name("maps", &n) && !xc_state_dir_name("moved", &n));
}

static void test_find(struct xc_state *st)
{
	char buf[320], want[320];

	/* Our own directory, ns-3/if-7, runs program 40 itself. */
	state_dir("ns-3", 0, 0);
	state_dir("ns-3/if-7", 40, 7);
	snprintf(st->store.dir, sizeof(st->store.dir), "%s/ns-3/if-7", root);
	st->store.ifindex = 7;
	/* Another namespace's if-2 and moved-9 run on our index 7. */
	state_dir("ns-1", 0, 0);
	state_dir("ns-1/if-2", 50, 7);
	state_dir("ns-2", 0, 0);
	state_dir("ns-2/moved-9", 60, 7);
	/* Not state directories, or not running here. */
	state_dir("ns-2/if-4", 70, 8);
	state_dir("ns-2/other", 80, 7);
	state_dir("nsx", 0, 0);
	state_dir("nsx/if-1", 90, 7);
	state_dir("maps", 0, 0);

	snprintf(want, sizeof(want), "%s/ns-1/if-2", root);
	CHECK(xc_store_find_moved(st, 50, buf, sizeof(buf)) == 0 && !strcmp(buf, want));
	snprintf(want, sizeof(want), "%s/ns-2/moved-9", root);
	CHECK(xc_store_find_moved(st, 60, buf, sizeof(buf)) == 0 && !strcmp(buf, want));
	/* On another interface; outside a state directory; ours. */
	CHECK(xc_store_find_moved(st, 70, buf, sizeof(buf)) == -ENOENT);
	CHECK(xc_store_find_moved(st, 80, buf, sizeof(buf)) == -ENOENT);
	CHECK(xc_store_find_moved(st, 90, buf, sizeof(buf)) == -ENOENT);
	CHECK(xc_store_find_moved(st, 40, buf, sizeof(buf)) == -ENOENT);
	/* The pin is no link. */
	fake_pin(st, "bpf-map", "../../ns-1/if-2/dispatcher");
	CHECK(xc_store_find_moved(st, 50, buf, sizeof(buf)) == -ENOENT);
	state_dir("ns-1/if-2", 50, 7);
	/* No root: nothing moved. */
	snprintf(st->store.root, sizeof(st->store.root), "%.200s/none", root);
	CHECK(xc_store_find_moved(st, 50, buf, sizeof(buf)) == -ENOENT);
	snprintf(st->store.root, sizeof(st->store.root), "%s", root);
}

/* An adopted chain (no link, netlink-attached): found by its dispatcher
 * pin, and whether it runs in another namespace. */
static void test_netlink(struct xc_state *st)
{
	char buf[320], want[320], dir[320];
	__u32 ids[XC_DISP_PINS_MAX], id = 0;
	__u64 ino = 0;
	int ifindex = 0;

	state_dir("ns-4", 0, 0);
	state_dir("ns-4/if-5", 0, 0);
	disp_pin("ns-4/if-5", 2, 54);
	disp_pin("ns-4/if-5", 3, 55);
	snprintf(dir, sizeof(dir), "%s/ns-4/if-5", root);
	CHECK(xc_store_disp_ids(dir, ids, XC_DISP_PINS_MAX) == 2);
	CHECK((ids[0] == 54 && ids[1] == 55) || (ids[0] == 55 && ids[1] == 54));
	CHECK(xc_store_disp_ids(dir, ids, 1) == 1);
	snprintf(want, sizeof(want), "%s/ns-4/if-5", root);
	CHECK(xc_store_find_moved(st, 55, buf, sizeof(buf)) == 0 && !strcmp(buf, want));
	CHECK(xc_store_find_moved(st, 54, buf, sizeof(buf)) == 0 && !strcmp(buf, want));
	CHECK(xc_store_find_moved(st, 56, buf, sizeof(buf)) == -ENOENT);
	/* It runs in namespace 9 (not when asked from 9 itself). */
	CHECK(xc_store_runs_away(dir, 4, &id, &ino, &ifindex) == 1);
	CHECK(id == 55 && ino == 9 && ifindex == 3);
	CHECK(xc_store_runs_away(dir, 9, &id, &ino, &ifindex) == 0);
	/* A namespace that cannot be asked leaves it open. */
	disp_pin("ns-4/if-5", 4, 77);
	CHECK(xc_store_runs_away(dir, 9, &id, &ino, &ifindex) == -EPERM && id == 77);
	/* A link pin decides when there is one (the dispatcher pins don't). */
	state_dir("ns-4/if-5", 60, 9);
	CHECK(xc_store_find_moved(st, 55, buf, sizeof(buf)) == -ENOENT);
	rm_rf(dir);
	CHECK(xc_store_disp_ids(dir, ids, XC_DISP_PINS_MAX) == 0);
	CHECK(xc_store_runs_away(dir, 4, &id, &ino, &ifindex) == 0);
}

static void test_adopt(struct xc_state *st)
{
	char from[320];

	/* Ours is empty (its pins were collected), locked. */
	unlink(strcat(strcpy(from, st->store.dir), "/dispatcher"));
	st->store.dir_fd = open(st->store.dir, O_RDONLY | O_DIRECTORY);
	snprintf(from, sizeof(from), "%s/ns-1/if-2", root);
	/* Not the chain that runs here (any more): stale. */
	CHECK(xc_store_adopt(st, from, 51, false) == -ESTALE);
	CHECK(exists("ns-1/if-2/dispatcher"));
	CHECK(xc_store_adopt(st, from, 50, false) == 0);
	/* Renamed over ours, with its lock; its namespace's directory,
	 * empty now, removed. */
	CHECK(exists("ns-3/if-7/dispatcher") && !exists("ns-1/if-2") && !exists("ns-1"));
	CHECK(st->store.dir_fd >= 0);
	/* Gone meanwhile. */
	CHECK(xc_store_adopt(st, from, 50, false) == -ENOENT);
	close(st->store.dir_fd);
	st->store.dir_fd = -1;
}

static void test_park(struct xc_state *st)
{
	char dir[320];

	/* ns-3/if-7 holds the chain of an interface that moved away (link
	 * 12); index 7 is another interface's now. */
	st->store.dir_fd = open(st->store.dir, O_RDONLY | O_DIRECTORY);
	st->chain.alien_id = 50;
	st->chain.away_link = 12;
	snprintf(st->chain.alien_why, sizeof(st->chain.alien_why), "moved away");
	snprintf(dir, sizeof(dir), "%s", st->store.dir);
	unlocks = 0;
	CHECK(xc_store_park(st, st->chain.away_link) == 0);
	CHECK(!exists("ns-3/if-7") && exists("ns-3/moved-12/dispatcher"));
	CHECK(unlocks == 1 && st->store.dir_fd == -1);
	/* The store writes only its own part: the reader forgets the chain. */
	CHECK(st->chain.alien_id == 50 && st->chain.away_link == 12);
	/* The directory is free, and not made again. */
	CHECK(!strcmp(st->store.dir, dir));
	/* A parked directory of that link already there (not empty): the
	 * rename fails, and says so. */
	state_dir("ns-3/if-7", 50, 7);
	st->chain.away_link = 12;
	unlocks = 0;
	CHECK(xc_store_park(st, st->chain.away_link) < 0 && unlocks == 0);
	CHECK(exists("ns-3/if-7/dispatcher"));
	/* No parent in the path: refused. */
	snprintf(st->store.dir, sizeof(st->store.dir), "if-7");
	CHECK(xc_store_park(st, st->chain.away_link) == -ENAMETOOLONG);
}

static int quiet(enum xdpchain_print_level l, const char *f, va_list a)
{
	return 0;
}

int main(void)
{
	struct xc_state *st = calloc(1, sizeof(*st));

	if (!st)
		return 2;
	xc_log_set_print(quiet);
	st->store.dir_fd = -1;
	fake_dir(st);
	snprintf(root, sizeof(root), "%.200s", st->store.dir);
	snprintf(st->store.root, sizeof(st->store.root), "%s", root);
	test_dir_name();
	test_find(st);
	test_netlink(st);
	test_adopt(st);
	test_park(st);
	rm_rf(root);
	free(st);
	return check_report("test_moved");
}
