#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Verdict counters, top and trace:
#   tests/kernel/suite-stats.sh tailcall|freplace
# Needs what lib.sh needs, plus bpftool and jq.
set -uo pipefail

backend=${1:?usage: suite-stats.sh tailcall|freplace}
source "$(dirname "$0")/lib.sh"
BPFTOOL=$(command -v bpftool || echo /usr/sbin/bpftool)

# snap: read status -j once into $S; st NAME FIELD: a program's counter
# in it (null when the chain does not count). Each status costs a process
# and a few syscalls, which adds up in the emulated VM.
S=""
snap() { S=$(status_json); }
st() {
	jq -r --arg n "$1" --arg f "$2" '[.[0].programs[] | select(.name == $n)][0].stats[$f]' <<<"$S"
}
send() { in_ns "$XT" send xt1 --count "$1" >/dev/null; }
# settle NAME FIELD N: real packets arrive asynchronously: wait (up to
# 10 s) until NAME's FIELD reaches N, then snap. Counting on is checked
# against N afterwards, so too many packets still fail.
settle() {
	local i
	for i in $(seq 100); do
		snap
		[ "$(st "$1" "$2")" -ge "$3" ] 2>/dev/null && return
		sleep 0.1
	done
}
disp_id() { status_json | jq -r '.[0].dispatcher_id'; }
xlated_insns() { "$BPFTOOL" prog dump xlated id "$1" | grep -cE '^ *[0-9]+:'; }
map_names() {
	local m
	for m in $("$BPFTOOL" -j prog show id "$1" | jq -r '.map_ids[]'); do
		"$BPFTOOL" -j map show id "$m" | jq -r .name
	done | sort | tr '\n' ' '
}
trace_maps() { "$BPFTOOL" -j map show | jq -r '.[] | select(.name == "xdpchain_trace") | .id'; }
# The kernel frees objects shortly after their last reference: wait up to
# 5 s for the trace maps to go, print the ones left.
trace_maps_settled() {
	local i
	for i in $(seq 50); do
		[ -z "$(trace_maps)" ] && break
		sleep 0.1
	done
	trace_maps
}
# top_started PID: wait until top (PID) took its first sample, which it
# does before it catches SIGINT (SigCgt in /proc/PID/status); not a guess
# of how long an emulated guest takes to start it (2 s and then 8 s were
# each too short once under TCG).
top_started() {
	local i cgt
	for i in $(seq 600); do
		cgt=$(awk '/^SigCgt:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
		[ -n "$cgt" ] && [ $(((16#$cgt >> 1) & 1)) = 1 ] && return
		sleep 0.1
	done
}
pins() { ls "$XDPCHAIN_BPFFS_ROOT"/ns-*/if-*/ 2>/dev/null | tr '\n' ' '; }

t_counts_exact() {
	begin "counters are exact per program and verdict"
	att t_pass_a -P 10 --stats && att t_drop -P 20 && att t_pass_b -P 30 ||
		{ not_ok "attach"; return; }
	in_ns "$XT" run xt0 --repeat 5 >/dev/null || { not_ok "run"; return; }
	send 10
	settle t_drop drop 15
	expect "stats on" "true" "$(jq -r '.[0].stats' <<<"$S")" || return
	expect "first passed" "15" "$(st t_pass_a pass)" || return
	expect "first packets" "15" "$(st t_pass_a packets)" || return
	expect "first's own count agrees" "15" "$(in_ns "$XT" hits "$(prog_id t_pass_a)")" || return
	expect "first bytes (128-byte packets)" "1920" "$(st t_pass_a bytes)" || return
	expect "drop dropped" "15" "$(st t_drop drop)" || return
	expect "drop passed" "0" "$(st t_drop pass)" || return
	expect "after the drop" "0" "$(st t_pass_b packets)" || return
	expect "text status has the counters" "1" \
		"$(xc status xt0 | grep -cE '^ +1 +t_pass_a +15 +15 +0 ')" && ok
}

t_verdict_buckets() {
	begin "every verdict has its bucket, unknown ones count as other"
	att t_aborted -P 1 -c all --stats && att t_tx -P 2 -c tx && att t_redirect_ret -P 3 -c all &&
		att t_bogus -P 4 || { not_ok "attach"; return; }
	in_ns "$XT" run xt0 --repeat 3 >/dev/null || { not_ok "run"; return; }
	snap
	expect "aborted" "3" "$(st t_aborted aborted)" || return
	expect "tx" "3" "$(st t_tx tx)" || return
	expect "redirect" "3" "$(st t_redirect_ret redirect)" || return
	expect "other" "3" "$(st t_bogus other)" || return
	expect "other is all of it" "3" "$(st t_bogus packets)" && ok
}

t_survive_changes() {
	begin "counters survive other programs joining and leaving (and moving slots)"
	att t_pass_a -P 10 --stats && att t_pass_c -P 30 || { not_ok "attach"; return; }
	send 6
	settle t_pass_c pass 6
	att t_pass_b -P 20 || { not_ok "attach b"; return; }
	snap
	expect "c kept its count after moving to slot 2" "6" "$(st t_pass_c pass)" || return
	expect "b starts from zero" "0" "$(st t_pass_b packets)" || return
	send 4
	settle t_pass_c pass 10
	xc detach xt0 t_pass_a >/dev/null || { not_ok "detach a"; return; }
	snap
	expect "b" "4" "$(st t_pass_b pass)" || return
	expect "c" "10" "$(st t_pass_c pass)" || return
	send 1
	settle t_pass_c pass 11
	att t_pass_a -P 10 && att t_pass_d -P 40 || { not_ok "attach a again, d"; return; }
	snap
	expect "a joins again from zero" "0" "$(st t_pass_a packets)" || return
	send 2
	settle t_pass_d pass 2
	expect "a" "2" "$(st t_pass_a pass)" || return
	expect "b" "7" "$(st t_pass_b pass)" || return
	expect "c" "13" "$(st t_pass_c pass)" || return
	expect "d" "2" "$(st t_pass_d pass)" && ok
}

t_off_is_free() {
	begin "counters off: no stats map, the same xlated code as without counters"
	local plain on off
	# Rebuilt (the second sorts first), as off rebuilds: the same build
	# (a second program sorting last is appended to a freplace chain of
	# one's dispatcher, protocol.md section 6b).
	att t_drop -P 20 && att t_pass_a -P 10 || { not_ok "attach"; return; }
	plain=$(xlated_insns "$(disp_id)")
	[ "$plain" -gt 0 ] || { not_ok "cannot read the xlated code"; return; }
	expect "no stats map without counters" "" "$(map_names "$(disp_id)" | grep -o xdpchain_stats)" ||
		return
	expect_exit 0 xc stats xt0 on || return
	on=$(xlated_insns "$(disp_id)")
	# Another build (the plain one has spare slots, the counting one none).
	[ "$on" -gt 0 ] && [ "$on" -ne "$plain" ] ||
		{ not_ok "counting code: $on insns, plain $plain"; return; }
	expect "stats map with counters" "xdpchain_stats" \
		"$(map_names "$(disp_id)" | grep -o xdpchain_stats)" || return
	expect "stats pinned" "1" "$(pins | grep -cw stats)" || return
	expect_exit 0 xc stats xt0 off || return
	off=$(xlated_insns "$(disp_id)")
	expect "xlated instructions off" "$plain" "$off" || return
	expect "no stats map off" "" "$(map_names "$(disp_id)" | grep -o xdpchain_stats)" || return
	expect "no stats pin off" "0" "$(pins | grep -cw stats)" || return
	snap
	expect "status says off" "false" "$(jq -r '.[0].stats' <<<"$S")" || return
	expect "no counters off" "null" "$(jq -r '.[0].programs[0].stats' <<<"$S")" && ok
}

t_toggle() {
	begin "stats on|off toggles; off discards the counts; on twice changes nothing"
	local rev
	att t_pass_a || { not_ok "attach"; return; }
	expect "off by default" "false" "$(status_json | jq -r '.[0].stats')" || return
	expect_exit 0 xc stats xt0 on || return
	snap
	expect "on" "true" "$(jq -r '.[0].stats' <<<"$S")" || return
	rev=$(jq -r '.[0].revision' <<<"$S")
	expect "on again (json)" "true" "$(xc -j stats xt0 on | jq -r .stats)" || return
	expect "no new revision" "$rev" "$(revision)" || return
	in_ns "$XT" run xt0 --repeat 3 >/dev/null || { not_ok "run"; return; }
	snap
	expect "counted" "3" "$(st t_pass_a pass)" || return
	expect_exit 0 xc stats xt0 off || return
	expect_exit 0 xc stats xt0 on || return
	snap
	expect "counts start again" "0" "$(st t_pass_a pass)" || return
	att t_pass_b --stats && att t_pass_c || { not_ok "attach"; return; }
	expect "attach with and without --stats keeps them on" "true" \
		"$(status_json | jq -r '.[0].stats')" && ok
}

t_stats_errors() {
	begin "stats: usage errors exit 2, no chain exits 1, -j errors are JSON"
	expect_exit 2 xc stats xt0 || return
	expect_exit 2 xc stats xt0 maybe || return
	expect_exit 2 xc stats xt0 on extra || return
	expect_exit 2 xc stats nosuchif0 on || return
	expect_exit 1 xc stats xt0 on || return
	expect "json error" "true" "$(xc -j stats xt0 on | jq 'has("error")')" || return
	expect "json usage error" "true" "$(xc -j stats xt0 maybe | jq 'has("error")')" && ok
}

t_top() {
	begin "top -n 2 -d 1 shows every program's rates, text and JSON"
	local out
	att t_pass_a -P 10 --stats && att t_drop -P 20 && att t_pass_b -P 30 ||
		{ not_ok "attach"; return; }
	out=$(xc top xt0 -n 2 -d 1) || { not_ok "top failed: $out"; return; }
	expect "two refreshes" "2" "$(echo "$out" | grep -c '^xt0: revision')" || return
	expect "t_pass_a twice" "2" "$(echo "$out" | grep -cw t_pass_a)" || return
	expect "t_drop twice" "2" "$(echo "$out" | grep -cw t_drop)" || return
	expect "t_pass_b twice" "2" "$(echo "$out" | grep -cw t_pass_b)" || return
	out=$(xc -j top xt0 -n 1 -d 0.2) || { not_ok "top -j failed: $out"; return; }
	expect "json: every program" "t_pass_a t_drop t_pass_b" \
		"$(echo "$out" | jq -rs '[.[0].programs[].name] | join(" ")')" || return
	expect "json: rate keys" "aborted bytes drop other packets pass redirect tx" \
		"$(echo "$out" | jq -rs '.[0].programs[0].rates | keys | join(" ")')" || return
	# JSON Lines, one per refresh as it comes: | head -2 returns after
	# two refreshes, and top leaves quietly.
	local t0 t1 lines
	lines=$(mktemp /tmp/xdpc-top.XXXXXX)
	t0=$(date +%s%N)
	in_ns timeout 30 "$XC" -j top xt0 -d 0.2 2>"$lines.err" | head -2 >"$lines"
	rc=${PIPESTATUS[0]}
	t1=$(date +%s%N)
	expect "top -j | head -2: exit 0, quiet, 2 lines each a JSON object with 3 programs, within 5 s" \
		"0  2 3 3 yes" \
		"$rc $(cat "$lines.err") $(jsonl_lines "$lines") $(jq -rs 'map(.programs | length) | join(" ")' "$lines") $([ $(((t1 - t0) / 1000000)) -lt 5000 ] && echo yes)" ||
		{ rm -f "$lines" "$lines.err"; return; }
	rm -f "$lines" "$lines.err"
	# Ctrl-C: exit 0, and with -j every line a complete document. "ip
	# netns exec" execs the command, so $! is top itself.
	local outf pid rc
	outf=$(mktemp /tmp/xdpc-top.XXXXXX)
	ip netns exec "$ns" "$XC" -j top xt0 -d 0.5 >"$outf" &
	pid=$!
	top_started "$pid"
	sleep 1.2
	kill -INT "$pid"
	wait "$pid"
	rc=$?
	out=$(cat "$outf")
	rm -f "$outf"
	expect "SIGINT exit status" "0" "$rc" || return
	expect "SIGINT json: two refreshes or more, each line an object" "yes object" \
		"$([ "$(echo "$out" | wc -l)" -ge 2 ] && echo yes) $(echo "$out" | jq -r 'type' | sort -u)" || return
	expect_exit 2 xc top xt0 -d 0 || return
	expect_exit 2 xc top xt0 -n 0 || return
	expect_exit 2 xc top || return
	expect_exit 0 xc stats xt0 off || return
	expect_exit 1 xc top xt0 -n 1 || return
	expect "json error when off" "true" "$(xc -j top xt0 -n 1 | jq 'has("error")')" && ok
}

t_trace() {
	begin "trace --packet shows each program's verdict and where the chain stopped"
	local pkt out
	att t_pass_a -P 10 --stats && att t_drop -P 20 && att t_pass_b -P 30 ||
		{ not_ok "attach"; return; }
	pkt=$(in_ns "$XT" packet)
	out=$(xc -j trace xt0 --packet "$pkt") || { not_ok "trace failed: $out"; return; }
	expect "every program, and whether it ran" "t_pass_a:pass:continue t_drop:drop:final t_pass_b:null:not_run" \
		"$(echo "$out" | jq -r '[.packets[0].programs[] | "\(.name):\(.verdict):\(.action)"] | join(" ")')" ||
		return
	expect "final verdict" "drop" "$(echo "$out" | jq -r '.packets[0].verdict')" || return
	expect "stopped at" "2" "$(echo "$out" | jq -r '.packets[0].stopped_at')" || return
	out=$(xc trace xt0 --packet "$pkt") || { not_ok "trace text failed"; return; }
	expect "text: not run" "1" "$(echo "$out" | grep -cE 't_pass_b +- +not run')" || return
	expect "text: verdict" "1" "$(echo "$out" | grep -c 'verdict: drop (from position 2, t_drop)')" ||
		return
	# The live chain did not see the test packets.
	expect "live counters untouched" "0 0 0" \
		"$(status_json | jq -r '[.[0].programs[].stats.packets] | join(" ")')" || return
	# Whatever the trace made holds its dispatcher, which holds its trace
	# map (finish also compares every object count at the end).
	expect "no trace dispatcher left behind" "" "$(trace_maps_settled)" || return
	# The trace runs the same chain as the dispatcher does.
	expect "same as the live dispatcher" "verdict=drop trace=a1,d0" "$(run)" && ok
}

t_trace_chains() {
	begin "trace: continue-on sets, unknown verdicts, end of chain, pcap files"
	local pcap=/tmp/xdpc-trace-$$.pcap out
	att t_pass_a -P 1 && att t_drop -P 2 -c pass,drop && att t_tx -P 3 -c tx ||
		{ not_ok "attach"; return; }
	out=$(xc -j trace xt0 --packet "$(in_ns "$XT" packet)") || { not_ok "trace"; return; }
	expect "all ran" "pass drop tx" "$(echo "$out" | jq -r '[.packets[0].programs[].verdict] | join(" ")')" ||
		return
	expect "end of chain" "tx null" "$(echo "$out" | jq -r '"\(.packets[0].verdict) \(.packets[0].stopped_at)"')" ||
		return
	reset
	att t_pass_a -P 1 && att t_bogus -P 2 && att t_pass_b -P 3 || { not_ok "attach"; return; }
	# Every variant of the format is in the unit test; here: both ends.
	for v in "" "--swapped --nsec"; do
		in_ns "$XT" pcap "$pcap" --count 3 $v || { not_ok "write pcap"; return; }
		out=$(xc -j trace xt0 --pcap "$pcap") || { not_ok "trace --pcap $v: $out"; rm -f "$pcap"; return; }
		expect "pcap $v: three packets" "1 2 3" "$(echo "$out" | jq -r '[.packets[].packet] | join(" ")')" ||
			{ rm -f "$pcap"; return; }
		expect "pcap $v: unknown verdict is final" "77 2" \
			"$(echo "$out" | jq -r '"\(.packets[2].verdict) \(.packets[2].stopped_at)"')" ||
			{ rm -f "$pcap"; return; }
	done
	expect "pcap from stdin" "3" "$(in_ns "$XC" -j trace xt0 --pcap - < "$pcap" | jq '.packets | length')" ||
		{ rm -f "$pcap"; return; }
	head -c 100 "$pcap" > "$pcap.cut"
	expect_exit 1 xc trace xt0 --pcap "$pcap.cut" || { rm -f "$pcap" "$pcap.cut"; return; }
	rm -f "$pcap" "$pcap.cut"
	expect_exit 2 xc trace xt0 --packet 0g || return
	expect_exit 2 xc trace xt0 || return
	expect_exit 2 xc trace xt0 --packet 00 --pcap x || return
	expect_exit 1 xc trace xt0 --packet 0000 || return
	expect "json error" "true" "$(xc -j trace xt0 --packet 0000 | jq 'has("error")')" || return
	reset
	expect_exit 1 xc trace xt0 --packet "$(in_ns "$XT" packet)" && ok
}

t_in_place() {
	begin "a slot emptied in place: the others keep counting, trace skips it"
	local out
	att t_pass_a -P 10 --stats && att t_pass_b -P 20 && att t_pass_c -P 30 &&
		att t_pass_d -P 40 || { not_ok "attach"; return; }
	send 3
	settle t_pass_d pass 3
	xc detach xt0 t_pass_b >/dev/null || { not_ok "detach b"; return; }
	snap
	expect "emptied in place" "1 true" "$(jq -r '.[0] | "\(.vacant_slots) \(.stats)"' <<<"$S")" ||
		return
	expect "counts kept" "3 3 3" "$(st t_pass_a pass) $(st t_pass_c pass) $(st t_pass_d pass)" ||
		return
	expect "b is gone" "null" "$(st t_pass_b pass)" || return
	send 2
	settle t_pass_d pass 5
	expect "counts go on" "5 5 5" "$(st t_pass_a pass) $(st t_pass_c pass) $(st t_pass_d pass)" ||
		return
	out=$(xc -j trace xt0 --packet "$(in_ns "$XT" packet)") || { not_ok "trace: $out"; return; }
	expect "trace" "t_pass_a:pass t_pass_c:pass t_pass_d:pass" \
		"$(jq -r '[.packets[0].programs[] | "\(.name):\(.verdict)"] | join(" ")' <<<"$out")" && ok
}

t_observer_counts() {
	begin "observers count the packets they saw and their own (ignored) verdicts: status, -j, top"
	local OOBJ=$TEST_BPF_DIR/test_observer.o oid out outf pid
	att t_pass_a -P 10 --stats && att t_drop -P 20 || { not_ok "attach"; return; }
	xc attach -b "$backend" xt0 "$OOBJ" -p t_observer --observer >/dev/null ||
		{ not_ok "attach --observer"; return; }
	oid=$(prog_id t_observer)
	in_ns "$XT" run xt0 --repeat 5 >/dev/null || { not_ok "run"; return; }
	send 10
	settle t_observer packets 15
	expect "the chain dropped them" "15 15" "$(st t_pass_a pass) $(st t_drop drop)" || return
	expect "the observer saw every packet" "15" "$(st t_observer packets)" || return
	expect "its own count agrees" "15" "$(in_ns "$XT" hits "$oid")" || return
	# test_observer returns XDP_TX, which the dispatcher ignores: the
	# verdict columns are the observer's own.
	expect "by its own verdict, tx" "15 0 0 0 0 0" \
		"$(st t_observer tx) $(st t_observer drop) $(st t_observer pass) $(st t_observer aborted) $(st t_observer redirect) $(st t_observer other)" ||
		return
	expect "its bytes (128-byte packets)" "1920" "$(st t_observer bytes)" || return
	# The trace dispatcher (the same build, without counters nor
	# observers) still loads, and leaves the counters alone.
	out=$(xc -j trace xt0 --packet "$(in_ns "$XT" packet)") || { not_ok "trace: $out"; return; }
	expect "trace: the observer is not run" "drop/final null/observer" \
		"$(jq -r '[.packets[0].programs[1:][] | "\(.verdict)/\(.action)"] | join(" ")' <<<"$out")" ||
		return
	snap
	expect "trace: not counted" "15" "$(st t_observer packets)" || return
	out=$(xc status xt0)
	expect "text status: its row" "1" "$(grep -cE '^ +3 +t_observer +15 +0 +0 +0 +15 ' <<<"$out")" ||
		return
	expect "text status says what the columns mean" "1" \
		"$(grep -c "observer counts the packets it saw, by its own verdict, which the dispatcher ignores" <<<"$out")" || return
	# top: packets sent between its two samples.
	outf=$(mktemp /tmp/xdpc-top.XXXXXX)
	ip netns exec "$ns" "$XC" -j top xt0 -n 1 -d 2 >"$outf" &
	pid=$!
	top_started "$pid"
	send 10
	wait "$pid" || { not_ok "top failed: $(cat "$outf")"; rm -f "$outf"; return; }
	out=$(cat "$outf")
	rm -f "$outf"
	# The same packets, the same interval: the same rate.
	expect "top -j: the observer's rate is the decider's, all tx" "true true true" \
		"$(jq -rs '.[0].programs as $p | ($p[] | select(.name == "t_drop")) as $d |
			($p[] | select(.name == "t_observer")) as $o |
			"\($o.rates.packets > 0) \($o.rates.packets == $d.rates.drop) \($o.rates.tx == $o.rates.packets)"' <<<"$out")" ||
		return
	expect "top -j: observer flags" "false false true" \
		"$(jq -rs '[.[0].programs[].observer] | join(" ")' <<<"$out")" || return
	out=$(xc top xt0 -n 1 -d 0.2) || { not_ok "top failed: $out"; return; }
	expect "top: its row and what the columns mean" "1 1" \
		"$(grep -cw t_observer <<<"$out") $(grep -c "observer counts the packets it saw, by its own verdict, which the dispatcher ignores" <<<"$out")" ||
		return
	# Leaving and joining again: from zero, like any program.
	xc detach xt0 t_observer >/dev/null &&
		xc attach -b "$backend" xt0 "$OOBJ" -p t_observer --observer >/dev/null ||
		{ not_ok "detach and attach the observer again"; return; }
	snap
	expect "joins again from zero" "0" "$(st t_observer packets)" || return
	send 2
	settle t_observer packets 2
	expect "then counts" "2 2" "$(st t_observer packets) $(st t_observer tx)" && ok
}

# alone PROG PKT: the ns per run of test_spin.o's PROG run alone as an XDP
# program (BPF_PROG_TEST_RUN) on the packet in file PKT, loaded by t_cost
# under $bpffs/spin.
alone() {
	"$BPFTOOL" prog run pinned "$bpffs/spin/$1" data_in "$2" repeat 6400 2>&1 |
		sed -n 's/.*duration (average): \([0-9]*\)ns.*/\1/p'
}

# timed NAME: the sum of NAME's timed nanoseconds (its ns_per_packet is
# their mean) and how many packets were timed, in the last snap.
timed() {
	jq -r --arg n "$1" '[.[0].programs[] | select(.name == $n)][0].stats |
		"\(.ns_per_packet * .timed) \(.timed)"' <<<"$S"
}
# mean_since NAME SUM COUNT: NAME's mean over the packets timed since
# "timed" printed SUM COUNT.
mean_since() {
	local now
	now=$(timed "$1")
	jq -n "(${now% *} - $2) / (${now#* } - $3)"
}

t_cost() {
	begin "per-program time: 900 iterations more cost as much as alone, shares add up"
	local sobj=$TEST_BPF_DIR/test_spin.o n100 n1000 a100 a1000 q pkt
	xc attach -b "$backend" xt0 "$sobj" -p t_spin100 -P 10 --stats >/dev/null &&
		xc attach -b "$backend" xt0 "$sobj" -p t_spin1000 -P 20 >/dev/null ||
		{ not_ok "attach"; return; }
	snap
	expect "nothing timed yet" "0 null" \
		"$(st t_spin100 timed) $(st t_spin100 ns_per_packet)" || return
	# One CPU, one packet in 64 timed: 6400 packets, 100 timed each.
	in_ns "$XT" run xt0 --repeat 6400 >/dev/null || { not_ok "run"; return; }
	snap
	expect "timed" "100 100" "$(st t_spin100 timed) $(st t_spin1000 timed)" || return
	n100=$(st t_spin100 ns_per_packet)
	n1000=$(st t_spin1000 ns_per_packet)
	# The same programs alone (XDP, whatever the backend: an extension
	# cannot be test-run). Each chained figure has a fixed part they do not
	# (the slot's call, a clock read: under TCG about 1 us), so what must
	# agree is what 900 iterations more cost: within 2x either way.
	# (a regular file, which bpffs cannot hold)
	pkt=$(mktemp /tmp/xdpc-spin.XXXXXX)
	printf '\xff\xff\xff\xff\xff\xff\x02\x00\x00\x00\x00\x01\x08\x00' >"$pkt"
	head -c 50 /dev/zero >>"$pkt"
	"$BPFTOOL" prog loadall "$sobj" "$bpffs/spin" type xdp >/dev/null 2>&1 ||
		{ rm -f "$pkt"; not_ok "bpftool prog loadall $sobj"; return; }
	a100=$(alone t_spin100 "$pkt")
	a1000=$(alone t_spin1000 "$pkt")
	rm -rf "$bpffs/spin" "$pkt"
	q=$(jq -n "($n1000 - $n100) / (${a1000:-0} - ${a100:-0} + 0.001)")
	echo "# ns per packet: chained $n100 and $n1000, alone ${a100:-?} and ${a1000:-?} (900 iterations: $q of alone)"
	# Under QEMU's TCG the clock times the emulator, whose cost per
	# instruction swings by several times between runs (measured on 6.12:
	# alone 295 -> 3600 ns in one run, 1018 -> 4009 in another): there,
	# only the order is checked, 1,000 iterations cost more than 100
	# (1.5x). The 2x agreement is checked where the CPU is real (the host).
	# A stall of the emulator (another guest, the host's work) during a
	# few of the 100 timed packets can outweigh 900 iterations (seen in
	# CI on 7.3: 2639 -> 1835 ns): up to twice more, the order is
	# checked again on packets of its own (the sums of what they add).
	if grep -qs QEMU /sys/class/dmi/id/sys_vendor; then
		local tries=1 was100 was1000
		while ! jq -en --argjson a "$n100" --argjson b "$n1000" '$b > 1.5 * $a' >/dev/null &&
			[ $tries -lt 3 ]; do
			echo "# emulated, try $tries: $n100 -> $n1000 ns; measured again"
			tries=$((tries + 1))
			was100=$(timed t_spin100)
			was1000=$(timed t_spin1000)
			in_ns "$XT" run xt0 --repeat 6400 >/dev/null || { not_ok "run"; return; }
			snap
			n100=$(mean_since t_spin100 $was100)
			n1000=$(mean_since t_spin1000 $was1000)
		done
		jq -en --argjson a "$n100" --argjson b "$n1000" '$b > 1.5 * $a' >/dev/null ||
			{ not_ok "emulated: 1000 iterations not dearer than 100, $tries tries: $n100 -> $n1000"; return; }
	else
		jq -en --argjson q "$q" '$q > 0.5 and $q < 2' >/dev/null ||
			{ not_ok "900 iterations more: chained $n100 -> $n1000, alone $a100 -> $a1000"; return; }
	fi
	expect "shares add up to 1" "true" \
		"$(jq '[.[0].programs[].stats.time_share] | add | . > 0.999 and . < 1.001' <<<"$S")" || return
	expect "time_ns is ns_per_packet times packets" "true" \
		"$(jq -r '[.[0].programs[] | .stats | ((.time_ns / .packets) - .ns_per_packet | fabs) < 1] | all' <<<"$S")" || return
	expect "text status has NS/PKT and TIME%" "1" "$(xc status xt0 | grep -c 'NS/PKT  *TIME%')" || return
	# top's interval figures (an array of frames, or one per line)
	expect "top -j has the cost" "t_spin100 t_spin1000" \
		"$(xc -j top xt0 -n 1 -d 0.2 | jq -r '.. | objects | select(has("ns_per_packet")) | .name' | tr '\n' ' ' | sed 's/ $//')" && ok
}

run_tests t_cost t_counts_exact t_verdict_buckets t_survive_changes t_off_is_free t_toggle t_stats_errors \
	t_top t_trace t_trace_chains t_in_place t_observer_counts
finish
