// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * failmmap: an LD_PRELOAD shim for the kernel suites. The first
 * $FAILMMAP_COUNT (default 1) mmap() calls that map a file descriptor
 * MAP_SHARED over a fixed address fail with ENOMEM; every other call goes
 * through. libxdpchain makes that call, and only it (libbpf 1.1 maps a
 * skeleton's maps so only in NAME__load(), which an application joining
 * a chain does not call), when it makes the maps of an application's
 * skeleton live after loading the object (lib/kobj/prog.c, maps_live()): the
 * way to fail that step for the test of a retry (scenarios.sh,
 * t_skeleton_retry).
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/types.h>

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	static void *(*real)(void *, size_t, int, int, int, off_t);
	static int left = -1;

	if (!real)
		real = (void *(*)(void *, size_t, int, int, int, off_t))dlsym(RTLD_NEXT, "mmap");
	if (left < 0) {
		const char *n = getenv("FAILMMAP_COUNT");

		left = n ? atoi(n) : 1;
	}
	if (fd >= 0 && (flags & MAP_FIXED) && (flags & MAP_SHARED) && left > 0) {
		left--;
		errno = ENOMEM;
		return MAP_FAILED;
	}
	return real(addr, len, prot, flags, fd, off);
}
