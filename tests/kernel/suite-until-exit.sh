#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Owner-bound attachments (attach --until-exit / --owner-pid): once the
# owner process is gone (SIGKILL), the next change of the chain removes its
# program, from the metadata, the packet path, bpffs and the kernel, and
# leaves every other program alone.
#   tests/kernel/suite-until-exit.sh tailcall|freplace
set -uo pipefail

backend=${1:?usage: suite-until-exit.sh tailcall|freplace}
source "$(dirname "$0")/lib.sh"

owners=()
trap 'for p in "${owners[@]}"; do kill -9 "$p" 2>/dev/null; done; cleanup' EXIT

# start_owner: a long-running process to own programs; its pid in $owner.
start_owner() {
	sleep 1000 &
	owner=$!
	owners+=("$owner")
}
kill_owner() {
	kill -9 "$1" && wait "$1" 2>/dev/null
	true
}
# field NAME KEY: a program's status field
field() { status_json | jq -r --arg n "$1" --arg k "$2" '[.[0].programs[] | select(.name == $n)][0][$k]'; }
pins_of() { find "$XDPCHAIN_BPFFS_ROOT" -name "*-$1" 2>/dev/null | wc -l; }

t_killed_owner() {
	begin "SIGKILL of the owner: the next change removes its program, others untouched"
	start_owner
	att t_pass_a -P 10 --owner-pid "$owner" -o app || { not_ok "attach bound"; return; }
	att t_pass_b -P 20 -o other || { not_ok "attach other"; return; }
	local a b rev
	a=$(prog_id t_pass_a)
	b=$(prog_id t_pass_b)
	expect "owner pid" "$owner" "$(field t_pass_a owner_pid)" || return
	expect "alive" "true" "$(field t_pass_a owner_alive)" || return
	expect "unbound" "null" "$(field t_pass_b owner_pid)" || return
	expect "text shows the pid" "yes" \
		"$(xc status xt0 | grep "app(pid $owner)" >/dev/null && echo yes)" || return
	expect "both run" "verdict=pass trace=a1,a2" "$(run)" || return
	kill_owner "$owner"
	# status is read-only: it reports the exit, the program is still there.
	expect "reported exited" "false" "$(field t_pass_a owner_alive)" || return
	expect "text says exited" "yes" \
		"$(xc status xt0 | grep "app(pid $owner, exited)" >/dev/null && echo yes)" || return
	rev=$(revision)
	att t_pass_c -P 30 || { not_ok "next attach"; return; }
	expect "one revision for both changes" "$((rev + 1))" "$(revision)" || return
	expect "gone from the chain" "t_pass_b t_pass_c" \
		"$(status_json | jq -r '[.[0].programs[].name] | join(" ")')" || return
	expect "gone from the packet path" "verdict=pass trace=a2,a3" "$(run)" || return
	expect "other program untouched" "$b" "$(prog_id t_pass_b)" || return
	expect "its pins collected" "0" "$(pins_of "$a")" || return
	prog_gone "$a" || { not_ok "program $a still exists in the kernel"; return; }
	ok
}

t_parent_owner() {
	begin "--until-exit binds to the process that ran xdpchain"
	bash -c "ip netns exec $ns $XC attach -b $backend xt0 $OBJ -p t_pass_a --until-exit \
		>/dev/null && exec sleep 1000" &
	local sh=$! i
	owners+=("$sh")
	for i in $(seq 100); do
		[ "$(field t_pass_a owner_pid 2>/dev/null)" = "$sh" ] && break
		sleep 0.1
	done
	expect "owner is the caller" "$sh" "$(field t_pass_a owner_pid)" || return
	att t_pass_b -P 60 || { not_ok "attach other"; return; }
	expect "kept while the caller lives" "verdict=pass trace=a1,a2" "$(run)" || return
	kill_owner "$sh"
	xc detach xt0 t_pass_b >/dev/null || { not_ok "detach other"; return; }
	# Both left: the chain is gone with its last program.
	expect "no chain" "" "$(ip -n "$ns" link show xt0 | grep -o 'prog/xdp')" || return
	expect "no state" "" "$(find "$XDPCHAIN_BPFFS_ROOT" -mindepth 3 2>/dev/null)" && ok
}

t_bad_owner() {
	begin "an owner that does not run is refused, nothing changes"
	att t_pass_b || { not_ok "attach"; return; }
	local rev
	rev=$(revision)
	start_owner
	local dead=$owner
	kill_owner "$dead"
	expect_exit 1 xc attach -b "$backend" xt0 "$OBJ" -p t_pass_a --owner-pid "$dead" || return
	expect "says why" "yes" "$(grep -q "does not run" <<<"$err" && echo yes)" || return
	expect_exit 2 xc attach xt0 "$OBJ" -p t_pass_a --owner-pid 0 || return
	expect_exit 2 xc attach xt0 "$OBJ" -p t_pass_a --owner-pid abc || return
	expect "unchanged" "$rev" "$(revision)" && ok
}

t_dead_detached_explicitly() {
	begin "detaching a program whose owner exited, and apply, collect it too"
	start_owner
	att t_pass_a -P 10 --owner-pid "$owner" || { not_ok "attach"; return; }
	att t_pass_b -P 20 || { not_ok "attach b"; return; }
	local a
	a=$(prog_id t_pass_a)
	kill_owner "$owner"
	xc detach xt0 "$a" >/dev/null || { not_ok "detach of the exited owner's program: $?"; return; }
	expect "removed" "verdict=pass trace=a2" "$(run)" || return
	# By name, right after status listed it.
	start_owner
	att t_pass_d -P 40 --owner-pid "$owner" || { not_ok "attach d"; return; }
	kill_owner "$owner"
	expect "status lists it" "t_pass_b t_pass_d" \
		"$(status_json | jq -r '[.[0].programs[].name] | join(" ")')" || return
	local out
	out=$(xc detach xt0 t_pass_d 2>&1) ||
		{ not_ok "detach by name of the exited owner's program: $out"; return; }
	expect "removed by name" "verdict=pass trace=a2" "$(run)" || return
	# apply with nothing to change still collects exited owners.
	start_owner
	att t_pass_c -P 30 --owner-pid "$owner" || { not_ok "attach c"; return; }
	kill_owner "$owner"
	local f
	f=$(mktemp)
	printf '{"version": 1, "owner": "nobody", "interfaces": {"xt0": {"programs": []}}}' >"$f"
	xc apply "$f" >/dev/null || { not_ok "apply"; rm -f "$f"; return; }
	rm -f "$f"
	expect "apply collected it" "t_pass_b" \
		"$(status_json | jq -r '[.[0].programs[].name] | join(" ")')" && ok
}

t_owner_exit_in_place() {
	begin "an exited owner's program alone leaving one of four: its slot is emptied in place"
	start_owner
	att t_pass_a -P 10 && att t_pass_b -P 20 --owner-pid "$owner" && att t_pass_c -P 30 &&
		att t_pass_d -P 40 || { not_ok "attach"; return; }
	local b disp rev f
	b=$(prog_id t_pass_b)
	disp=$(status_json | jq -r '.[0].dispatcher_id')
	rev=$(revision)
	kill_owner "$owner"
	f=$(mktemp)
	printf '{"version": 1, "owner": "nobody", "interfaces": {"xt0": {"programs": []}}}' >"$f"
	xc apply "$f" >/dev/null || { not_ok "apply"; rm -f "$f"; return; }
	rm -f "$f"
	expect "same dispatcher, one vacant slot, next revision" "$disp 1 $((rev + 1))" \
		"$(status_json | jq -r '.[0] | "\(.dispatcher_id) \(.vacant_slots) \(.revision)"')" || return
	expect "its pins collected" "0" "$(pins_of "$b")" || return
	prog_gone "$b" || { not_ok "program $b still exists in the kernel"; return; }
	expect "gone from the packet path" "verdict=pass trace=a1,a3,a4" "$(run)" && ok
}

t_other_pidns() {
	begin "an owner in another pid namespace cannot be judged: its program is kept"
	command -v unshare >/dev/null || { skip "no unshare(1)"; return; }
	# The owner is the shell that ran xdpchain in a new pid namespace
	# (pid 1 there); it exits at once, taking its namespace with it.
	in_ns unshare -p -f --mount-proc sh -c \
		"$XC attach -b $backend xt0 $OBJ -p t_pass_a --until-exit >/dev/null" ||
		{ not_ok "attach from another pid namespace"; return; }
	expect "owner pid as seen there" "1" "$(field t_pass_a owner_pid)" || return
	expect "cannot tell from here" "null" "$(field t_pass_a owner_alive)" || return
	att t_pass_b -P 60 || { not_ok "next attach"; return; }
	expect "kept" "verdict=pass trace=a1,a2" "$(run)" && ok
}

t_stats_drops_exited() {
	begin "switching the counters drops a program whose owner exited, as any change does"
	start_owner
	att t_pass_a -P 10 --owner-pid "$owner" && att t_pass_b -P 20 ||
		{ not_ok "attach"; return; }
	local a rev
	a=$(prog_id t_pass_a)
	kill_owner "$owner"
	rev=$(revision)
	xc stats xt0 on >/dev/null || { not_ok "stats on: $?"; return; }
	expect "one new revision, counting" "$((rev + 1)) true" \
		"$(status_json | jq -r '.[0] | "\(.revision) \(.stats)"')" || return
	expect "gone from the chain" "t_pass_b" \
		"$(status_json | jq -r '[.[0].programs[].name] | join(" ")')" || return
	expect "gone from the packet path" "verdict=pass trace=a2" "$(run)" || return
	expect "its pins collected" "0" "$(pins_of "$a")" || return
	prog_gone "$a" || { not_ok "program $a still exists in the kernel"; return; }
	ok
}

run_tests t_killed_owner t_parent_owner t_bad_owner t_dead_detached_explicitly t_other_pidns \
	t_owner_exit_in_place t_stats_drops_exited
finish
