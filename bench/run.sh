#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# The benchmark, side by side in one run: direct calls, xdpchain (tail
# calls on the host; freplace and tail calls in QEMU on Debian's 6.1 and
# 6.12), and libxdp (in QEMU, where it can chain). Prints tables, writes
# JSON, a summary with the targets and an SVG plot into bench/results/
# (or --out DIR).
#   bench/run.sh            full run (about 5 minutes on an idle 2-core machine)
#   bench/run.sh --quick    smoke run for CI: small chains, few repeats, host + 6.12
#   bench/run.sh --no-vm    host only
#   bench/run.sh --no-icount  the guests in real time only
# Each guest kernel runs twice: in real time (what a packet costs, cache
# and branch effects included, but TCG's speed swings by 2x between runs)
# and with instruction-counted time (QEMU -icount shift=0, one vCPU: the
# guest's clock advances 1 ns per instruction executed, so the per-packet
# figures of BPF_PROG_TEST_RUN repeat exactly and decide small
# differences; what waits, like RCU grace periods, still shows in the
# control plane at the guest's timer resolution). Files of the second
# run are named vm-K-icount.*.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
quick=0 vm=1 icount=1 out=$top/bench/results
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1; shift ;;
	--no-vm) vm=0; shift ;;
	--no-icount) icount=0; shift ;;
	--out) out=$2; shift 2 ;;
	*) echo "usage: bench/run.sh [--quick] [--no-vm] [--no-icount] [--out DIR]" >&2; exit 2 ;;
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
	# The index may be older than the mirror (install-deps.sh updates it
	# only when it installs something); recommends would pull ImageMagick
	# and Ghostscript for gnuplot, which the plot does not need.
	apt-get -o DPkg::Lock::Timeout=600 update -qq
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
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
		modes=real
		[ "$icount" = 1 ] && modes="real icount"
		for m in $modes; do
			name=vm-$k
			env=()
			if [ "$m" = icount ]; then
				name=vm-$k-icount
				# One vCPU: 6.1's figures repeat exactly only then.
				env=(XDPCHAIN_VM_ICOUNT=1 XDPCHAIN_VM_SMP=1)
			fi
			echo "### QEMU (TCG), Debian $k, $m time"
			env "${env[@]}" tests/vm/run-vm.sh --kernel "$k" --cwd "$top" -- \
				env BENCH_BUILD="$top/build" BENCH_CLOCK="$m" \
				bench/inner.sh "${vmargs[@]}" > "$out/$name.raw"
			extract "$out/$name.raw" > "$out/$name.json"
		done
	done
fi
bench/report.sh "$out"/*.json | tee "$out/summary.md"
