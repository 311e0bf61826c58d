// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* lib/store/orphans.c: which pins of an interface's directory the running
 * chain does not use, by their names (docs/protocol.md, "Garbage
 * collection"), and whether an appended program still waits
 * (pending-<rev>). Pins are plain files here (fake_store.h). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "store/store.h"
#include "fake_store.h"
#include "check.h"

static struct xc_state *st;
static char collected[1024];
static int warnings;
static char last[512];

static int capture(enum xdpchain_print_level level, const char *fmt, va_list ap)
{
	if (level == XDPCHAIN_WARN) {
		warnings++;
		vsnprintf(last, sizeof(last), fmt, ap);
	}
	return 0;
}

static void report(struct xc_gc_report *r, const char *dir, const char *name)
{
	(void)r;
	CHECK(!strcmp(dir, st->store.dir));
	strncat(collected, " ", sizeof(collected) - strlen(collected) - 1);
	strncat(collected, name, sizeof(collected) - strlen(collected) - 1);
}

/* The pins of a running chain of revision 5: programs 10 (freplace,
 * linked) and 11 (tail call, with its own program array pinned). */
static void chain_pins(void)
{
	fake_pin(st, "bpf-link", "dispatcher");
	fake_pin(st, "bpf-prog", "prog-10");
	fake_pin(st, "bpf-prog", "prog-11");
	fake_pin(st, "bpf-map", "tails-11-3");
	fake_pin(st, "bpf-link", "link-5-10");
	fake_pin(st, "bpf-map", "progs-5");
	fake_pin(st, "bpf-prog", "disp-5");
	fake_pin(st, "bpf-map", "meta-5");
	fake_pin(st, "bpf-map", "live-5");
	fake_pin(st, "bpf-map", "stats");
	fake_pin(st, "bpf-map", "verdict");
}

static void running(struct xdpchain_meta *m, __u64 rev)
{
	memset(m, 0, sizeof(*m));
	m->revision = rev;
	m->nr_progs = 2;
	m->slots[0] = slot(10, 1, "a", 1);
	m->slots[0].kind = XDPCHAIN_SLOT_FREPLACE;
	m->slots[1] = slot(11, 2, "b", 2);
	st->chain.base = *m;
	st->chain.own = 2;
	st->chain.off = 0;
}

/* Sorted report: readdir's order is the filesystem's. */
static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *sorted(void)
{
	static char buf[1024];
	char *words[64], *save, *w, tmp[1024];
	unsigned int n = 0;

	snprintf(tmp, sizeof(tmp), "%s", collected);
	for (w = strtok_r(tmp, " ", &save); w && n < 64; w = strtok_r(NULL, " ", &save))
		words[n++] = w;
	qsort(words, n, sizeof(words[0]), cmp);
	buf[0] = 0;
	for (unsigned int i = 0; i < n; i++) {
		strncat(buf, i ? " " : "", sizeof(buf) - strlen(buf) - 1);
		strncat(buf, words[i], sizeof(buf) - strlen(buf) - 1);
	}
	return buf;
}

static bool gc(const struct xdpchain_meta *meta, const char *want)
{
	struct xc_gc_report rep = { .fn = report };

	collected[0] = 0;
	xc_state_gc(st, meta, &rep);
	if (strcmp(sorted(), want)) {
		fprintf(stderr, "  collected '%s', want '%s'\n", sorted(), want);
		return false;
	}
	return true;
}

static void test_running_chain(void)
{
	struct xdpchain_meta m;

	fake_dir(st);
	running(&m, 5);
	m.flags = XDPCHAIN_META_F_STATS | XDPCHAIN_META_F_OBSERVE;
	chain_pins();
	/* What the chain uses stays. */
	CHECK(gc(&m, ""));
	CHECK(fake_count(st) == 11);
	/* A crashed writer's pins: another revision's dispatcher, array,
	 * metadata, live end and links; programs no slot runs. */
	fake_pin(st, "bpf-prog", "disp-6");
	fake_pin(st, "bpf-map", "meta-6");
	fake_pin(st, "bpf-map", "progs-4");
	fake_pin(st, "bpf-map", "live-4");
	fake_pin(st, "bpf-link", "link-4-10");
	fake_pin(st, "bpf-link", "link-5-12");
	fake_pin(st, "bpf-prog", "prog-12");
	fake_pin(st, "bpf-map", "tails-12-1");
	CHECK(gc(&m, "disp-6 link-4-10 link-5-12 live-4 meta-6 prog-12 progs-4 tails-12-1"));
	CHECK(fake_count(st) == 11 && fake_has(st, "link-5-10") && fake_has(st, "tails-11-3"));
	/* Without counters and observers, their maps go. */
	m.flags = 0;
	CHECK(gc(&m, "stats verdict"));
	/* The names are compared whole: only what was pinned as an exact
	 * name of the protocol is collected; anything else is left alone,
	 * with a warning. */
	fake_pin(st, "bpf-prog", "prog-12x");
	fake_pin(st, "bpf-prog", "disp-6.old");
	fake_pin(st, "bpf-map", "statistics");
	fake_pin(st, "bpf-map", "link-5");
	warnings = 0;
	CHECK(gc(&m, ""));
	CHECK(warnings == 4 && strstr(last, "unknown entry, left alone"));
	CHECK(fake_has(st, "prog-12x") && fake_has(st, "link-5"));
	/* Entries starting with a dot are not pins. */
	fake_pin(st, "bpf-map", ".hidden");
	warnings = 0;
	CHECK(gc(&m, "") && warnings == 4 && fake_has(st, ".hidden"));
	fake_rmdir(st);
}

/* Links of spare positions are named by position too
 * (link-<rev>-<id>-<pos>): a relocated chain (section 6c) links a
 * program at a new position before the old link goes. */
static void test_relocated(void)
{
	struct xdpchain_meta m;

	fake_dir(st);
	running(&m, 5);
	/* The dispatcher's own 2 positions, then 10 relocated to 2..3 and
	 * 12 joined at 4: base from position 2 on. */
	st->chain.off = 2;
	st->chain.base.nr_progs = 3;
	st->chain.base.slots[0] = m.slots[0];
	st->chain.base.slots[1] = m.slots[1];
	st->chain.base.slots[2] = slot(12, 3, "c", 3);
	st->chain.base.slots[2].kind = XDPCHAIN_SLOT_FREPLACE;
	m = st->chain.base;
	fake_pin(st, "bpf-prog", "prog-10");
	fake_pin(st, "bpf-prog", "prog-11");
	fake_pin(st, "bpf-prog", "prog-12");
	fake_pin(st, "bpf-link", "link-5-10");   /* its old own position: unused */
	fake_pin(st, "bpf-link", "link-5-10-2"); /* runs */
	fake_pin(st, "bpf-link", "link-5-12-4"); /* runs */
	fake_pin(st, "bpf-link", "link-5-12-5"); /* past the live end */
	fake_pin(st, "bpf-link", "link-5-10-3"); /* not its position */
	fake_pin(st, "bpf-link", "link-4-10-2"); /* another revision */
	CHECK(gc(&m, "link-4-10-2 link-5-10 link-5-10-3 link-5-12-5"));
	CHECK(fake_has(st, "link-5-10-2") && fake_has(st, "link-5-12-4"));
	/* Not relocated: its own positions' links are named by program,
	 * appended ones by position. */
	st->chain.off = 0;
	fake_pin(st, "bpf-link", "link-5-10");
	fake_pin(st, "bpf-link", "link-5-12-2");
	CHECK(gc(&m, "link-5-10-2 link-5-12-4"));
	CHECK(fake_has(st, "link-5-10") && fake_has(st, "link-5-12-2"));
	fake_rmdir(st);
}

static void test_no_chain(void)
{
	struct xdpchain_meta m;

	fake_dir(st);
	running(&m, 5);
	chain_pins();
	/* Nothing runs: every pin of the protocol goes, the link too. */
	CHECK(gc(NULL, "disp-5 dispatcher link-5-10 live-5 meta-5 prog-10 prog-11 progs-5 "
		       "stats tails-11-3 verdict"));
	CHECK(fake_count(st) == 0);
	/* Unless the directory is another's chain (reader.c): untouched. */
	chain_pins();
	st->chain.alien_id = 77;
	CHECK(gc(NULL, "") && fake_count(st) == 11);
	/* With a chain of ours to keep, it is collected as usual. */
	CHECK(gc(&m, "stats verdict"));
	st->chain.alien_id = 0;
	fake_rmdir(st);
	/* No directory: nothing to do. */
	CHECK(gc(NULL, ""));
}

static void test_main_pending(void)
{
	struct xdpchain_meta m;

	fake_dir(st);
	/* One freplace program: the chain's main function runs it
	 * directly (main-<rev>). */
	running(&m, 8);
	m.nr_progs = 1;
	st->chain.base = m;
	fake_pin(st, "bpf-link", "main-8");
	fake_pin(st, "bpf-link", "main-7");
	CHECK(xc_meta_whole(&st->chain.base));
	CHECK(gc(&m, "main-7"));
	/* With a second program it no longer does. */
	running(&m, 8);
	CHECK(!xc_meta_whole(&st->chain.base));
	CHECK(gc(&m, "main-8"));

	/* pending-<rev>: kept while the probe says the main function's link
	 * is still held. */
	fake_pin(st, "bpf-prog", "pending-8");
	fake_pin(st, "bpf-prog", "pending-7");
	fake_unhook_ret = -ETIMEDOUT;
	fake_unhook_calls = 0;
	CHECK(xc_state_pending(st) == 1 && fake_unhook_calls == 1);
	CHECK(gc(&m, "pending-7"));
	fake_unhook_ret = 0;
	CHECK(xc_state_pending(st) == 0);
	CHECK(gc(&m, "pending-8"));
	/* No pin: nothing waits, and the probe is not run. */
	fake_unhook_calls = 0;
	CHECK(xc_state_pending(st) == 0 && fake_unhook_calls == 0);
	/* A pin that is not a program: no probe of ours. */
	fake_pin(st, "bpf-map", "pending-8");
	fake_unhook_ret = -ETIMEDOUT;
	CHECK(xc_state_pending(st) == 0 && fake_unhook_calls == 0);
	/* Without a chain it goes whatever it says. */
	CHECK(gc(NULL, "pending-8"));
	fake_rmdir(st);
}

int main(void)
{
	st = calloc(1, sizeof(*st));
	if (!st)
		return 2;
	xc_log_set_print(capture);
	test_running_chain();
	test_relocated();
	test_no_chain();
	test_main_pending();
	free(st);
	return check_report("test_orphans");
}
