/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * "xdpchain apply": from what the configuration wants on one interface and
 * what runs there, the changes to make. Pure code.
 *
 * A running program is the same as a wanted one when it has the file's
 * owner, the same program name and the same kernel tag (the hash of its
 * instructions, so a rebuilt object with other code is a different
 * program), and, if the file asks for a backend, that slot kind. A matched
 * program whose priority or continue-on set differ is updated in place (it
 * stays loaded); an unmatched wanted program is attached; a running
 * program of the owner that nothing matched is detached. Programs of other
 * owners, and programs whose owner process exited (the commit collects
 * them), are never touched.
 */
#ifndef XDPCHAIN_CLI_APPLY_PLAN_H
#define XDPCHAIN_CLI_APPLY_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <xdpchain/xdpchain.h>

/* A relative placement (xdpchain attach --before/--after). */
enum plan_place {
	PLAN_PLACE_NONE = 0,
	PLAN_PLACE_BEFORE,
	PLAN_PLACE_AFTER,
};

struct plan_want {
	const char *name;     /* resolved program name */
	int priority;         /* effective (file's run config or given) */
	__u32 continue_on;
	enum xdpchain_backend backend; /* AUTO: any slot kind */
	bool observer;        /* joins as an observer */
	bool has_tag;         /* false: no running candidate, nothing to match */
	__u8 tag[8];
	/* Relative placement: enum plan_place, next to want[anchor_want]
	 * (>= 0) or to the running program anchor_id of another owner. */
	__u8 anchor;
	int anchor_want;
	__u32 anchor_id;
	/* set by plan_compute(): the matched running program, or -1 */
	int have;
};

struct plan_have {
	__u32 id;
	const char *name;
	const char *owner;
	int priority;
	__u32 continue_on;
	enum xdpchain_backend kind; /* FREPLACE or TAILCALL */
	bool observer;        /* runs as an observer */
	__u8 tag[8];
	bool dead;            /* owner process exited: leaves anyway */
	__u8 anchor;          /* its placement: enum plan_place, anchor_id */
	__u32 anchor_id;
};

enum plan_action {
	PLAN_DETACH = 1,
	PLAN_UPDATE,
	PLAN_ATTACH,
};

enum plan_reason {
	PLAN_R_NONE = 0,
	PLAN_R_NOT_WANTED,   /* detach: not in the file */
	PLAN_R_REPLACED,     /* detach: another build or kind of a wanted one */
	/* detach: the same program, wanted in another role (a role changes
	 * by a detach and an attach) */
	PLAN_R_BECOMES_OBSERVER,
	PLAN_R_STOPS_OBSERVER,
};

struct plan_step {
	enum plan_action action;
	int want;            /* ATTACH, UPDATE: index into want[]; else -1 */
	int have;            /* DETACH, UPDATE: index into have[]; else -1 */
	enum plan_reason reason;
	bool reorder;        /* UPDATE: priority or continue-on set */
	bool place;          /* UPDATE: relative placement */
};

/* Whether some running program could match a wanted one by owner and name
 * (then its tag is needed). */
bool plan_has_candidate(const char *owner, const char *name, const struct plan_have *have,
			size_t nhave);

/* Fill steps (room for nwant + nhave) in order: detaches, updates,
 * attaches; want[].have tells each wanted program's match. Returns the number of steps, or -EINVAL if two wanted
 * programs have the same name (*dup_a, *dup_b: their indices). */
int plan_compute(const char *owner, struct plan_want *want, size_t nwant,
		 const struct plan_have *have, size_t nhave, struct plan_step *steps,
		 int *dup_a, int *dup_b);

#endif
