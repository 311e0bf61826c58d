// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Pins as plain files (fake_store.h): the store's and the kernel
 * objects' functions that the files under test call. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "fake_store.h"

__u32 fake_array[XDPCHAIN_MAX_SLOTS];
__u64 fake_present;
int fake_lookup_errno = ENOENT;
int fake_unhook_ret;
unsigned int fake_unhook_calls;

static void path_of(struct xc_state *st, char *buf, size_t len, const char *fmt, va_list ap)
{
	char name[128];

	vsnprintf(name, sizeof(name), fmt, ap);
	snprintf(buf, len, "%s/%s", st->store.dir, name);
}

/* char path[] of the pin named by the caller's printf arguments. */
#define PIN_PATH(st, path, fmt)                                                \
	do {                                                                   \
		va_list ap;                                                    \
		va_start(ap, fmt);                                             \
		path_of(st, path, sizeof(path), fmt, ap);                      \
		va_end(ap);                                                    \
	} while (0)

void fake_dir(struct xc_state *st)
{
	snprintf(st->store.dir, sizeof(st->store.dir), "/tmp/xdpchain-unit-XXXXXX");
	if (!mkdtemp(st->store.dir)) {
		perror("mkdtemp");
		exit(2);
	}
}

void fake_pin(struct xc_state *st, const char *kind, const char *fmt, ...)
{
	char path[512];
	FILE *f;

	PIN_PATH(st, path, fmt);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(2);
	}
	fputs(kind, f);
	fclose(f);
}

bool fake_has(struct xc_state *st, const char *fmt, ...)
{
	char path[512];

	PIN_PATH(st, path, fmt);
	return !access(path, F_OK);
}

unsigned int fake_count(struct xc_state *st)
{
	unsigned int n = 0;
	struct dirent *de;
	DIR *d = opendir(st->store.dir);

	while (d && (de = readdir(d)))
		n += de->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

void fake_rmdir(struct xc_state *st)
{
	struct dirent *de;
	DIR *d = opendir(st->store.dir);
	char path[600];

	while (d && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", st->store.dir, de->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(st->store.dir);
}

/* store.c */
int xc_get_at(struct xc_state *st, const char *fmt, ...)
{
	char path[512];
	int fd;

	PIN_PATH(st, path, fmt);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int xc_unpin_at(struct xc_state *st, const char *fmt, ...)
{
	char path[512];

	PIN_PATH(st, path, fmt);
	return unlink(path) ? -errno : 0;
}

/* kobj.c */
bool xc_fd_is(int fd, const char *kind)
{
	char buf[64] = "";
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	size_t len = strlen(kind);

	/* The kind, alone or on the first line. */
	return n > 0 && !strncmp(buf, kind, len) && (!buf[len] || buf[len] == '\n');
}

/* unhook.c */
int xc_unhook_wait(int probe_fd, unsigned int timeout_ms)
{
	(void)probe_fd;
	(void)timeout_ms;
	fake_unhook_calls++;
	return fake_unhook_ret;
}

/* libbpf: the program array of progs-<rev>. */
int bpf_map_lookup_elem(int fd, const void *key, void *value)
{
	__u32 i = *(const __u32 *)key;

	if (!xc_fd_is(fd, XC_FD_MAP)) {
		errno = EBADF;
		return -EBADF;
	}
	if (i >= XDPCHAIN_MAX_SLOTS || !(fake_present & (1ull << i))) {
		errno = fake_lookup_errno;
		return -fake_lookup_errno;
	}
	*(__u32 *)value = fake_array[i];
	return 0;
}
