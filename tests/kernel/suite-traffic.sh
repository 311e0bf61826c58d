#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Traffic during updates: a counting program stays attached while other
# programs are attached and detached in a loop (before and after it in
# the chain, so its slot moves), and real packets stream in from the veth
# peer. Afterwards its counter must equal the number of packets sent:
# no packet skips the chain while it is being replaced.
#   tests/kernel/suite-traffic.sh tailcall|freplace
# TRAFFIC_CHANGES (default 32, a multiple of 4) chain changes, TRAFFIC_BATCH (default 20)
# packets per send (well under the veth ring of 256, so the ring never
# overflows).
set -uo pipefail

backend=${1:?usage: suite-traffic.sh tailcall|freplace}
source "$(dirname "$0")/lib.sh"

changes=${TRAFFIC_CHANGES:-32}
batch=${TRAFFIC_BATCH:-20}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; cleanup' EXIT

# The veth's drop counter of the sender: packets the receiving ring
# refused (they never reach XDP, whatever the chain does).
tx_dropped() { in_ns cat /sys/class/net/xt1/statistics/tx_dropped; }

# changer: attach and detach t_pass_b (after the counter) and t_pass_c
# (before it) in turn; one line per change done in $tmp/done.
changer() {
	local i ok=0
	for i in $(seq "$changes"); do
		case $((i % 4)) in
		1) att t_pass_b -P 20 ;;
		2) att t_pass_c -P 5 ;;
		3) xc detach xt0 t_pass_b >/dev/null ;;
		0) xc detach xt0 t_pass_c >/dev/null ;;
		esac || { echo "change $i failed" >>"$tmp/errors"; continue; }
		echo "$i" >>"$tmp/done"
	done
}

t_traffic() {
	begin "no packet is lost while the chain changes"
	local counter sent=0 drop0 hits pid rounds=0
	: >"$tmp/done"
	: >"$tmp/errors"
	att t_pass_a -P 10 || { not_ok "attach the counter"; return; }
	counter=$(prog_id t_pass_a)
	drop0=$(tx_dropped)
	changer &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		in_ns "$XT" send xt1 --count "$batch" || { not_ok "send"; wait "$pid"; return; }
		sent=$((sent + batch))
		rounds=$((rounds + 1))
	done
	wait "$pid"
	# One batch after the last change too.
	in_ns "$XT" send xt1 --count "$batch" && sent=$((sent + batch))
	expect "changes that failed" "" "$(cat "$tmp/errors")" || return
	expect "changes done" "$changes" "$(wc -l <"$tmp/done")" || return
	[ "$rounds" -ge 2 ] || { not_ok "the stream did not overlap the changes ($rounds batches)"; return; }
	expect "packets the veth ring dropped" 0 "$(($(tx_dropped) - drop0))" || return
	hits=$(hits_reach "$counter" "$sent")
	echo "# $backend, $(uname -r): $changes changes, $sent packets sent, $hits counted"
	expect "counted = sent" "$sent" "$hits" || return
	expect "the chain at the end" "verdict=pass trace=a1" "$(run)" && ok
}

run_tests t_traffic
finish
