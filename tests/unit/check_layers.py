#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
"""lib/ is a stack of layers (docs/architecture.md), one folder each.
Checks, from the sources, that every lib/<layer>/*.c includes its own
layer's header and otherwise only headers of lower layers, and that no
layer header includes another but model's (so nothing is seen that is not
asked for: only the transaction includes the mutations); that no file
outside the store (layer 2) assigns to st->store nor outside the reader
(layer 3) to st->chain (one owner per field); that every
function a layer header declares is defined in a file of that layer; that
no file calls a function of a higher layer; that the mutations (layer 4)
never call each other; that there is one change path: only the
transaction (txn.c) calls a mutation, the collector of dead state
(collect.c) aside, which changes no chain; and that exported symbols
(libxdpchain.map) are defined only in layer 5. Prints each violation;
exit 1 if any."""
import pathlib
import re
import sys

# One folder a layer, lib/<name>/, declared by lib/<name>/<name>.h.
NAMES = ["model", "kobj", "store", "reader", "mutate", "api"]
LAYERS = [f"{n}/{n}.h" for n in NAMES]
# Every change of a chain is a transaction: lock, read, stage, plan, one
# mutation (docs/architecture.md).
TXN = "txn.c"
NOT_A_CHANGE = {"collect.c"}
lib = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "lib")
bad = []


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


# An assignment to (or through) a field of the state's two parts.
OWNED_WRITE = [re.compile(r) for r in (
    r"\bst->(store|chain)\.(\w+)[\w.\[\]]*\s*(?:=(?!=)|\+=|-=|\+\+|--)",
    r"(?:\+\+|--)\s*st->(store|chain)\.(\w+)",
    r"\b(?:memset|memcpy|snprintf|strcpy|strncpy)\s*\(\s*&?st->(store|chain)\.(\w+)")]

# No layer header sees another but model's.
for n, hdr in zip(NAMES, LAYERS):
    for h in re.findall(r'#include "([^"]+)"', strip_comments((lib / hdr).read_text())):
        if h in LAYERS and h != LAYERS[0]:
            bad.append(f"{hdr} includes {h}: a file includes what it uses itself")

# Functions each layer header declares.
declared = {}
for layer, hdr in enumerate(LAYERS):
    text = strip_comments((lib / hdr).read_text())
    for name in re.findall(r"XDPCHAIN_HIDDEN[^;(]*?\b(xc_\w+)\s*\(", text, re.S):
        declared[name] = layer

# The layer of every C file, and where each function is defined.
layer_of, defined_in, sources = {}, {}, {}
for c in sorted(lib.glob("*/*.c")):
    text = strip_comments(c.read_text())
    sources[c.name] = text
    if c.parent.name not in NAMES:
        bad.append(f"{c.parent.name}/{c.name}: not in a layer's folder")
        continue
    own = NAMES.index(c.parent.name)
    inc = [h for h in re.findall(r'#include "([^"]+)"', text) if h in LAYERS]
    if LAYERS[own] not in inc:
        bad.append(f"{c.name}: does not include its layer's header {LAYERS[own]}")
    for h in inc:
        if LAYERS.index(h) > own:
            bad.append(f"{c.name} (layer {own}) includes {h} of a higher layer")
        elif h == "mutate/mutate.h" and own != 4 and c.name not in (TXN, "gc.c"):
            bad.append(f"{c.name} includes {h}: only {TXN} (and gc.c, for the "
                       f"collector) may see the mutations")
    for part, field in (m for r in OWNED_WRITE for m in r.findall(text)):
        owner = 2 if part == "store" else 3
        if own != owner:
            bad.append(f"{c.name} (layer {own}) writes st->{part}.{field}: "
                       f"only layer {owner} ({NAMES[owner]}) does")
    layer_of[c.name] = own
    for name in re.findall(r"^(?!static)[A-Za-z_][\w \t\*]*?\b(\w+)\s*\([^;{]*\)\s*\{",
                           text, re.M):
        defined_in[name] = c.name

for name, layer in declared.items():
    f = defined_in.get(name)
    if f is None:
        bad.append(f"{name}: declared in {LAYERS[layer]} but defined nowhere")
    elif layer_of.get(f) != layer:
        bad.append(f"{name}: declared in {LAYERS[layer]} but defined in {f} "
                   f"(layer {layer_of.get(f)})")

for f, text in sources.items():
    if f not in layer_of:
        continue
    for name in sorted(set(re.findall(r"\b(xc_\w+)\s*\(", text))):
        g = defined_in.get(name)
        if name not in declared or g is None or g == f:
            continue
        if layer_of[g] > layer_of[f]:
            bad.append(f"{f} (layer {layer_of[f]}) calls {name} of {g} (layer {layer_of[g]})")
        elif layer_of[g] == layer_of[f] == 4:
            bad.append(f"{f} calls {name} of {g}: mutations never call each other")
        elif layer_of[g] == 4 and f != TXN and g not in NOT_A_CHANGE:
            bad.append(f"{f} calls {name} of {g}: only {TXN} changes a chain "
                       f"(a transaction)")

mapfile = (lib / "libxdpchain.map").read_text()
exported = re.findall(r"^\s+(xdpchain_\w+);", mapfile, re.M)
for name in exported:
    f = defined_in.get(name)
    if f is None:
        bad.append(f"{name}: in libxdpchain.map but defined nowhere")
    elif layer_of.get(f) != 5:
        bad.append(f"{name}: exported but defined in {f} (layer {layer_of.get(f)}), not layer 5")

for line in bad:
    print(line)
print(f"check_layers: {len(layer_of)} files, {len(declared)} internal functions, "
      f"{len(exported)} exported symbols, {len(bad)} violations")
sys.exit(1 if bad else 0)
