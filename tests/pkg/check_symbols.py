#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""The ABI of libxdpchain.so as built matches lib/libxdpchain.map and the
public header:
  - the soname is libxdpchain.so.SOVERSION;
  - every defined dynamic symbol is an xdpchain_ function, carries a version
    node of the map, and is listed in that node (nothing leaks: no libbpf
    or helper symbol is exported);
  - every symbol the map lists is exported, in its node;
  - every XDPCHAIN_API function of the headers is in the map and the other
    way round (an exported function nobody can declare, or a declared one
    nobody can link, are both bugs).
usage: check_symbols.py LIB.so MAPFILE SOVERSION HEADER...
Needs readelf (binutils)."""
import os
import re
import subprocess
import sys


def parse_map(path):
    text = re.sub(r'/\*.*?\*/', '', open(path).read(), flags=re.S)
    nodes = {}
    for m in re.finditer(r'([\w.]+)\s*\{(.*?)\}\s*([\w.]*)\s*;', text, flags=re.S):
        name, body = m.group(1), m.group(2)
        syms, scope = [], None
        for tok in re.split(r'[;\s]+', body):
            if tok in ('global:', 'local:'):
                scope = tok
            elif tok and scope == 'global:':
                syms.append(tok)
        nodes[name] = syms
    return nodes


def main():
    lib, mapfile, soversion = sys.argv[1:4]
    headers = sys.argv[4:]
    errors = []
    nodes = parse_map(mapfile)
    if not nodes:
        errors.append(f'{mapfile}: no version node found')
    in_map = {}
    for node, syms in nodes.items():
        for s in syms:
            if '*' in s or '?' in s:
                errors.append(f'{mapfile}: wildcard "{s}" in the global part of {node}')
            if s in in_map:
                errors.append(f'{mapfile}: {s} is listed in {in_map[s]} and {node}')
            in_map[s] = node

    dyn = subprocess.run(['readelf', '-d', '-W', lib], capture_output=True,
                         text=True, check=True).stdout
    m = re.search(r'\(SONAME\)\s+Library soname: \[(.*?)\]', dyn)
    want = f'libxdpchain.so.{soversion}'
    if not m or m.group(1) != want:
        errors.append(f'soname: expected {want}, got {m.group(1) if m else "none"}')

    out = subprocess.run(['readelf', '--dyn-syms', '-W', lib], capture_output=True,
                         text=True, check=True).stdout
    exported = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) < 8 or not f[0][:-1].isdigit() or f[6] == 'UND':
            continue
        # Local symbols are not exported: aarch64's ld puts the section
        # symbols of .init and .data in .dynsym.
        if f[4] == 'LOCAL':
            continue
        typ, name = f[3], f[7]
        sym, _, ver = name.partition('@')
        ver = ver.lstrip('@')
        # The version node itself is an absolute symbol on some linkers.
        if f[6] == 'ABS' and sym in nodes:
            continue
        if not sym.startswith('xdpchain_'):
            errors.append(f'{sym} is exported but is not an xdpchain_ symbol (leak)')
            continue
        if typ != 'FUNC':
            errors.append(f'{sym} is exported as {typ}: the ABI is functions only')
        if not ver:
            errors.append(f'{sym} is exported without a version')
        elif in_map.get(sym) != ver:
            errors.append(f'{sym} is exported in version {ver}, the map says '
                          f'{in_map.get(sym, "nothing")}')
        exported[sym] = ver
    for sym, node in sorted(in_map.items()):
        if sym not in exported:
            errors.append(f'{sym} is in the map ({node}) but the library does not '
                          f'export it (missing XDPCHAIN_API or definition?)')

    declared = set()
    for h in headers:
        text = re.sub(r'/\*.*?\*/', '', open(h).read(), flags=re.S)
        for m in re.finditer(r'XDPCHAIN_API\b[^;{]*?\b(xdpchain_\w+)\s*\(', text,
                             flags=re.S):
            declared.add(m.group(1))
    for sym in sorted(declared - set(in_map)):
        errors.append(f'{sym} is declared XDPCHAIN_API in the headers but is not in the map')
    for sym in sorted(set(in_map) - declared):
        errors.append(f'{sym} is in the map but no header declares it XDPCHAIN_API')

    # Debian's symbols file: dpkg-gensymbols fails the package build on any
    # difference, long after this test could have said so.
    debsyms = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..',
                           'debian', f'libxdpchain{soversion}.symbols')
    if os.path.exists(debsyms):
        listed = {}
        for line in open(debsyms):
            m = re.match(r'\s+(xdpchain_\w+)@(\S+)\s', line)
            if m:
                listed[m.group(1)] = m.group(2)
        for sym in sorted(set(in_map) - set(listed)):
            errors.append(f'{sym} is in the map but not in {debsyms}')
        for sym in sorted(set(listed) - set(in_map)):
            errors.append(f'{sym} is in {debsyms} but not in the map')
        for sym in sorted(set(listed) & set(in_map)):
            if listed[sym] != in_map[sym]:
                errors.append(f'{sym}: version {listed[sym]} in {debsyms}, {in_map[sym]} in the map')

    for e in errors:
        print('FAIL:', e)
    print(f'{len(exported)} exported symbols, {len(in_map)} in the map, '
          f'{len(declared)} declared; {len(errors)} problems')
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
