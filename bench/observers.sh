#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# What observers cost per packet (docs/performance.md, "Observers"): a
# chain of N pass programs without observers, with one observer
# (bench_observer.o), with two, and back without: the dispatcher's
# BPF_PROG_TEST_RUN time per packet (bpftool prog run ... repeat R), on the
# running kernel. Meant for a guest booted with XDPCHAIN_VM_ICOUNT=1, where
# the figures are instructions executed and repeat exactly:
#   XDPCHAIN_VM_ICOUNT=1 XDPCHAIN_VM_SMP=1 tests/vm/run-vm.sh --kernel 6.12 \
#       --cwd "$PWD" -- env BENCH_BUILD=$PWD/build bench/observers.sh
# Prints one line per configuration: "N programs, K observers: T ns", and
# the dispatcher's xlated and verified instructions.
# STATS=1 switches the counters on first (the instrumented build, which
# also counts the observers); STATS="0 1" measures both. BACKEND=tailcall
# or freplace chooses the programs' backend (default: auto). BENCH_BUILDS
# (instead of BENCH_BUILD) compares builds side by side in one run, say
# before and after a dispatcher change: each line then starts with the
# build directory's name.
set -euo pipefail
builds=${BENCH_BUILDS:-${BENCH_BUILD:?set BENCH_BUILD to the meson build directory}}
repeat=${REPEAT:-20000}
ns=xdpc-obs-$$
fs=/tmp/xdpc-obs-bpffs-$$
pkt=/tmp/xdpc-obs-pkt-$$
cleanup() {
	ip netns del "$ns" 2>/dev/null || true
	umount "$fs" 2>/dev/null || true
	rmdir "$fs" 2>/dev/null || true
	rm -f "$pkt"
}
trap cleanup EXIT
mkdir -p "$fs"
mount -t bpf bpf "$fs"
ip netns add "$ns"
ip -n "$ns" link add bo0 type veth peer name bo1
ip -n "$ns" link set bo0 up
ip -n "$ns" link set bo1 up
export XDPCHAIN_BPFFS_ROOT=$fs/xdpchain
xc() { nsenter --net="/run/netns/$ns" "$build/cli/xdpchain" "$@"; }
# 64 bytes: an Ethernet header (IPv4) and zeros.
printf '\xff\xff\xff\xff\xff\xff\x02\x00\x00\x00\x00\x01\x08\x00' >"$pkt"
head -c 50 /dev/zero >>"$pkt"

measure() {
	local id
	id=$(xc -j status bo0 | jq -r '.[0].dispatcher_id')
	# The median of three runs (they repeat exactly under icount).
	for _ in 1 2 3; do
		bpftool prog run id "$id" data_in "$pkt" repeat "$repeat" 2>&1 |
			sed -n 's/.*duration (average): \([0-9]*\)ns.*/\1/p'
	done | sort -n | sed -n 2p | tr -d '\n'
	echo " ns, $(bpftool -j prog show id "$id" |
		jq -r '"\(.bytes_xlated / 8) xlated, \(.verified_insns // "?") verified"')"
}

row() { echo "$label$1 programs$with, $2 observers: $(measure)"; }

backend=()
[ -n "${BACKEND:-}" ] && backend=(-b "$BACKEND")
for build in $builds; do
	label=
	[ -n "${BENCH_BUILDS:-}" ] && label="$(basename "$(dirname "$build")")/$(basename "$build") "
	for stats in ${STATS:-0}; do
		with=
		[ "$stats" = 1 ] && with=" with counters"
		for n in ${SIZES:-2 5}; do
			xc detach bo0 --all >/dev/null 2>&1 || true
			for i in $(seq 1 "$n"); do
				xc attach "${backend[@]}" bo0 "$build/bench/bench_pass.o" -P "$i" >/dev/null
			done
			[ "$stats" = 1 ] && xc stats bo0 on >/dev/null
			row "$n" 0
			xc attach "${backend[@]}" bo0 "$build/bench/bench_observer.o" --observer >/dev/null
			row "$n" 1
			xc attach "${backend[@]}" bo0 "$build/bench/bench_observer.o" --observer >/dev/null
			row "$n" 2
			for id in $(xc -j status bo0 | jq -r '.[0].programs[] | select(.observer) | .id'); do
				xc detach bo0 "$id" >/dev/null
			done
			echo "$label$n programs$with, observers gone: $(measure) ($(xc -j status bo0 | jq -r '.[0].backend'))"
		done
	done
done
xc detach bo0 --all >/dev/null 2>&1 || true
