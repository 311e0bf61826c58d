#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# The control plane at scale: N veth interfaces in a private network
# namespace, one chain each (tail calls, the host's backend), on a private
# bpffs root; per interface, the time of attach (one command each),
# status, -j status, gc (one command for all), detach (one command each),
# apply (one file describing all), and what each chain holds: locked
# memory (the kernel's bytes_memlock of its programs and maps) and bpffs
# entries. Prints a table and an ASCII chart, and writes them to --out
# (docs/performance.md, "Many interfaces", shows one run). A benchmark:
# nothing is asserted (tests/kernel/suite-scale.sh asserts the shape).
#   bench/scale.sh                  N = 10 100 300 1000 (about 5 minutes)
#   bench/scale.sh --sizes "10 100" --out /tmp/scale
# Needs root, bpftool and jq, and a build in build/ (XDPCHAIN and
# TEST_BPF_DIR override where the CLI and the test objects are).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes="10 100 300 1000" out=bench/results
while [ $# -gt 0 ]; do
	case $1 in
	--sizes) sizes=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	*) echo "usage: bench/scale.sh [--sizes \"N ...\"] [--out DIR]" >&2; exit 2 ;;
	esac
done
[ "$(id -u)" -eq 0 ] || { echo "Error: run as root" >&2; exit 2; }
XC=$(realpath "${XDPCHAIN:-build/cli/xdpchain}")
SCALE_OBJ=$(realpath "${TEST_BPF_DIR:-build/bpf/test}/test_progs.o")
SCALE_PROG=t_pass_a
SCALE_NS=xdpc-scale-$$
SCALE_TMP=$(mktemp -d /tmp/xdpc-scale.XXXXXX)
bpffs=$SCALE_TMP/bpffs
SCALE_ROOT=$bpffs/xdpchain
# shellcheck source=bench/scale_ops.sh
. bench/scale_ops.sh

cleanup() {
	ip netns del "$SCALE_NS" 2>/dev/null || true
	umount "$bpffs" 2>/dev/null || true
	rm -rf "$SCALE_TMP"
}
trap cleanup EXIT
mkdir -p "$bpffs" "$out"
mount -t bpf bpf "$bpffs"
ip netns add "$SCALE_NS"

# memlock: the kernel's bytes_memlock of every program and map.
memlock() {
	echo $(($(bpftool -j prog show | jq '[.[].bytes_memlock // 0] | add // 0') +
		$(bpftool -j map show | jq '[.[].bytes_memlock // 0] | add // 0')))
}

table=$out/scale.tsv
printf 'N\tattach_ms\tapply_ms\tstatus_ms\tjson_status_ms\tgc_ms\tdetach_ms\tmemlock_kB\tbpffs_entries\n' >"$table"
for n in $sizes; do
	scale_veths "$n"
	m0=$(memlock)
	attach=$(scale_ms scale_attach_each "$n")
	m1=$(memlock)
	entries=$(find "$SCALE_ROOT" -mindepth 1 | wc -l)
	status=$(scale_ms scale_xc status)
	jstatus=$(scale_ms scale_json_status "$n")
	gc=$(scale_ms scale_xc gc)
	detach=$(scale_ms scale_detach_each "$n")
	scale_config "$n" "$SCALE_TMP/all.json"
	apply=$(scale_ms scale_xc apply "$SCALE_TMP/all.json")
	scale_json_status "$n"
	# Every interface listed with no program: the owner's programs go.
	sed 's/"programs": \[[^]]*\]/"programs": []/g' "$SCALE_TMP/all.json" >"$SCALE_TMP/none.json"
	scale_ms scale_xc apply "$SCALE_TMP/none.json" >/dev/null
	scale_json_status 0
	scale_del_veths "$n"
	awk -v n="$n" -v a="$attach" -v p="$apply" -v s="$status" -v j="$jstatus" -v g="$gc" \
		-v d="$detach" -v m="$((m1 - m0))" -v e="$entries" 'BEGIN {
		printf "%d\t%.2f\t%.2f\t%.3f\t%.3f\t%.3f\t%.2f\t%.1f\t%.1f\n", n, a / n, p / n, s / n,
			j / n, g / n, d / n, m / n / 1024, e / n }' >>"$table"
	echo "N=$n: -j status of $n chains: $jstatus ms" >&2
done

# The table, then one bar per N and operation, scaled to the largest.
{
	echo "per interface (ms), and what each chain holds"
	column -t "$table"
	echo
	awk -F'\t' 'NR == 1 { for (i = 2; i <= 7; i++) h[i] = $i; next }
		{ n[NR] = $1; for (i = 2; i <= 7; i++) { v[NR, i] = $i; if ($i > max) max = $i } }
		END {
			for (i = 2; i <= 7; i++) {
				printf "%s\n", h[i]
				for (r = 2; r <= NR; r++) {
					w = max > 0 ? int(v[r, i] / max * 50 + 0.5) : 0
					bar = ""; for (k = 0; k < w; k++) bar = bar "#"
					printf "  N=%-5s %-50s %s\n", n[r], bar, v[r, i]
				}
			}
		}' "$table"
} | tee "$out/scale.txt"
