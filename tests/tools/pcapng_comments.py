#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""Read a pcapng file as the pcapng draft defines it (any byte order) and
print one line per enhanced packet block: "CAPLEN ORIGLEN COMMENT" (the
opt_comment options joined by " | ", "-" if none). Exit 1 on a malformed
file: what xdpchain dump -w writes must be well-formed block by block."""
import struct
import sys


def main(path):
    data = open(path, 'rb').read()
    off, endian, packets = 0, None, 0
    while off < len(data):
        if len(data) - off < 12:
            sys.exit('truncated block at %d' % off)
        btype = struct.unpack_from('<I', data, off)[0]
        if btype == 0x0A0D0D0A:
            magic = data[off + 8:off + 12]
            endian = {b'\x4d\x3c\x2b\x1a': '<', b'\x1a\x2b\x3c\x4d': '>'}.get(magic)
            if not endian:
                sys.exit('bad byte-order magic')
        if endian is None:
            sys.exit('no section header first')
        btype, blen = struct.unpack_from(endian + 'II', data, off)
        if blen < 12 or blen % 4 or off + blen > len(data):
            sys.exit('bad block length %d at %d' % (blen, off))
        if struct.unpack_from(endian + 'I', data, off + blen - 4)[0] != blen:
            sys.exit('trailing length differs at %d' % off)
        if btype == 6:
            cap, orig = struct.unpack_from(endian + 'II', data, off + 20)
            p, comments = off + 28 + ((cap + 3) & ~3), []
            while p + 4 <= off + blen - 4:
                code, n = struct.unpack_from(endian + 'HH', data, p)
                if code == 0:
                    break
                if code == 1:
                    comments.append(data[p + 4:p + 4 + n].decode())
                p += 4 + ((n + 3) & ~3)
            print(cap, orig, ' | '.join(comments) or '-')
            packets += 1
        off += blen
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
