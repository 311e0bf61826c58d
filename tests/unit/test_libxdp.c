// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* lib/kobj/libxdp.c: the config of libxdp's dispatcher, by layout
 * version (xc_libxdp_parse()): what an adoption carries over (priorities,
 * chain-call actions, frags), and the layouts it refuses by number. */
#include <string.h>
#include <linux/bpf.h>
#include "kobj/kobj.h"
#include "check.h"

/* A config of layout v (1 or 2) with two programs. */
static size_t config(__u8 *buf, unsigned int v)
{
	__u32 arr[3 * XC_LIBXDP_MAX];
	size_t n = v == 1 ? 2 * XC_LIBXDP_MAX : 3 * XC_LIBXDP_MAX;

	memset(buf, 0, 4 + sizeof(arr));
	memset(arr, 0, sizeof(arr));
	arr[0] = (1u << 2) | (1u << 31);          /* pass, and libxdp's own bit */
	arr[1] = (1u << 2) | (1u << 1) | (1u << 31);
	arr[XC_LIBXDP_MAX] = 10;
	arr[XC_LIBXDP_MAX + 1] = 20;
	arr[2 * XC_LIBXDP_MAX + 1] = BPF_F_XDP_HAS_FRAGS;
	if (v == 1) {
		buf[0] = 2;
	} else {
		buf[0] = 236;
		buf[1] = (__u8)v;
		buf[2] = 2;
	}
	memcpy(buf + 4, arr, n * 4);
	return 4 + n * 4;
}

int main(void)
{
	__u8 buf[4 + 3 * 4 * XC_LIBXDP_MAX + 8];
	struct xc_libxdp x;
	char why[200];
	size_t n;

	n = config(buf, 2);
	CHECK(n == 124);
	CHECK(xc_libxdp_parse(buf, (__u32)n, &x, why, sizeof(why)) == 0);
	CHECK(x.version == 2 && x.nr == 2);
	CHECK(x.progs[0].priority == 10 && x.progs[1].priority == 20);
	CHECK(x.progs[0].actions == (1u << 2) && x.progs[1].actions == ((1u << 2) | (1u << 1)));
	CHECK(!x.progs[0].frags && x.progs[1].frags);
	n = config(buf, 1);
	CHECK(n == 84);
	CHECK(xc_libxdp_parse(buf, (__u32)n, &x, why, sizeof(why)) == 0);
	CHECK(x.version == 1 && x.nr == 2 && x.progs[1].priority == 20);
	CHECK(!x.progs[1].frags); /* layout 1 has no flags */
	/* A newer layout: refused by number, whatever its size. */
	n = config(buf, 3);
	CHECK(xc_libxdp_parse(buf, (__u32)n, &x, why, sizeof(why)) == -EOPNOTSUPP);
	CHECK(strstr(why, "version 3") != NULL);
	/* Layout 2 of another size; no magic and not layout 1's size. */
	n = config(buf, 2);
	CHECK(xc_libxdp_parse(buf, (__u32)n + 4, &x, why, sizeof(why)) == -EOPNOTSUPP);
	CHECK(xc_libxdp_parse(buf + 1, 90, &x, why, sizeof(why)) == -EOPNOTSUPP);
	/* More programs than slots. */
	n = config(buf, 2);
	buf[2] = 11;
	CHECK(xc_libxdp_parse(buf, (__u32)n, &x, why, sizeof(why)) == -EINVAL);
	return check_report("test_libxdp");
}
