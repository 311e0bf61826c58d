/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* Packet bytes written as hex on the command line. Pure code, unit-tested. */
#ifndef XDPCHAIN_CLI_HEX_H
#define XDPCHAIN_CLI_HEX_H

#include <stddef.h>
#include <stdint.h>

/*
 * "ffffffffffff0200...", optionally with a leading "0x", with spaces, tabs,
 * newlines, ':' or '-' between bytes ("ff:ff ff-ff"); upper or lower case.
 * Writes at most cap bytes to buf and their number to *len. Errors: -EINVAL
 * (no bytes, a character that is not hex, or an odd number of digits
 * between separators) with *bad_off the offset of the offending character
 * in str; -E2BIG (more than cap bytes).
 */
int hex_parse(const char *str, uint8_t *buf, size_t cap, size_t *len, size_t *bad_off);

#endif
