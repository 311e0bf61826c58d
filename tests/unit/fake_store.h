/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* A state directory in a temporary directory of plain files, for the
 * tests of the layer 2 and 3 files that read pins by name (test_orphans,
 * test_effective): fake_store.c replaces store.c's and kobj.c's access to
 * pins and objects, so that no BPF filesystem, kernel object or privilege
 * is needed. A pin is a file; its contents name its kind ("bpf-prog",
 * "bpf-map", "bpf-link"), which xc_fd_is() reads back (from its first
 * line: a test may write more after it). */
#ifndef XDPCHAIN_TEST_FAKE_STORE_H
#define XDPCHAIN_TEST_FAKE_STORE_H
#include "kobj/kobj.h"
#include "store/store.h"

/* A new empty state st->store.dir (a temporary directory). */
void fake_dir(struct xc_state *st);
/* Pin name (a printf format) of kind kind in st->store.dir. */
void fake_pin(struct xc_state *st, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Whether pin name is in st->store.dir. */
bool fake_has(struct xc_state *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The number of entries of st->store.dir. */
unsigned int fake_count(struct xc_state *st);
/* Remove st->store.dir and what it holds. */
void fake_rmdir(struct xc_state *st);

/* The program array behind progs-<rev>: entry i holds fake_array[i] when
 * bit i of fake_present is set; otherwise a lookup fails with
 * fake_lookup_errno. */
extern __u32 fake_array[XDPCHAIN_MAX_SLOTS];
extern __u64 fake_present;
extern int fake_lookup_errno;
/* What xc_unhook_wait() returns (pending-<rev>), and how often it ran. */
extern int fake_unhook_ret;
extern unsigned int fake_unhook_calls;
#endif
