// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Building and validating chain metadata (struct xdpchain_meta). What is
 * read back from the kernel is untrusted until it passes
 * xc_meta_validate(). Pure code, unit-tested. */
#include <stdio.h>
#include <string.h>
#include "model/model.h"

void xc_meta_init(struct xdpchain_meta *meta, __u64 revision, int ifindex,
		  enum xdpchain_mode mode, __u64 netns_ino)
{
	memset(meta, 0, sizeof(*meta));
	meta->magic = XDPCHAIN_META_MAGIC;
	meta->version = XDPCHAIN_META_VERSION;
	meta->revision = revision;
	meta->ifindex = (__u32)ifindex;
	meta->mode = mode;
	meta->netns_ino = netns_ino;
}

static bool str_terminated(const char *s, size_t len)
{
	return memchr(s, '\0', len) != NULL;
}

int xc_owner_valid(const char *owner)
{
	const char *p;

	if (!owner)
		return -EINVAL;
	if (strlen(owner) >= XDPCHAIN_OWNER_LEN)
		return -ENAMETOOLONG;
	for (p = owner; *p; p++)
		if (*p < 0x21 || *p > 0x7e)
			return -EINVAL;
	return 0;
}

#define WHY(...) (snprintf(why, why_len, __VA_ARGS__), -EBADMSG)

/* The slots are in run order (order.c), and every anchor is a program
 * of the chain. */
static int check_order(const struct xdpchain_meta *meta, char *why, size_t why_len)
{
	const struct xdpchain_slot_meta *p[XDPCHAIN_MAX_SLOTS];
	unsigned int perm[XDPCHAIN_MAX_SLOTS], i, j, n = meta->nr_progs;

	for (i = 0; i < n; i++) {
		const struct xdpchain_slot_meta *s = &meta->slots[i];

		p[i] = s;
		for (j = 0; s->anchor && j < n; j++)
			if (meta->slots[j].prog_id == s->anchor_id)
				break;
		if (s->anchor && j == n)
			return WHY("slot %u is placed relative to program %u, which is not in the "
				   "chain", i, s->anchor_id);
	}
	if (xc_order(p, n, perm))
		return WHY("the anchors of the slots form a loop");
	for (i = 0; i < n; i++)
		if (p[perm[i]] != &meta->slots[i])
			return WHY("slot %u is out of order", i);
	return 0;
}

int xc_meta_validate(const struct xdpchain_meta *meta, char *why, size_t why_len)
{
	unsigned int i, j;

	if (meta->magic != XDPCHAIN_META_MAGIC)
		return WHY("bad magic 0x%08x", meta->magic);
	if (meta->version != XDPCHAIN_META_VERSION)
		return WHY("protocol version %u (this library reads version %u only)",
			   meta->version, XDPCHAIN_META_VERSION);
	if (meta->nr_progs > XDPCHAIN_MAX_SLOTS)
		return WHY("%u programs exceed the %u slots", meta->nr_progs,
			   XDPCHAIN_MAX_SLOTS);
	if (meta->mode != XDPCHAIN_MODE_NATIVE && meta->mode != XDPCHAIN_MODE_SKB)
		return WHY("bad mode %u", meta->mode);
	/* XDPCHAIN_META_F_TRACE never runs on an interface. */
	if (meta->flags & ~(XDPCHAIN_META_F_FRAGS | XDPCHAIN_META_F_STATS |
			    XDPCHAIN_META_F_EXT_ONLY | XDPCHAIN_META_F_OBSERVE))
		return WHY("unknown flags 0x%x", meta->flags);
	if ((meta->flags & XDPCHAIN_META_F_OBSERVE) &&
	    ((meta->flags & XDPCHAIN_META_F_EXT_ONLY) || meta->nr_spare))
		return WHY("observer flag in a chain%s",
			   meta->nr_spare ? " with spare positions" : " of the wrong build");
	if (!!(meta->flags & XDPCHAIN_META_F_OBSERVE) != (xc_meta_observers(meta) > 0))
		return WHY("observer flag disagrees with the slots");
	if (xc_meta_observers(meta) > XDPCHAIN_MAX_OBSERVERS)
		return WHY("%u observers exceed the %u allowed", xc_meta_observers(meta),
			   XDPCHAIN_MAX_OBSERVERS);
	if ((meta->flags & XDPCHAIN_META_F_EXT_ONLY) && (meta->flags & XDPCHAIN_META_F_STATS))
		return WHY("extension-only flag in a chain with counters");
	if (!!(meta->flags & XDPCHAIN_META_F_FRAGS) != xc_meta_frags(meta))
		return WHY("frags flag disagrees with the slots");
	/* A chain of one with a spare: the append that ends its shortcut
	 * needs the main function's id. */
	if (xc_meta_whole(meta) && meta->nr_spare && !meta->main_btf_id)
		return WHY("a chain of one with spare positions has no main BTF id");
	if (meta->nr_spare > XDPCHAIN_MAX_SLOTS - meta->nr_progs)
		return WHY("%u spare positions after %u programs exceed the %u slots",
			   meta->nr_spare, meta->nr_progs, XDPCHAIN_MAX_SLOTS);
	if (meta->nr_spare && (meta->flags & XDPCHAIN_META_F_STATS))
		return WHY("spare positions in a chain with counters");
	for (i = meta->nr_progs; i < meta->nr_progs + meta->nr_spare; i++)
		if (!meta->slot_btf_id[i])
			return WHY("spare position %u has no BTF id", i);
	for (i = 0; i < meta->nr_progs; i++) {
		const struct xdpchain_slot_meta *s = &meta->slots[i];

		if (!s->prog_id)
			return WHY("slot %u has no program id", i);
		if (s->kind != XDPCHAIN_SLOT_FREPLACE && s->kind != XDPCHAIN_SLOT_TAILCALL)
			return WHY("slot %u has bad kind %u", i, s->kind);
		if (s->kind == XDPCHAIN_SLOT_TAILCALL && (meta->flags & XDPCHAIN_META_F_EXT_ONLY))
			return WHY("slot %u is a tail-call slot of an extension-only dispatcher", i);
		if (s->continue_on & ~XDPCHAIN_VERDICTS_ALL)
			return WHY("slot %u has bad continue-on set 0x%x", i, s->continue_on);
		if (s->flags & ~(XDPCHAIN_SLOT_F_FRAGS | XDPCHAIN_SLOT_F_UNTIL_EXIT |
				 XDPCHAIN_SLOT_F_OBSERVER | XDPCHAIN_SLOT_F_TAILCALLS))
			return WHY("slot %u has unknown flags 0x%x", i, s->flags);
		/* Observers last: the dispatcher ends the chain at the first. */
		if (i && (meta->slots[i - 1].flags & XDPCHAIN_SLOT_F_OBSERVER) &&
		    !(s->flags & XDPCHAIN_SLOT_F_OBSERVER))
			return WHY("slot %u is a program after an observer", i);
		if (s->anchor > XDPCHAIN_ANCHOR_AFTER || !s->anchor != !s->anchor_id)
			return WHY("slot %u has a bad anchor (%u, %u)", i, s->anchor, s->anchor_id);
		if (s->anchor && s->anchor_id == s->prog_id)
			return WHY("slot %u is its own anchor", i);
		if ((s->flags & XDPCHAIN_SLOT_F_UNTIL_EXIT)
			    ? !s->owner_pid || !s->owner_pidns
			    : s->owner_pid || s->owner_start || s->owner_pidns)
			return WHY("slot %u has inconsistent owner-process fields", i);
		if (!str_terminated(s->name, sizeof(s->name)) || !s->name[0])
			return WHY("slot %u has a bad name", i);
		if (!str_terminated(s->owner, sizeof(s->owner)))
			return WHY("slot %u has a bad owner", i);
		if (s->stats_idx >= XDPCHAIN_MAX_SLOTS)
			return WHY("slot %u has bad stats index %u", i, s->stats_idx);
		for (j = 0; j < i; j++) {
			if (meta->slots[j].prog_id == s->prog_id)
				return WHY("program %u is in slots %u and %u", s->prog_id, j, i);
			/* Chains without counters may have all 0; they get
			 * distinct ones when counting starts. */
			if ((meta->flags & XDPCHAIN_META_F_STATS) &&
			    meta->slots[j].stats_idx == s->stats_idx)
				return WHY("slots %u and %u share stats index %u", j, i,
					   s->stats_idx);
		}
	}
	for (; i < XDPCHAIN_MAX_SLOTS; i++)
		if (meta->slots[i].prog_id)
			return WHY("inactive slot %u is not empty", i);
	return check_order(meta, why, why_len);
}

__u64 xc_live_test(__u32 continue_on)
{
	if (!continue_on || (continue_on & (continue_on - 1)) ||
	    (continue_on & ~XDPCHAIN_VERDICTS_ALL))
		return XDPCHAIN_LIVE_GENERAL;
	return (__u64)__builtin_ctz(continue_on);
}

unsigned int xc_meta_observers(const struct xdpchain_meta *meta)
{
	unsigned int i, k = 0;

	for (i = 0; i < meta->nr_progs && i < XDPCHAIN_MAX_SLOTS; i++)
		k += !!(meta->slots[i].flags & XDPCHAIN_SLOT_F_OBSERVER);
	return k;
}

bool xc_meta_frags(const struct xdpchain_meta *meta)
{
	unsigned int i;

	if (!meta->nr_progs)
		return false;
	for (i = 0; i < meta->nr_progs; i++)
		if (!(meta->slots[i].flags & XDPCHAIN_SLOT_F_FRAGS))
			return false;
	return true;
}

enum xdpchain_backend xc_meta_backend(const struct xdpchain_meta *meta)
{
	bool ext = false, tail = false;
	unsigned int i;

	for (i = 0; i < meta->nr_progs; i++) {
		if (meta->slots[i].kind == XDPCHAIN_SLOT_FREPLACE)
			ext = true;
		else
			tail = true;
	}
	if (ext && tail)
		return XDPCHAIN_BACKEND_MIXED;
	return ext ? XDPCHAIN_BACKEND_FREPLACE : XDPCHAIN_BACKEND_TAILCALL;
}

__u64 xc_stats_idx_assign(struct xdpchain_slot_meta *slots, unsigned int n, const bool *fresh,
			  __u64 avoid)
{
	__u64 used = 0, given = 0, bit;
	bool need[XDPCHAIN_MAX_SLOTS];
	unsigned int i, idx;

	for (i = 0; i < n && i < XDPCHAIN_MAX_SLOTS; i++) {
		bit = 1ull << (slots[i].stats_idx & (XDPCHAIN_MAX_SLOTS - 1));
		need[i] = fresh[i] || slots[i].stats_idx >= XDPCHAIN_MAX_SLOTS || (used & bit);
		if (!need[i])
			used |= bit;
	}
	for (i = 0; i < n && i < XDPCHAIN_MAX_SLOTS; i++) {
		if (!need[i])
			continue;
		for (idx = 0; idx < XDPCHAIN_MAX_SLOTS && ((used | avoid) & (1ull << idx)); idx++)
			;
		/* n <= 64 slots, so a free index always exists. */
		for (idx = idx < XDPCHAIN_MAX_SLOTS ? idx : 0; used & (1ull << idx); idx++)
			;
		slots[i].stats_idx = (__u8)idx;
		used |= 1ull << idx;
		given |= 1ull << idx;
	}
	return given;
}

/*
 * A chain of one freplace program needs no dispatching: the verdict of the
 * only program is the chain's whatever its continue-on set. Its EXT program
 * then replaces the dispatcher's main function rather than slot_0, so the
 * kernel jumps straight into it and one program costs what it costs
 * attached directly (a call into slot_0 and the verdict test measured
 * 1.3-1.8x a trivial program). The dispatcher, its metadata and its link
 * stay as they are; the next change re-attaches the program to a slot.
 * Not with counters or tracing: those need the dispatcher to run.
 */
bool xc_meta_whole(const struct xdpchain_meta *meta)
{
	return meta->nr_progs == 1 && meta->slots[0].kind == XDPCHAIN_SLOT_FREPLACE &&
	       !(meta->flags & (XDPCHAIN_META_F_STATS | XDPCHAIN_META_F_TRACE |
				XDPCHAIN_META_F_OBSERVE));
}

/*
 * Spare positions a rebuilt chain gets (append.c): for n programs, 8, or
 * half the chain when that is more, within the 64 slots, so that the next
 * appends (the common change: an application starts with the lowest
 * priority) need no new dispatcher. A spare costs verification at each
 * rebuild (the dispatcher verifies the positions up to nr_progs +
 * nr_spare, not the rest of its build) and, per packet, nothing until it
 * is used, but one compare at the first unused one.
 *
 * A chain of one freplace program (xc_meta_whole()) gets one, for the
 * second program: its program runs in place of the main function, so the
 * spare costs its packets nothing, and its verification the first attach
 * little (one position; eight would cost the first attach more than
 * libxdp's, docs/performance.md). The third program rebuilds, with 8.
 * A chain grown one program at a time to 64 then builds 5 dispatchers,
 * at 1, 3, 12, 21 and 32 programs, and a sixth at 48.
 *
 * None for a tail-call program alone (the dispatcher's last tail call
 * needs a constant end), nor with counters, tracing or observers (the
 * instrumented build has none).
 */
unsigned int xc_meta_spares(const struct xdpchain_meta *meta)
{
	unsigned int n = meta->nr_progs, want = n / 2 > 8 ? n / 2 : 8;

	if (xc_meta_whole(meta))
		return XDPCHAIN_WHOLE_SPARES;
	if (n < 2 || n >= XDPCHAIN_MAX_SLOTS ||
	    (meta->flags & (XDPCHAIN_META_F_STATS | XDPCHAIN_META_F_TRACE |
			    XDPCHAIN_META_F_OBSERVE)))
		return 0;
	return want < XDPCHAIN_MAX_SLOTS - n ? want : XDPCHAIN_MAX_SLOTS - n;
}

/* A dispatcher configuration with one freplace slot, used as a target to
 * load EXT programs against (and by the probe). Not a valid chain. */
void xc_meta_init_probe(struct xdpchain_meta *meta)
{
	xc_meta_init(meta, 0, 0, XDPCHAIN_MODE_NATIVE, 0);
	meta->nr_progs = 1;
	meta->slots[0].kind = XDPCHAIN_SLOT_FREPLACE;
	meta->slots[0].continue_on = XDPCHAIN_DEFAULT_CONTINUE;
}

__u64 xc_meta_idx_mask(const struct xdpchain_meta *meta)
{
	__u64 mask = 0;

	for (unsigned int i = 0; i < meta->nr_progs; i++)
		mask |= 1ull << (meta->slots[i].stats_idx & (XDPCHAIN_MAX_SLOTS - 1));
	return mask;
}

unsigned int xc_meta_find_name(const struct xdpchain_meta *meta, const char *name, __u32 *id)
{
	const struct xdpchain_slot_meta *s = meta->slots;
	unsigned int found = 0;

	for (unsigned int i = 0; i < meta->nr_progs && i < XDPCHAIN_MAX_SLOTS; i++) {
		if (strncmp(s[i].name, name, sizeof(s[i].name)))
			continue;
		found++;
		*id = s[i].prog_id;
	}
	return found;
}
