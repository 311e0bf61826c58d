#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# The control plane stays linear in the number of chains: per interface,
# attach and -j status cost about as much with 300 chains in the
# namespace as with 30 (bench/scale.sh measures more, up to 1,000; its
# table is in docs/performance.md). A per-chain question that reads the
# whole namespace (as libbpf's bpf_xdp_query() does, or a sweep that
# reads every chain's pins) makes these grow with the square: 10x the
# chains, 10x the cost per interface. The threshold, 2x, leaves room for
# a busy machine. Tail calls only: on the TCG guests (freplace) the 660
# commands would take many minutes, and what is measured is the
# library's, not the backend's.
#   tests/kernel/suite-scale.sh tailcall|freplace
set -uo pipefail

backend=${1:?usage: suite-scale.sh tailcall|freplace}
source "$(dirname "$0")/lib.sh"

SCALE_NS=$ns
SCALE_ROOT=$XDPCHAIN_BPFFS_ROOT
SCALE_OBJ=$OBJ
SCALE_PROG=t_pass_a
SCALE_TMP=$(mktemp -d /tmp/xdpc-scale.XXXXXX)
# shellcheck source=bench/scale_ops.sh
source "$(dirname "$0")/../../bench/scale_ops.sh"
cleanup_scale() {
	rm -rf "$SCALE_TMP"
	cleanup
}
trap cleanup_scale EXIT

# measure N: "ATTACH JSTATUS" in microseconds per interface, the best
# of three for -j status (one command: noise weighs more).
measure() {
	local n=$1 a j best=""
	scale_veths "$n" || return
	a=$(scale_ms scale_attach_each "$n") || return
	for _ in 1 2 3; do
		j=$(scale_ms scale_json_status "$n") || return
		[ -z "$best" ] || [ "$j" -lt "$best" ] && best=$j
	done
	scale_detach_each "$n" >/dev/null || return
	scale_del_veths "$n" || return
	echo "$((a * 1000 / n)) $((best * 1000 / n))"
}

t_scale_linear() {
	begin "attach and -j status cost as much per interface with 300 chains as with 30 (within 2x)"
	local small big
	if [ "$backend" != tailcall ]; then
		skip "tail calls only (the guests' TCG would take many minutes)"
		return
	fi
	small=$(measure 30) || { not_ok "30 interfaces"; return; }
	big=$(measure 300) || { not_ok "300 interfaces"; return; }
	echo "# per interface, us: attach ${small% *} (30) ${big% *} (300); -j status ${small#* } (30) ${big#* } (300)"
	expect "attach per interface, 300 vs 30 chains, within 2x" "yes" \
		"$([ "${big% *}" -le $((2 * ${small% *})) ] && echo yes || echo "no: ${small% *} -> ${big% *} us")" ||
		return
	expect "-j status per interface, 300 vs 30 chains, within 2x" "yes" \
		"$([ "${big#* }" -le $((2 * ${small#* })) ] && echo yes || echo "no: ${small#* } -> ${big#* } us")" &&
		ok
}

run_tests t_scale_linear
finish
