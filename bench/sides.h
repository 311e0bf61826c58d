/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* The chaining frameworks under test, behind one interface: grow a chain
 * of copies of one program on an interface, time each step, and give the
 * program that sits on the interface. */
#ifndef XDPCHAIN_BENCH_SIDES_H
#define XDPCHAIN_BENCH_SIDES_H

#include <stdbool.h>

struct side {
	const char *name;
	int max_progs;
	/* Attach one more copy of obj's first program with this priority;
	 * returns 0 or -errno. */
	int (*add)(struct side *s, const char *obj, int priority);
	/* Detach the program at run position pos (0-based). */
	int (*remove_at)(struct side *s, int pos);
	/* Read the chain's status once (for timing). */
	int (*status)(struct side *s);
	/* fd of the program on the interface (caller closes), or -errno. */
	int (*main_fd)(struct side *s);
	void (*clear)(struct side *s);
	int ifindex;
	int count;
	void *priv;
};

int side_xdpchain_init(struct side *s, int ifindex, bool tailcall);
int side_libxdp_init(struct side *s, int ifindex); /* -EOPNOTSUPP without libxdp */

#endif
