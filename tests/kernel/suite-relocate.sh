#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Relocation in place (docs/protocol.md, section 6c): a program inserted
# anywhere, or a placement changed, is written into the running
# dispatcher's spare positions and committed with one store, so the
# dispatcher (and its attachment) stays; what does not fit rebuilds.
# Verdicts are checked on the live chain (xdptest run) and with real
# packets from the veth peer; under a steady stream, no packet skips a
# program that should judge it.
#   tests/kernel/suite-relocate.sh tailcall|freplace
set -uo pipefail

backend=${1:?usage: suite-relocate.sh tailcall|freplace}
source "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; cleanup' EXIT

field() { jq -r ".[0].$1" <<<"$2"; }
# dispatcher id, dispatcher revision, appended and spare slots, slots
layout() { jq -r '.[0] | "\(.dispatcher_id) \(.dispatcher_revision) \(.appended_slots) \(.spare_slots) \(.vacant_slots) \([.programs[].slot] | join(","))"' <<<"$1"; }
send() { in_ns "$XT" send xt1 --count "$1"; }
hits() { in_ns "$XT" hits "$(prog_id "$1")"; }
# through N PROG...: send N packets; each PROG must count the same number
# of them, at least N (the peer may send a packet of its own, an IPv6
# neighbour's, now and then); prints the counts
through() {
	local n=$1 p before=() i=0 got=""
	shift
	for p in "$@"; do before+=("$(hits "$p")"); done
	send "$n" || return 1
	hits_reach "$(prog_id "${!#}")" $((before[$# - 1] + n)) >/dev/null
	for p in "$@"; do got="$got $(($(hits "$p") - before[i])) "; i=$((i + 1)); done
	echo $got
}

# a (10), b (20), c (30): b alone, then a before it (a rebuild with
# spare positions), then c appended: 3 positions of 11 in use.
three() {
	att t_pass_b -P 20 && att t_pass_a -P 10 && att t_pass_c -P 30
}

t_relocate_insert() {
	begin "a program inserted in the middle relocates: same dispatcher and dispatcher revision, new positions, the new chain's verdicts with real packets"
	local s0 s1 d0 dr0 sp0 n m
	three || { not_ok "attach"; return; }
	s0=$(status_json)
	d0=$(field dispatcher_id "$s0") dr0=$(field dispatcher_revision "$s0")
	sp0=$(field spare_slots "$s0")
	att t_pass_e -P 99 --after t_pass_a || { not_ok "attach --after"; return; }
	s1=$(status_json)
	expect "trace" "verdict=pass trace=a1,a5,a2,a3" "$(run)" || return
	# Positions 3..6 (after the 3 in use), 4 of the spares taken.
	expect "dispatcher, its revision, appended, spare, vacant, slots" \
		"$d0 $dr0 4 $((sp0 - 4)) 0 3,4,5,6" "$(layout "$s1")" || return
	[ "$(field revision "$s1")" -gt "$(field revision "$s0")" ] ||
		{ not_ok "revision did not grow: $(field revision "$s0") -> $(field revision "$s1")"; return; }
	n=$(through 10 t_pass_a t_pass_e t_pass_b t_pass_c) || { not_ok "send"; return; }
	m=${n%% *}
	[ "$m" -ge 10 ] || { not_ok "a counted $m of 10 packets"; return; }
	expect "real packets through a, e, b, c" "$m $m $m $m" "$n" || return
	# No pin of the old positions is left (their links, by the
	# position's name, are collected after the grace period).
	expect "links pinned" "$([ "$backend" = freplace ] && echo 4 || echo 0)" \
		"$(ls "$(state_dir)" | grep -c '^link-')" || return
	# A final verdict in the middle: the programs after it see nothing.
	# Five programs do not fit in the 3 spares left: a rebuild.
	att t_drop -P 15 || { not_ok "attach drop"; return; }
	expect "trace" "verdict=drop trace=a1,a5,d0" "$(run)" || return
	[ "$(field dispatcher_id "$(status_json)")" != "$d0" ] || { not_ok "no rebuild where it did not fit"; return; }
	n=$(through 7 t_pass_b t_pass_a t_pass_e) || { not_ok "send"; return; }
	m=${n##* }
	[ "$m" -ge 7 ] || { not_ok "e counted $m of 7 packets"; return; }
	expect "after the drop none, before it all" "0 $m $m" "$n" && ok
}

t_relocate_vacancies() {
	begin "relocation after a removal in place (the vacant slot goes), a removal in place of a relocated position, an append after a relocation"
	local s0 s1 d0 n
	three && att t_pass_d -P 40 || { not_ok "attach"; return; }
	s0=$(status_json)
	d0=$(field dispatcher_id "$s0")
	xc detach xt0 t_pass_b >/dev/null || { not_ok "detach b"; return; }
	eventually "verdict=pass trace=a1,a3,a4" || return
	expect "b vacant in place" "$d0 1" "$(jq -r '.[0] | "\(.dispatcher_id) \(.vacant_slots)"' <<<"$(status_json)")" || return
	# e first (by priority: a chain with a placed program takes no
	# append, section 6b, which comes below): the 3 running programs and
	# e, relocated after the 4 positions in use.
	att t_pass_e -P 5 || { not_ok "attach e"; return; }
	expect "trace" "verdict=pass trace=a5,a1,a3,a4" "$(run)" || return
	s1=$(status_json)
	expect "same dispatcher, no vacancy, positions 4..7" "$d0 0 4,5,6,7" \
		"$(jq -r '.[0] | "\(.dispatcher_id) \(.vacant_slots) \([.programs[].slot] | join(","))"' <<<"$s1")" || return
	[ "$(field revision "$s1")" -gt "$(field revision "$s0")" ] || { not_ok "revision"; return; }
	xc detach xt0 t_pass_c >/dev/null || { not_ok "detach c"; return; }
	eventually "verdict=pass trace=a5,a1,a4" || return
	expect "c's relocated position vacant in place" "$d0 1" \
		"$(jq -r '.[0] | "\(.dispatcher_id) \(.vacant_slots)"' <<<"$(status_json)")" || return
	# Sorting last: appended after the relocated chain, at position 8.
	att t_drop -P 90 || { not_ok "append drop"; return; }
	expect "trace" "verdict=drop trace=a5,a1,a4,d0" "$(run)" || return
	expect "same dispatcher, appended at 8" "$d0 1 8" \
		"$(jq -r '.[0] | "\(.dispatcher_id) \(.vacant_slots) \(.programs[3].slot)"' <<<"$(status_json)")" || return
	n=$(through 5 t_pass_e t_pass_a t_pass_d) || { not_ok "send"; return; }
	[ "${n%% *}" -ge 5 ] || { not_ok "e counted ${n%% *} of 5 packets"; return; }
	expect "real packets: every program before the drop" "${n%% *} ${n%% *} ${n%% *}" "$n" && ok
}

# changer: N times, a program joins between a and c (relocated while
# it fits, else rebuilt) and leaves (in place); one line per change in
# $tmp/done, "same" in $tmp/same for each join that kept the dispatcher.
changer() {
	local i d
	for i in $(seq "$1"); do
		d=$(status_json | jq -r '.[0].dispatcher_id')
		att t_pass_d -P $((10 + i)) || { echo "attach $i failed" >>"$tmp/errors"; continue; }
		[ "$(status_json | jq -r '.[0].dispatcher_id')" = "$d" ] && echo same >>"$tmp/same"
		echo "$i" >>"$tmp/done"
		xc detach xt0 t_pass_d >/dev/null || { echo "detach $i failed" >>"$tmp/errors"; continue; }
	done
}

t_relocate_stream() {
	begin "under a steady packet stream, relocations skip no program: the first and the last program count every packet"
	local pid sent=0 rounds=0 n=8 ha hc
	: >"$tmp/done"; : >"$tmp/errors"; : >"$tmp/same"
	att t_pass_b -P 20 && att t_pass_a -P 1 && att t_pass_c -P 30 || { not_ok "attach"; return; }
	changer "$n" &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		send 20 || { not_ok "send"; wait "$pid"; return; }
		sent=$((sent + 20))
		rounds=$((rounds + 1))
	done
	wait "$pid"
	send 20 && sent=$((sent + 20))
	expect "changes that failed" "" "$(cat "$tmp/errors")" || return
	expect "changes done" "$n" "$(wc -l <"$tmp/done")" || return
	[ "$(wc -l <"$tmp/same")" -ge 2 ] || { not_ok "fewer than 2 joins relocated in place ($(wc -l <"$tmp/same"))"; return; }
	[ "$rounds" -ge 2 ] || { not_ok "the stream did not overlap the changes ($rounds batches)"; return; }
	hc=$(hits_reach "$(prog_id t_pass_c)" "$sent")
	ha=$(hits t_pass_a)
	echo "# $backend, $(uname -r): $n joins ($(wc -l <"$tmp/same") relocated), $sent packets sent, a $ha, c $hc"
	expect "first and last counted = sent" "$sent $sent" "$ha $hc" && ok
}

run_tests t_relocate_insert t_relocate_vacancies t_relocate_stream
finish
