#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# xdpchain apply: declarative chains, one transaction per interface,
# idempotent, other owners untouched, bad files change nothing.
#   tests/kernel/suite-apply.sh tailcall|freplace
set -uo pipefail

backend=${1:?usage: suite-apply.sh tailcall|freplace}
source "$(dirname "$0")/lib.sh"

cfgdir=$(mktemp -d)
trap 'rm -rf "$cfgdir"; cleanup' EXIT
conf=$cfgdir/chain.json

# cfg OWNER SPEC...: write $conf for xt0; SPEC is
# NAME:PRIORITY[:CONTINUE[:OBJECT[:PLACE]]] with CONTINUE a comma list ("-"
# for the file's default), PLACE after=NAME, before=NAME or observer.
cfg() {
	local owner=$1 sep="" spec name prio cont obj place
	shift
	{
		printf '{"version": 1, "owner": "%s", "interfaces": {"xt0": {"backend": "%s", "programs": [' \
			"$owner" "$backend"
		for spec in "$@"; do
			IFS=: read -r name prio cont obj place <<<"$spec"
			printf '%s{"file": "%s", "program": "%s", "priority": %s' "$sep" "${obj:-$OBJ}" \
				"$name" "$prio"
			if [ -n "$cont" ] && [ "$cont" != "-" ]; then
				printf ', "continue_on": [%s]' "$(sed 's/[a-z][a-z]*/"&"/g' <<<"$cont")"
			fi
			# PLACE: after=NAME or before=NAME, or observer
			if [ "$place" = observer ]; then
				printf ', "observer": true'
			elif [ -n "$place" ]; then
				printf ', "%s": "%s"' "${place%%=*}" "${place#*=}"
			fi
			printf '}'
			sep=", "
		done
		printf ']}}}\n'
	} >"$conf"
}
apply() { xc -j apply "$@" "$conf"; }
ids() { status_json | jq -r '[.[0].programs[] | "\(.name)=\(.id)"] | join(" ")'; }
plan() { jq -r '[.interfaces[0].plan[] | "\(.action):\(.name)"] | join(" ")' <<<"$1"; }

t_apply_three() {
	begin "apply: three programs in one transaction, in priority order"
	cfg fleet t_pass_c:30 t_pass_a:10 t_pass_b:20
	local out rev
	# Another owner's program, so that the chain exists before: its
	# revision is then known (a new chain's is the time since boot).
	att t_pass_d -P 40 -o other || { not_ok "attach t_pass_d"; return; }
	rev=$(revision)
	out=$(apply) || { not_ok "apply failed: $out"; return; }
	expect "plan" "attach:t_pass_c attach:t_pass_a attach:t_pass_b" "$(plan "$out")" || return
	expect "order" "verdict=pass trace=a1,a2,a3,a4" "$(run)" || return
	expect "one revision for the whole plan" "$((rev + 1))" "$(revision)" || return
	expect "result revision" "$((rev + 1))" "$(jq -r '.interfaces[0].revision' <<<"$out")" || return
	expect "owner" "fleet fleet fleet other" \
		"$(status_json | jq -r '[.[0].programs[].owner] | join(" ")')" || return
	expect "backend" "$backend" "$(status_json | jq -r '.[0].backend')" && ok
}

t_apply_twice() {
	begin "apply: the same file twice changes nothing (empty plan, same revision)"
	cfg fleet t_pass_a:10 t_pass_b:20:pass,drop t_pass_c:30
	apply >/dev/null || { not_ok "first apply"; return; }
	local before rev out
	before=$(ids)
	rev=$(revision)
	out=$(apply) || { not_ok "second apply failed: $out"; return; }
	expect "empty plan" "0" "$(jq '.interfaces[0].plan | length' <<<"$out")" || return
	expect "not changed" "false" "$(jq '.interfaces[0].changed' <<<"$out")" || return
	expect "same revision" "$rev" "$(revision)" || return
	expect "same programs" "$before" "$(ids)" || return
	expect "text says so" "yes" "$(xc apply "$conf" | grep 'no changes' >/dev/null && echo yes)" && ok
}

t_reprioritise() {
	begin "apply: a new priority or continue-on set only updates (same program ids)"
	cfg fleet t_pass_a:10 t_pass_b:20 t_drop:30
	apply >/dev/null || { not_ok "first apply"; return; }
	local before rev out
	before=$(status_json | jq -r '[.[0].programs[].id] | sort | join(" ")')
	rev=$(revision)
	expect "before" "verdict=drop trace=a1,a2,d0" "$(run)" || return
	cfg fleet t_pass_a:10 t_pass_b:40 t_drop:30:pass,drop
	out=$(apply) || { not_ok "apply failed: $out"; return; }
	expect "plan" "update:t_pass_b update:t_drop" "$(plan "$out")" || return
	expect "one new revision" "$((rev + 1))" "$(revision)" || return
	expect "same program ids (not reloaded)" "$before" \
		"$(status_json | jq -r '[.[0].programs[].id] | sort | join(" ")')" || return
	expect "new order and continue-on" "verdict=pass trace=a1,d0,a2" "$(run)" || return
	expect "old values in the plan" "20" \
		"$(jq -r '.interfaces[0].plan[0].old_priority' <<<"$out")" || return
	# Text: only what changes, never "pass -> pass".
	cfg fleet t_pass_a:10 t_pass_b:50 t_drop:30:drop
	out=$(xc apply "$conf") || { not_ok "text apply failed: $out"; return; }
	expect "text plan" "  update t_pass_b (id $(prog_id t_pass_b)): priority 40 -> 50|  update t_drop (id $(prog_id t_drop)): continue-on drop,pass -> drop" \
		"$(grep '^  update' <<<"$out" | paste -sd'|')" && ok
}

t_apply_placement() {
	begin "apply: before/after place programs, also on one attached by the same apply; changing or removing a placement updates in place"
	local out ids
	cfg fleet t_pass_a:10 t_pass_b:20 t_pass_c:99:-::after=t_pass_a
	out=$(apply) || { not_ok "apply failed: $out"; return; }
	expect "c right after a, both new" "verdict=pass trace=a1,a3,a2" "$(run)" || return
	expect "status" "t_pass_c:after:t_pass_a" \
		"$(status_json | jq -r '[.[0].programs[] | select(.placed) | "\(.name):\(.placed.where):\(.placed.name)"] | join(" ")')" ||
		return
	expect "again: nothing to do" "0" "$(apply | jq '.interfaces[0].plan | length')" || return
	ids=$(status_json | jq -r '[.[0].programs[].id] | sort | join(" ")')
	cfg fleet t_pass_a:10 t_pass_b:20 t_pass_c:99:-::before=t_pass_a
	out=$(apply) || { not_ok "apply (before) failed: $out"; return; }
	expect "plan" "update:t_pass_c" "$(plan "$out")" || return
	expect "c before a now" "verdict=pass trace=a3,a1,a2" "$(run)" || return
	cfg fleet t_pass_a:10 t_pass_b:20 t_pass_c:99
	out=$(xc apply "$conf") || { not_ok "apply (none) failed: $out"; return; }
	expect "text" "yes" "$(grep -q 'update t_pass_c .*no longer placed' <<<"$out" && echo yes)" || return
	expect "c by its priority" "verdict=pass trace=a1,a2,a3" "$(run)" || return
	expect "same programs throughout (updated, not reloaded)" "$ids" \
		"$(status_json | jq -r '[.[0].programs[].id] | sort | join(" ")')" || return
	# Another owner's program placed on fleet's t_pass_a keeps it.
	att t_pass_d -P 1 -o other --after t_pass_a || { not_ok "attach d after a"; return; }
	cfg fleet t_pass_b:20 t_pass_c:99
	local before rc err
	before=$(status_json)
	err=$(xc apply "$conf" 2>&1); rc=$?
	expect "detaching another owner's anchor: refused, named" "1 yes" \
		"$rc $(grep -q 't_pass_d .* runs after t_pass_a' <<<"$err" && echo yes)" || return
	expect "nothing changed" "$before" "$(status_json)" || return
	# An anchor that is nowhere: refused before anything changes.
	cfg fleet t_pass_a:10 t_pass_b:20:-::after=nosuch
	err=$(xc apply "$conf" 2>&1); rc=$?
	expect "unknown anchor" "1 yes" "$rc $(grep -q 'programs\[1\].after: no program of that name' <<<"$err" && echo yes)" &&
		ok
}

t_remove_one() {
	begin "apply: a program left out of the file is detached, the rest kept"
	cfg fleet t_pass_a:10 t_pass_b:20 t_pass_c:30
	apply >/dev/null || { not_ok "first apply"; return; }
	local a c out
	a=$(prog_id t_pass_a)
	c=$(prog_id t_pass_c)
	cfg fleet t_pass_a:10 t_pass_c:30
	out=$(apply) || { not_ok "apply failed: $out"; return; }
	expect "plan" "detach:t_pass_b" "$(plan "$out")" || return
	expect "reason" "not_wanted" "$(jq -r '.interfaces[0].plan[0].reason' <<<"$out")" || return
	expect "order" "verdict=pass trace=a1,a3" "$(run)" || return
	expect "others kept" "$a $c" "$(prog_id t_pass_a) $(prog_id t_pass_c)" && ok
}

t_other_owner() {
	begin "apply: programs of other owners are never detached or updated"
	att t_pass_d -P 25 -o other || { not_ok "attach other"; return; }
	att t_pass_e -P 5 || { not_ok "attach unowned"; return; }
	local d e out
	d=$(prog_id t_pass_d)
	e=$(prog_id t_pass_e)
	cfg fleet t_pass_a:10 t_pass_b:20
	out=$(apply) || { not_ok "apply failed: $out"; return; }
	expect "plan" "attach:t_pass_a attach:t_pass_b" "$(plan "$out")" || return
	expect "order" "verdict=pass trace=a5,a1,a2,a4" "$(run)" || return
	# The file names t_pass_d too: the other owner's copy stays, ours joins.
	local rev
	rev=$(revision)
	cfg fleet t_pass_d:1
	out=$(apply) || { not_ok "apply 2 failed: $out"; return; }
	expect "plan 2" "detach:t_pass_a detach:t_pass_b attach:t_pass_d" "$(plan "$out")" || return
	expect "three changes, one revision" "$((rev + 1))" "$(revision)" || return
	expect "other owner's program kept" "$d" \
		"$(status_json | jq -r '.[0].programs[] | select(.owner == "other") | .id')" || return
	cfg fleet
	out=$(apply) || { not_ok "apply 3 failed: $out"; return; }
	expect "empty list removes only ours" "t_pass_e= t_pass_d=other" \
		"$(status_json | jq -r '[.[0].programs[] | "\(.name)=\(.owner)"] | join(" ")')" || return
	expect "ids" "$e $d" "$(status_json | jq -r '[.[0].programs[].id] | join(" ")')" && ok
}

t_rebuilt() {
	begin "apply: a rebuilt object (other code, other tag) replaces the running program"
	cfg fleet t_pass_a:10 t_pass_b:20
	apply >/dev/null || { not_ok "first apply"; return; }
	local b out
	b=$(prog_id t_pass_b)
	cfg fleet t_pass_a:10::"$V2OBJ" t_pass_b:20
	out=$(apply) || { not_ok "apply failed: $out"; return; }
	expect "plan" "detach:t_pass_a attach:t_pass_a" "$(plan "$out")" || return
	expect "reason" "replaced" "$(jq -r '.interfaces[0].plan[0].reason' <<<"$out")" || return
	expect "new code runs" "verdict=pass trace=e1,a2" "$(run)" || return
	expect "t_pass_b kept" "$b" "$(prog_id t_pass_b)" || return
	expect "applied once more: nothing" "0" "$(apply | jq '.interfaces[0].plan | length')" && ok
}

t_dry_run() {
	begin "apply --dry-run prints the plan and changes nothing"
	cfg fleet t_pass_a:10 t_pass_b:20
	apply >/dev/null || { not_ok "first apply"; return; }
	local before rev out
	before=$(ids)
	rev=$(revision)
	cfg fleet t_pass_a:15 t_pass_c:30
	out=$(apply --dry-run) || { not_ok "dry run failed: $out"; return; }
	expect "plan" "detach:t_pass_b update:t_pass_a attach:t_pass_c" "$(plan "$out")" || return
	expect "dry_run flag" "true" "$(jq '.dry_run' <<<"$out")" || return
	expect "same revision" "$rev" "$(revision)" || return
	expect "same programs" "$before" "$(ids)" || return
	expect "text" "yes" "$(xc apply -n "$conf" | grep 'dry run, nothing changed' >/dev/null && echo yes)" || return
	reset
	out=$(apply --dry-run) || { not_ok "dry run without chain: $out"; return; }
	expect "no chain created" "" "$(ip -n "$ns" link show xt0 | grep -o 'prog/xdp')" && ok
}

# bad FILE-CONTENT CODE WORD: applying it fails with CODE, names WORD, changes nothing
bad() {
	local before rev
	before=$(ids)
	rev=$(revision)
	printf '%s' "$1" >"$conf"
	expect_exit "$2" xc apply "$conf" || return 1
	expect "error names '$3'" "yes" "$(grep -qF -- "$3" <<<"$err" && echo yes)" || return 1
	expect "JSON error" "true" "$(xc -j apply "$conf" 2>/dev/null | jq 'has("error")')" || return 1
	expect "unchanged revision" "$rev" "$(revision)" || return 1
	expect "unchanged programs" "$before" "$(ids)"
}

t_bad_files() {
	begin "apply: bad files give clear errors and exit codes and change nothing"
	cfg fleet t_pass_a:10
	apply >/dev/null || { not_ok "first apply"; return; }
	local head='{"version": 1, "owner": "fleet", "interfaces": {"xt0": {"programs": ['
	local p="{\"file\": \"$OBJ\", \"program\": \"t_pass_b\""
	bad "$head$p}" 2 "line 1, column" || return
	bad "$head$p, \"prio\": 3}]}}}" 2 'interfaces.xt0.programs[0].prio: unknown key' || return
	bad "$head$p, \"priority\": \"3\"}]}}}" 2 'programs[0].priority: must be an integer' || return
	bad "$head$p, \"continue_on\": [\"pas\"]}]}}}" 2 'unknown verdict "pas"' || return
	bad "{\"version\": 2, \"owner\": \"fleet\", \"interfaces\": {}}" 2 'version 2 is not supported' || return
	bad "{\"version\": 1, \"interfaces\": {}}" 2 '$.owner: missing' || return
	bad "{\"version\": 1, \"owner\": \"fleet\", \"interfaces\": {\"nosuch0\": {\"programs\": []}}}" \
		2 "interface 'nosuch0' not found" || return
	bad "$head$p}, $p}]}}}" 2 'duplicate' || return
	bad "$head{\"file\": \"/nonexistent.o\"}]}}}" 1 '/nonexistent.o' || return
	bad "$head{\"file\": \"$OBJ\", \"program\": \"nosuch\"}]}}}" 1 'nosuch' || return
	expect_exit 1 xc apply "$cfgdir/missing.json" || return
	expect_exit 2 xc apply || return
	expect "still runs" "verdict=pass trace=a1" "$(run)" && ok
}

t_relative_path() {
	begin "apply: relative object paths are relative to the file; stdin works"
	cp "$OBJ" "$cfgdir/progs.o"
	printf '{"version": 1, "owner": "fleet", "interfaces": {"xt0": {"backend": "%s", "programs": [{"file": "progs.o", "program": "t_pass_c", "priority": 3}]}}}' \
		"$backend" >"$conf"
	(cd / && xc apply "$conf" >/dev/null) || { not_ok "apply with a relative path"; return; }
	expect "runs" "verdict=pass trace=a3" "$(run)" || return
	cfg fleet t_pass_c:3
	expect "same program from stdin: nothing to do" "0" \
		"$(xc -j apply - <"$conf" | jq '.interfaces[0].plan | length')" && ok
}

t_boot_wrapper() {
	begin "xdpchain-apply-all (the boot service's wrapper) applies every file of a directory"
	local wrapper
	wrapper=$(dirname "$XC")/../systemd/xdpchain-apply-all
	[ -x "$wrapper" ] || { skip "no $wrapper in this build"; return; }
	local d
	d=$(mktemp -d)
	printf '{"version": 1, "owner": "a", "interfaces": {"xt0": {"backend": "%s", "programs": [{"file": "%s", "program": "t_pass_a", "priority": 1}]}}}' \
		"$backend" "$OBJ" >"$d/10-a.json"
	printf '{"version": 1, "owner": "b", "interfaces": {"xt0": {"programs": [{"file": "%s", "program": "t_pass_b", "pri": 2}]}}}' \
		"$OBJ" >"$d/20-bad.json"
	printf '{"version": 1, "owner": "c", "interfaces": {"xt0": {"backend": "%s", "programs": [{"file": "%s", "program": "t_pass_c", "priority": 3}]}}}' \
		"$backend" "$OBJ" >"$d/30-c.json"
	in_ns env XDPCHAIN="$XC" "$wrapper" "$d" >/dev/null 2>"$d/err"
	local rc=$?
	expect "exit 1: one file failed" "1" "$rc" || { rm -rf "$d"; return; }
	expect "names it" "yes" "$(grep -q '20-bad.json' "$d/err" && echo yes)" || { rm -rf "$d"; return; }
	expect "the others applied" "verdict=pass trace=a1,a3" "$(run)" || { rm -rf "$d"; return; }
	rm "$d/20-bad.json"
	local rev
	rev=$(revision)
	in_ns env XDPCHAIN="$XC" "$wrapper" "$d" >/dev/null 2>&1 || { not_ok "second run"; rm -rf "$d"; return; }
	rm -rf "$d"
	expect "again: nothing changes" "$rev" "$(revision)" && ok
}

t_apply_observer() {
	begin "apply: \"observer\": true joins as an observer; applied twice, nothing changes; the role changes by a detach and an attach"
	local OOBJ=$TEST_BPF_DIR/test_observer.o out rev
	cfg fleet t_pass_a:10 t_drop:20 "t_observer:0:-:$OOBJ:observer"
	apply >/dev/null || { not_ok "apply"; return; }
	expect "the observer last" "t_pass_a:false t_drop:false t_observer:true" \
		"$(status_json | jq -r '[.[0].programs[] | "\(.name):\(.observer)"] | join(" ")')" || return
	expect "runs" "verdict=drop trace=a1,d0" "$(run)" || return
	expect "the observer ran" "1" "$(in_ns "$XT" hits "$(prog_id t_observer)")" || return
	rev=$(revision)
	out=$(apply) || { not_ok "second apply: $out"; return; }
	expect "twice: empty plan, same revision" "0 $rev" \
		"$(jq '.interfaces[0].plan | length' <<<"$out") $(revision)" || return
	cfg fleet t_pass_a:10 t_drop:20 "t_observer:0:-:$OOBJ"
	# The plan names the role change (it said "replaced by another build
	# of it", and "replaced" in JSON).
	expect "dry run: the detach says the role changes" "1" \
		"$(xc apply -n "$conf" 2>/dev/null | grep -c "detach t_observer (id [0-9]*): role change: it stops being an observer")" || return
	out=$(apply) || { not_ok "apply without observer: $out"; return; }
	expect "no longer an observer: detached and attached again" "detach:t_observer attach:t_observer" "$(plan "$out")" || return
	expect "reason" "stops_observer" "$(jq -r '.interfaces[0].plan[0].reason' <<<"$out")" || return
	expect "a program now, first by priority" "t_observer:false t_pass_a:false t_drop:false" \
		"$(status_json | jq -r '[.[0].programs[] | "\(.name):\(.observer)"] | join(" ")')" && ok
}

watch_cfg() { # watch_cfg OWNER PROG...: an apply file for xt0
	local owner=$1 sep="" p
	shift
	printf '{"version": 1, "owner": "%s", "interfaces": {"xt0": {"backend": "%s", "programs": [' "$owner" "$backend"
	for p in "$@"; do
		printf '%s{"file": "%s", "program": "%s", "priority": %s}' "$sep" "$OBJ" "${p%:*}" "${p#*:}"
		sep=", "
	done
	printf ']}}}'
}
t_watch_configmap() {
	begin "apply --watch: follows a ConfigMap-like directory (kubelet's ..data swap), removes a deleted file's programs, holds no lock, exits 0 on SIGTERM; refused with --dry-run, --ready alone"
	local d=$cfgdir/cm out=$cfgdir/watch.out pid ms out2 i
	mkdir "$d"
	expect_exit 2 xc apply --watch --dry-run "$d" || return
	expect_exit 2 xc apply --ready "$cfgdir/ready" "$d" || return
	att t_pass_d -P 40 -o other || { not_ok "attach other"; return; }
	cm_swap "$d" v1 fleet.json "$(watch_cfg fleet t_pass_a:10)"
	# ip execs xdpchain: $! is the watcher itself (not a subshell).
	ip netns exec "$ns" "$XC" -j apply --watch --ready "$cfgdir/ready" "$d" >"$out" 2>"$cfgdir/watch.err" &
	pid=$!
	ms=$(until_ms 10 "verdict=pass trace=a1,a4" run) || { not_ok "first apply: $(cat "$out" "$cfgdir/watch.err")"; kill $pid; return; }
	for i in $(seq 50); do [ -e "$cfgdir/ready" ] && break; sleep 0.1; done
	expect "ready file" "yes" "$([ -e "$cfgdir/ready" ] && echo yes)" || { kill $pid; return; }
	cm_swap "$d" v2 fleet.json "$(watch_cfg fleet t_pass_a:10 t_pass_b:20)"
	ms=$(until_ms 10 "verdict=pass trace=a1,a2,a4" run) || { not_ok "swap not followed: $(cat "$out")"; kill $pid; return; }
	echo "# ConfigMap swap to chain change: $ms ms"
	# No lock held while waiting: another owner's apply goes through now.
	cfg third t_pass_c:30
	out2=$(timeout 5 ip netns exec "$ns" "$XC" -j apply "$conf" 2>&1) ||
		{ not_ok "apply beside the watcher: $out2"; kill $pid; return; }
	expect "both owners" "verdict=pass trace=a1,a2,a3,a4" "$(run)" || { kill $pid; return; }
	# A second file, then the first one deleted (its key gone from the
	# ConfigMap): its programs go, the others stay.
	cm_swap "$d" v3 fleet.json "$(watch_cfg fleet t_pass_a:10 t_pass_b:20)" \
		edge.json "$(watch_cfg edge t_pass_e:5)"
	until_ms 10 "verdict=pass trace=a5,a1,a2,a3,a4" run >/dev/null || { not_ok "second file: $(cat "$out")"; kill $pid; return; }
	cm_swap "$d" v4 edge.json "$(watch_cfg edge t_pass_e:5)"
	ms=$(until_ms 10 "verdict=pass trace=a5,a3,a4" run) || { not_ok "deleted file's programs stay: $(cat "$out")"; kill $pid; return; }
	echo "# file deleted to its programs gone: $ms ms"
	kill -TERM $pid
	wait $pid
	expect "exit 0 on SIGTERM" "0" "$?" || return
	expect "ready file removed" "no" "$([ -e "$cfgdir/ready" ] && echo yes || echo no)" || return
	expect "JSON Lines: one per apply, then stop" "apply:fleet:true change:fleet:true apply:edge:true remove:fleet:true stop" \
		"$(jq -r 'if .event == "stop" then "stop" else "\(.event):\(.owner):\(.ok)" end' "$out" | paste -sd' ')" || return
	cfg third
	out2=$(timeout 5 ip netns exec "$ns" "$XC" -j apply "$conf" 2>&1) ||
		{ not_ok "apply after the watcher: $out2"; return; }
	expect "what the watcher applied stays" "verdict=pass trace=a5,a4" "$(run)" && ok
}

run_tests t_apply_three t_apply_twice t_reprioritise t_remove_one t_other_owner t_rebuilt \
	t_dry_run t_bad_files t_relative_path t_boot_wrapper t_apply_placement t_apply_observer t_watch_configmap
finish
