#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# attach on several interfaces at once (one program, each interface its own
# chain, all or nothing), and a run config declared with <xdpchain/prog.h>.
#   tests/kernel/suite-multi.sh tailcall|freplace
backend=${1:?usage: suite-multi.sh tailcall|freplace}
source "$(dirname "$0")/lib.sh"
DECLOBJ=$TEST_BPF_DIR/test_declared.o

# A second veth pair in the same namespace: xt2 under test, xt3 its peer.
ip -n "$ns" link add xt2 type veth peer name xt3 || exit 1
ip -n "$ns" link set xt2 up && ip -n "$ns" link set xt3 up || exit 1

reset2() {
	reset
	xc detach xt2 --all >/dev/null 2>&1
	in_ns "$XT" detach-foreign xt2 >/dev/null 2>&1
	true
}
start() { current=$1; reset2; }
# names NIC: the program names in NIC's chain, in run order ("-": none)
names() {
	xc -j status "$1" | jq -r '[.[0].programs // [] | .[].name] | if length == 0 then "-" else join(",") end'
}
ids() { xc -j status "$1" | jq -r '[.[0].programs // [] | .[].id] | join(",")'; }

t_comma_list() {
	start "attach xt0,xt2 FILE: the program joins both chains, each loaded on its own"
	xc attach -b "$backend" xt0,xt2 "$OBJ" -p t_pass_a -P 3 >/dev/null || { not_ok "attach"; return; }
	expect "xt0 chain" "t_pass_a" "$(names xt0)" || return
	expect "xt2 chain" "t_pass_a" "$(names xt2)" || return
	expect "xt0 runs it" "verdict=pass trace=a1" "$(run)" || return
	expect "xt2 runs it" "verdict=pass trace=a1" "$(in_ns "$XT" run xt2)" || return
	# Separate loads: an EXT program is bound to one dispatcher.
	[ "$(ids xt0)" != "$(ids xt2)" ] || { not_ok "same program id on both: $(ids xt0)"; return; }
	expect "priority on xt2" "3" "$(xc -j status xt2 | jq -r '.[0].programs[0].priority')" && ok
}

t_separate_args() {
	start "attach xt0 xt2 FILE (separate arguments) joins existing chains in order of priority"
	att t_pass_b -P 1 || { not_ok "attach xt0"; return; }
	xc attach -b "$backend" xt2 "$OBJ" -p t_pass_b -P 1 >/dev/null || { not_ok "attach xt2"; return; }
	xc attach -b "$backend" xt0 xt2 "$OBJ" -p t_pass_a -P 2 >/dev/null || { not_ok "attach"; return; }
	expect "xt0 chain" "t_pass_b,t_pass_a" "$(names xt0)" || return
	expect "xt2 chain" "t_pass_b,t_pass_a" "$(names xt2)" || return
	expect "xt2 runs both" "verdict=pass trace=a2,a1" "$(in_ns "$XT" run xt2)" && ok
}

t_json() {
	start "-j attach: a list of per-interface results, for several interfaces and for one"
	local out
	out=$(xc -j attach -b "$backend" xt2,xt0 "$OBJ" -p t_pass_a) || { not_ok "attach: $out"; return; }
	expect "interfaces, in order" "xt2 xt0" "$(jq -r '[.[].ifname] | join(" ")' <<<"$out")" || return
	expect "ids are the chains'" "$(ids xt2) $(ids xt0)" \
		"$(jq -r '[.[].id | tostring] | join(" ")' <<<"$out")" || return
	expect "positions" "1 1" "$(jq -r '[.[] | .position] | join(" ")' <<<"$out")" || return
	expect "revisions are the chains'" \
		"$(xc -j status xt2 | jq -r '.[0].revision') $(xc -j status xt0 | jq -r '.[0].revision')" \
		"$(jq -r '[.[] | .revision] | join(" ")' <<<"$out")" || return
	out=$(xc -j attach -b "$backend" xt0 "$OBJ" -p t_pass_b) || { not_ok "attach one: $out"; return; }
	expect "one interface: a list of one" "array 1 xt0" \
		"$(jq -r '"\(type) \(length) \(.[0].ifname)"' <<<"$out")" && ok
}

t_rollback() {
	start "a foreign program on one interface refuses the attach before any change; a later failure rolls the others back and says so"
	local fid rev
	att t_pass_b -P 1 || { not_ok "attach xt0"; return; }
	rev=$(revision)
	# Something foreign on xt2: xdpchain must not replace it, and finds it
	# before changing xt0.
	fid=$(in_ns "$XT" attach-foreign xt2 "$OBJ" t_drop) || { not_ok "foreign"; return; }
	expect_exit 1 xc attach -b "$backend" xt0,xt2 "$OBJ" -p t_pass_a || return
	expect "names the interface" "yes" \
		"$(grep -q "xt2 already runs XDP program id $fid.*nothing attached anywhere" <<<"$err" &&
		   echo yes)" || return
	expect "xt0 untouched, its revision too" "t_pass_b $rev" "$(names xt0) $(revision)" || return
	expect "foreign program untouched" "$fid" \
		"$(xc -j status xt2 | jq -r '.[0].foreign.id')" || return
	in_ns "$XT" detach-foreign xt2 >/dev/null || { not_ok "detach-foreign"; return; }
	# A failure found only while attaching (xt2 runs a chain in skb mode):
	# xt0 is rolled back, and the message says its revision moved on.
	xc attach -b "$backend" -m skb xt2 "$OBJ" -p t_pass_c >/dev/null || { not_ok "attach xt2"; return; }
	expect_exit 1 xc attach -b "$backend" -m native xt0,xt2 "$OBJ" -p t_pass_a || return
	expect "names the interface" "yes" "$(grep -q "xt2: cannot attach" <<<"$err" && echo yes)" || return
	expect "says what was rolled back" "yes" \
		"$(grep -q "rolled back: detached it again from xt0, whose chains run what they ran before (at new revisions)" <<<"$err" && echo yes)" || return
	expect "xt0 as before" "t_pass_b" "$(names xt0)" || return
	# The rollback is a transaction of its own: the revision moved on.
	expect "xt0 revision" "$((rev + 2))" "$(revision)" || return
	local j
	j=$(xc -j attach -b "$backend" -m native xt0,xt2 "$OBJ" -p t_pass_a)
	expect "JSON error says both" "yes" \
		"$(jq -r '.error' <<<"$j" | grep "xt2.*rolled back" >/dev/null && echo yes)" || return
	# A new chain on xt0 is removed again entirely.
	xc detach xt0 --all >/dev/null || { not_ok "detach"; return; }
	expect_exit 1 xc attach -b "$backend" -m native xt0,xt2 "$OBJ" -p t_pass_a || return
	expect "no chain left on xt0" "-" "$(names xt0)" || return
	xc detach xt2 --all >/dev/null && ok
}

t_usage() {
	start "bad interface lists are usage errors and change nothing"
	expect_exit 2 xc attach -b "$backend" xt0,nosuch0 "$OBJ" -p t_pass_a || return
	expect "names it" "yes" "$(grep -q "'nosuch0' not found" <<<"$err" && echo yes)" || return
	expect "nothing attached" "-" "$(names xt0)" || return
	expect_exit 2 xc attach -b "$backend" xt0,xt0 "$OBJ" -p t_pass_a || return
	expect "duplicate named" "yes" "$(grep -q "'xt0' given twice" <<<"$err" && echo yes)" || return
	expect_exit 2 xc attach -b "$backend" xt0, "$OBJ" -p t_pass_a || return
	expect_exit 2 xc attach -b "$backend" ,xt2 "$OBJ" -p t_pass_a || return
	expect "nothing attached" "- -" "$(names xt0) $(names xt2)" && ok
}

t_declared() {
	start "a run config declared with <xdpchain/prog.h> shows in status -j"
	xc attach -b "$backend" xt0 "$DECLOBJ" >/dev/null || { not_ok "attach"; return; }
	expect "declared" "t_declared 7 drop,tx" \
		"$(status_json | jq -r '.[0].programs[0] | "\(.name) \(.priority) \(.continue_on | join(","))"')" || return
	att t_pass_a -P 8 || { not_ok "attach second"; return; }
	# pass is final for t_declared: the second program does not run.
	expect "pass is final" "verdict=pass trace=d7" "$(run)" && ok
}

t_completion() {
	start "bash completion: detach IFACE offers the ids and names in the chain"
	local comp=$(dirname "$0")/../../completion/xdpchain got
	att t_pass_a -P 1 || { not_ok "attach"; return; }
	att t_pass_b -P 2 || { not_ok "attach"; return; }
	got=$(in_ns bash -c 'source "$1"; COMP_WORDS=("$2" detach xt0 ""); COMP_CWORD=3
		_xdpchain; printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' _ "$comp" "$XC")
	expect "ids and names" "$(echo $(printf "%s\n" "$(prog_id t_pass_a)" "$(prog_id t_pass_b)" \
		t_pass_a t_pass_b | sort)) " "$got" && ok
}

run_tests t_comma_list t_separate_args t_json t_rollback t_usage t_declared t_completion
reset2
finish
