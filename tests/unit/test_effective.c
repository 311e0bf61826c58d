// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* lib/reader/effective.c: which of the running dispatcher's slots are vacant
 * (docs/protocol.md, "Vacant slots"), read from the pins' names (an
 * freplace slot runs while link-<rev>-<id> is pinned) and the program
 * array's entries (a tail-call slot runs while progs-<rev>[i] holds its
 * program), and so the chain that runs: its slots, their base positions
 * and its revision. Pins are plain files here (fake_store.h). */
#include <stdlib.h>
#include <string.h>
#include "reader/reader.h"
#include "fake_store.h"
#include "check.h"

static struct xc_state *st;

/* A running dispatcher of revision rev whose own slots are kinds[] (F
 * freplace, T tail call; programs 10, 11, ...), with appended ones after
 * its first disp_nr. */
static void running(__u64 rev, const char *kinds, unsigned int disp_nr)
{
	unsigned int i, n = (unsigned int)strlen(kinds);

	memset(&st->chain.base, 0, sizeof(st->chain.base));
	memset(&st->chain.meta, 0xaa, sizeof(st->chain.meta));
	st->chain.base.revision = rev;
	st->chain.base.nr_progs = n;
	for (i = 0; i < n; i++) {
		st->chain.base.slots[i] = slot(10 + i, (int)i, "p", (__u8)i);
		st->chain.base.slots[i].kind = kinds[i] == 'F' ? XDPCHAIN_SLOT_FREPLACE
							 : XDPCHAIN_SLOT_TAILCALL;
	}
	st->chain.disp_nr = st->chain.own = disp_nr;
	st->chain.off = 0;
	st->chain.have = true;
}

/* The running chain's program ids and base positions, as "10@0 12@2". */
static const char *chain(void)
{
	static char buf[512];
	size_t len = 0;

	buf[0] = 0;
	for (unsigned int i = 0; i < st->chain.meta.nr_progs; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%u@%u", i ? " " : "",
					st->chain.meta.slots[i].prog_id, st->chain.pos[i]);
	return buf;
}

static bool is(const char *want)
{
	if (strcmp(chain(), want)) {
		fprintf(stderr, "  chain '%s', want '%s'\n", chain(), want);
		return false;
	}
	return true;
}

static void test_freplace(void)
{
	fake_dir(st);
	running(7, "FFF", 3);
	/* No link pinned: every slot vacant. */
	xc_state_effective(st);
	CHECK(is("") && xc_state_vacant(st) == 3);
	CHECK(st->chain.meta.revision == 7 + 3);
	/* The links of slots 0 and 2. */
	fake_pin(st, "bpf-link", "link-7-10");
	fake_pin(st, "bpf-link", "link-7-12");
	xc_state_effective(st);
	CHECK(is("10@0 12@2") && xc_state_vacant(st) == 1);
	CHECK(st->chain.meta.revision == 8);
	/* Everything else of the chain is the base's. */
	CHECK(st->chain.meta.nr_spare == st->chain.base.nr_spare &&
	      st->chain.meta.flags == st->chain.base.flags);
	/* A link of another revision, or another program, or a name that
	 * only starts like one, runs nothing here. */
	fake_pin(st, "bpf-link", "link-6-11");
	fake_pin(st, "bpf-link", "link-7-99");
	fake_pin(st, "bpf-link", "link-7-11x");
	fake_pin(st, "bpf-link", "link-77-11");
	fake_pin(st, "bpf-prog", "prog-11");
	xc_state_effective(st);
	CHECK(is("10@0 12@2"));
	fake_pin(st, "bpf-link", "link-7-11");
	xc_state_effective(st);
	CHECK(is("10@0 11@1 12@2") && xc_state_vacant(st) == 0 && st->chain.meta.revision == 7);
	fake_rmdir(st);
	/* The directory cannot be read: all count as linked (never a
	 * program dropped from the chain by mistake). */
	xc_state_effective(st);
	CHECK(is("10@0 11@1 12@2"));
}

static void test_tailcall(void)
{
	fake_dir(st);
	running(3, "TTTT", 4);
	/* No progs-<rev> pin: the array lost its entries. */
	xc_state_effective(st);
	CHECK(is("") && st->chain.meta.revision == 3 + 4);
	/* Each entry holds its program, except 1 (a stub's id) and 3
	 * (empty). */
	fake_pin(st, "bpf-map", "progs-3");
	fake_array[0] = 10, fake_array[1] = 500, fake_array[2] = 12;
	fake_present = 0x7;
	fake_lookup_errno = ENOENT;
	xc_state_effective(st);
	CHECK(is("10@0 12@2") && xc_state_vacant(st) == 2 && st->chain.meta.revision == 5);
	/* A lookup that fails otherwise cannot tell: the slot runs. */
	fake_lookup_errno = EPERM;
	xc_state_effective(st);
	CHECK(is("10@0 12@2 13@3"));
	/* Something else pinned under the name (not a map): cannot tell
	 * either. */
	fake_pin(st, "bpf-prog", "progs-3");
	xc_state_effective(st);
	CHECK(is("10@0 11@1 12@2 13@3"));
	/* The array of another revision says nothing of this one. */
	fake_rmdir(st);
	fake_dir(st);
	fake_pin(st, "bpf-map", "progs-2");
	fake_present = 0xf;
	fake_array[1] = 11, fake_array[3] = 13;
	xc_state_effective(st);
	CHECK(is(""));
	fake_rmdir(st);
}

static void test_mixed(void)
{
	fake_dir(st);
	/* Two of the dispatcher's own slots, two appended (live end). */
	running(20, "TFFT", 2);
	fake_pin(st, "bpf-map", "progs-20");
	/* An appended position's link is named by its position too. */
	fake_pin(st, "bpf-link", "link-20-12");
	xc_state_effective(st);
	CHECK(is("10@0 13@3"));
	fake_pin(st, "bpf-link", "link-20-12-2");
	fake_array[0] = 10, fake_array[3] = 13;
	fake_present = 0x9;
	fake_lookup_errno = ENOENT;
	xc_state_effective(st);
	CHECK(is("10@0 12@2 13@3"));
	/* Revision: the dispatcher's, one per appended program, one per
	 * vacant slot. */
	CHECK(st->chain.meta.revision == 20 + 2 + 1);
	/* The slots after the chain are cleared. */
	CHECK(st->chain.meta.slots[3].prog_id == 0 && st->chain.meta.slots[63].prog_id == 0);
	fake_rmdir(st);
}

/* A relocated chain (section 6c): base is the positions from the live
 * start (off) on, whose links and entries are the dispatcher's positions
 * off + i. */
static void test_relocated(void)
{
	fake_dir(st);
	/* 3 own positions, then 2 appended at 3..4, then the chain of 3
	 * relocated to 5..7 (start 5, end 8). */
	running(30, "FTF", 0);
	st->chain.own = 3;
	st->chain.off = 5;
	fake_pin(st, "bpf-map", "progs-30");
	fake_pin(st, "bpf-link", "link-30-10");   /* an own position's: not base slot 0's */
	fake_pin(st, "bpf-link", "link-30-12-7");
	fake_array[1] = 500, fake_array[6] = 11;  /* entry 6 is base slot 1 */
	fake_present = 1u << 6 | 1u << 1;
	fake_lookup_errno = ENOENT;
	xc_state_effective(st);
	CHECK(is("11@1 12@2"));
	/* The dispatcher's revision, positions used past its own (end 8
	 * minus 3), the start, one vacant slot. */
	CHECK(st->chain.meta.revision == 30 + 5 + 5 + 1);
	fake_pin(st, "bpf-link", "link-30-10-5");
	xc_state_effective(st);
	CHECK(is("10@0 11@1 12@2") && st->chain.meta.revision == 30 + 5 + 5);
	fake_rmdir(st);
}

static void test_adopt_running(void)
{
	struct xdpchain_meta m;
	struct xc_running run;

	memset(&m, 0, sizeof(m));
	m.revision = 4;
	m.nr_progs = 2;
	m.slots[0] = slot(1, 0, "a", 0);
	m.slots[1] = slot(2, 0, "b", 0);
	memset(st->chain.pos, 9, sizeof(st->chain.pos));
	xc_state_adopt(st, &m);
	CHECK(st->chain.disp_nr == 2 && st->chain.pos[0] == 0 && st->chain.pos[1] == 1);
	CHECK(!memcmp(&st->chain.base, &m, sizeof(m)) && !memcmp(&st->chain.meta, &m, sizeof(m)));
	CHECK(xc_state_vacant(st) == 0);
	st->chain.have = false;
	run = xc_state_running(st);
	CHECK(!run.base && !run.meta);
	st->chain.have = true;
	run = xc_state_running(st);
	CHECK(run.base == &st->chain.base && run.meta == &st->chain.meta);
}

int main(void)
{
	st = calloc(1, sizeof(*st));
	if (!st)
		return 2;
	test_freplace();
	test_tailcall();
	test_mixed();
	test_relocated();
	test_adopt_running();
	free(st);
	return check_report("test_effective");
}
