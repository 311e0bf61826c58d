#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# One benchmark run on the running kernel (host or VM guest): a private
# netns with a veth pair and a private bpffs, then xdpchain-bench. The JSON
# goes to stdout between BENCH-JSON-BEGIN/END lines (the VM's file system
# is read-only). Arguments go to xdpchain-bench.
set -euo pipefail
build=${BENCH_BUILD:?set BENCH_BUILD to the meson build directory}
ns=xdpc-bench-$$
fs=/tmp/xdpc-bench-bpffs-$$
cleanup() {
	ip netns del "$ns" 2>/dev/null || true
	umount "$fs" 2>/dev/null || true
	rmdir "$fs" 2>/dev/null || true
}
trap cleanup EXIT
mkdir -p "$fs"
mount -t bpf bpf "$fs"
ip netns add "$ns"
ip -n "$ns" link add bn0 type veth peer name bn1
ip -n "$ns" link set bn0 up
ip -n "$ns" link set bn1 up
# The reference program's interface (see xdpchain-bench --ref-iface).
ip -n "$ns" link add bn2 type veth peer name bn3
ip -n "$ns" link set bn2 up
ip -n "$ns" link set bn3 up
ip netns exec "$ns" env XDPCHAIN_BPFFS_ROOT="$fs/xdpchain" LIBXDP_BPFFS="$fs" \
	"$build/bench/xdpchain-bench" --iface bn0 --ref-iface bn2 --objdir "$build/bench" \
	--dispatcher "$build/dispatcher/xdpchain_dispatcher.o" --json "$fs.json" "$@" >&2
echo BENCH-JSON-BEGIN
# The clock the figures are in (bench/run.sh): "real", or "icount"
# (instructions executed, 1 ns each).
jq --arg c "${BENCH_CLOCK:-real}" '. + {clock: $c}' "$fs.json"
echo BENCH-JSON-END
rm -f "$fs.json"
