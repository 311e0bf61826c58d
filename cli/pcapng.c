// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* pcapng writer (pcapng.h). Every block: type, total length, body, total
 * length again; bodies and options are padded to 4 bytes. */
#include <errno.h>
#include <string.h>
#include "pcapng.h"

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_EPB 0x00000006u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define LINKTYPE_ETHERNET 1
#define OPT_END 0
#define OPT_COMMENT 1
#define SHB_USERAPPL 4
#define IF_NAME 2
#define IF_TSRESOL 9

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* An option's size in the file: code, length, value, padding. */
static size_t opt_size(size_t len)
{
	return 4 + pad4(len);
}

static int put(FILE *f, const void *p, size_t n)
{
	static const unsigned char zero[4];

	if (n && fwrite(p, 1, n, f) != n)
		return -EIO;
	/* Only whole-word values or ones followed by their padding here. */
	if (pad4(n) != n && fwrite(zero, 1, pad4(n) - n, f) != pad4(n) - n)
		return -EIO;
	return 0;
}

static int put32(FILE *f, uint32_t v)
{
	return put(f, &v, 4);
}

static int put_opt(FILE *f, uint16_t code, const void *v, size_t len)
{
	uint16_t h[2] = { code, (uint16_t)len };
	int err = put(f, h, sizeof(h));

	return err ? err : put(f, v, len);
}

/* Options are strings here, at most 64 KiB - 1 each. */
static size_t str_len(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n > 0xfff0 ? 0xfff0 : n;
}

int pcapng_start(FILE *f, const char *appl, const char *ifname, uint32_t snaplen)
{
	size_t la = str_len(appl), li = str_len(ifname);
	uint32_t len;
	uint8_t tsresol = 9; /* 10^-9 s */
	int err;

	/* Section header: magic, version 1.0, section length unknown (-1). */
	len = (uint32_t)(4 * 3 + 2 * 2 + 8 + (la ? opt_size(la) : 0) + 4 + 4);
	err = put32(f, BT_SHB) ?: put32(f, len) ?: put32(f, BYTE_ORDER_MAGIC);
	if (!err) {
		uint16_t ver[2] = { 1, 0 };
		int64_t section_len = -1;

		err = put(f, ver, sizeof(ver)) ?: put(f, &section_len, 8);
	}
	if (!err && la)
		err = put_opt(f, SHB_USERAPPL, appl, la);
	err = err ?: put32(f, OPT_END) ?: put32(f, len);
	if (err)
		return err;
	/* Interface: Ethernet, snap length, name, nanosecond timestamps. */
	len = (uint32_t)(4 * 2 + 2 * 2 + 4 + (li ? opt_size(li) : 0) + opt_size(1) + 4 + 4);
	err = put32(f, BT_IDB) ?: put32(f, len);
	if (!err) {
		uint16_t lt[2] = { LINKTYPE_ETHERNET, 0 };

		err = put(f, lt, sizeof(lt)) ?: put32(f, snaplen);
	}
	if (!err && li)
		err = put_opt(f, IF_NAME, ifname, li);
	err = err ?: put_opt(f, IF_TSRESOL, &tsresol, 1);
	return err ?: put32(f, OPT_END) ?: put32(f, len);
}

int pcapng_packet(FILE *f, uint64_t ts_ns, const void *data, uint32_t cap_len,
		  uint32_t orig_len, const char *comment)
{
	size_t lc = str_len(comment);
	uint32_t len;
	int err;

	len = (uint32_t)(4 * 2 + 4 * 5 + pad4(cap_len) + (lc ? opt_size(lc) + 4 : 0) + 4);
	err = put32(f, BT_EPB) ?: put32(f, len) ?: put32(f, 0) /* interface 0 */ ?:
	      put32(f, (uint32_t)(ts_ns >> 32)) ?: put32(f, (uint32_t)ts_ns) ?:
	      put32(f, cap_len) ?: put32(f, orig_len) ?: put(f, data, cap_len);
	if (!err && lc)
		err = put_opt(f, OPT_COMMENT, comment, lc) ?: put32(f, OPT_END);
	return err ?: put32(f, len);
}
