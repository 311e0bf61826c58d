// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * The numbers in the names of pins and directories (if-<ifindex>,
 * ns-<inode>, link-<rev>-<id>, ...: docs/protocol.md, "State layout").
 * Written with %u/%llu, so read back in exactly that form: sscanf()'s %u
 * also takes a sign, leading blanks and a value that wraps, so "if--1",
 * "prog- 5" or "if-03" would be read as a name the library never wrote
 * and be collected or read as one of ours.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "model/model.h"

const char *xc_name_num(const char *name, const char *prefix, unsigned long long max,
			unsigned long long *v)
{
	unsigned long long n = 0;
	const char *p;

	if (!name || strncmp(name, prefix, strlen(prefix)))
		return NULL;
	p = name + strlen(prefix);
	if (*p < '0' || *p > '9' || (*p == '0' && p[1] >= '0' && p[1] <= '9'))
		return NULL;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned int d = (unsigned int)(*p - '0');

		if (n > (max - d) / 10)
			return NULL;
		n = n * 10 + d;
	}
	*v = n;
	return p;
}

bool xc_name_is_pair(const char *name, const char *prefix, unsigned long long max1,
		     unsigned long long *a, unsigned long long *b)
{
	unsigned long long x, y;
	const char *p = xc_name_num(name, prefix, max1, &x);

	p = xc_name_num(p, "-", UINT_MAX, &y);
	if (!p || *p)
		return false;
	*a = x;
	*b = y;
	return true;
}

bool xc_name_is_num(const char *name, const char *prefix, unsigned long long *v)
{
	unsigned long long n;
	const char *end = xc_name_num(name, prefix, ULLONG_MAX, &n);

	if (!end || *end)
		return false;
	*v = n;
	return true;
}

/* name is exactly prefix, a number <= max1 and two 32-bit numbers, each
 * after a '-' (link-<rev>-<id>-<pos>); untouched if not. */
static bool name_is_triple(const char *name, const char *prefix, unsigned long long max1,
			   unsigned long long *a, unsigned long long *b, unsigned long long *c)
{
	unsigned long long x, y, z;
	const char *p = xc_name_num(name, prefix, max1, &x);

	p = xc_name_num(p, "-", UINT_MAX, &y);
	p = xc_name_num(p, "-", UINT_MAX, &z);
	if (!p || *p)
		return false;
	*a = x;
	*b = y;
	*c = z;
	return true;
}

/*
 * A dispatcher's own positions (below its metadata's nr_progs) hold each
 * program once, so their links are named by program; a spare position
 * may hold a program that another position of the same dispatcher holds
 * too (a relocated chain, docs/protocol.md section 6c, links it anew
 * before the old link goes), so its link's name says the position.
 */
int xc_link_pin_name(char *buf, size_t len, __u64 rev, __u32 id, unsigned int pos,
		     unsigned int own)
{
	int n;

	if (pos < own)
		n = snprintf(buf, len, "link-%llu-%u", (unsigned long long)rev, id);
	else
		n = snprintf(buf, len, "link-%llu-%u-%u", (unsigned long long)rev, id, pos);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

bool xc_link_pin_parse(const char *name, unsigned long long *rev, unsigned long long *id,
		       unsigned long long *pos)
{
	if (xc_name_is_pair(name, "link-", ULLONG_MAX, rev, id)) {
		*pos = ULLONG_MAX;
		return true;
	}
	return name_is_triple(name, "link-", ULLONG_MAX, rev, id, pos);
}

bool xc_link_pin_at(unsigned long long pos, unsigned int at, unsigned int own)
{
	return pos == ULLONG_MAX ? at < own : pos == at && pos >= own;
}
