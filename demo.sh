#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# README's "main job": installs the build dependencies, builds, and runs
# xdpchain-demo (examples/demo: a chain of three programs on a throwaway
# veth pair in its own network namespace, with real packets). Extra
# arguments go to the demo, e.g. ./demo.sh --mode skb
set -euo pipefail
cd "$(dirname "$0")"
[ "$(id -u)" -eq 0 ] || { echo "Error: the demo attaches XDP programs: run it as root" >&2; exit 2; }
tests/install-deps.sh
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null
exec build/examples/demo/xdpchain-demo "$@"
