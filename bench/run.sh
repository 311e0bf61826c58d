#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# The benchmark, side by side in one run: direct calls, xdpchain (tail
# calls on the host; freplace and tail calls in QEMU on Debian's 6.1 and
# 6.12), and libxdp (in QEMU, where it can chain). Prints tables, writes
# JSON, a summary with the targets and an SVG plot into bench/results/
# (or --out DIR).
#   bench/run.sh            full run (2 minutes on an idle 2-core machine)
#   bench/run.sh --quick    smoke run for CI: small chains, few repeats, host + 6.12
#   bench/run.sh --no-vm    host only
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
quick=0 vm=1 out=$top/bench/results
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1; shift ;;
	--no-vm) vm=0; shift ;;
	--out) out=$2; shift 2 ;;
	*) echo "usage: bench/run.sh [--quick] [--no-vm] [--out DIR]" >&2; exit 2 ;;
	esac
done
[ "$(id -u)" -eq 0 ] || { echo "Error: run as root" >&2; exit 2; }

tests/install-deps.sh
# libxdp for the comparison, gnuplot for the plot.
missing=()
for p in libxdp-dev xdp-tools gnuplot-nox; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ -f build/build.ninja ]; then
	meson setup --reconfigure build >/dev/null # picks up libxdp if just installed
else
	meson setup build >/dev/null
fi
ninja -C build >/dev/null

kernels="6.1 6.12"
if [ "$quick" = 1 ]; then
	# The smoke run proves the code paths, not the figures: one guest
	# kernel is enough (the full run measures both).
	args=(--sizes 1,2,5 --repeat 20000 --runs 3)
	vmargs=(--sizes 1,2,5 --repeat 2000 --runs 3)
	kernels="6.12"
else
	args=(--sizes 1,2,5,10,32,64 --repeat 2000000 --runs 9)
	vmargs=(--sizes 1,2,5,10,32,64 --repeat 100000 --runs 7)
fi
mkdir -p "$out"
extract() { sed -n '/^BENCH-JSON-BEGIN/,/^BENCH-JSON-END/p' "$1" | sed '1d;$d'; }

echo "### host $(uname -r)"
BENCH_BUILD=$top/build bench/inner.sh "${args[@]}" > "$out/host.raw"
extract "$out/host.raw" > "$out/host.json"
if [ "$vm" = 1 ]; then
	for k in $kernels; do
		echo "### QEMU (TCG), Debian $k"
		tests/vm/run-vm.sh --kernel "$k" --cwd "$top" -- env BENCH_BUILD="$top/build" \
			bench/inner.sh "${vmargs[@]}" > "$out/vm-$k.raw"
		extract "$out/vm-$k.raw" > "$out/vm-$k.json"
	done
fi
bench/report.sh "$out"/*.json | tee "$out/summary.md"
