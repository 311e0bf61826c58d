#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Crash safety: kill xdpchain with SIGKILL at every step of attach, detach
# (rebuilding, and in place), an attach relocated in place, adopt (a
# netlink-attached program taken over: before its commit the program runs
# alone, after it the chain; and libxdp's dispatcher, freplace only:
# before its commit libxdp's chain runs untouched, after it ours, and
# libxdp's pins of its dispatcher are removed by the next writer or gc),
# and detach --all (XDPCHAIN_FAULT, lib/model/fault.c; needs a build with
# meson -Dfault_injection=true), then check that
#   - the interface runs the old chain or the new one, complete (trace of
#     a test packet and status agree), never a partial one;
#   - the next ordinary command, or separately "xdpchain gc", leaves
#     exactly the pins of the running chain, and after detach --all the
#     kernel holds the objects it held before the test.
# The steps are not listed here: each operation is first run with
# XDPCHAIN_FAULT=trace, which prints every step it passes, and the steps
# the binary declares (XDPCHAIN_FAULT=list) must all be reached.
#   tests/kernel/suite-crash.sh tailcall|freplace
# CRASH_REPAIR=both|alternate and CRASH_POINTS=all|some choose how much
# (defaults below: everything with tailcall, a sample with freplace).
set -uo pipefail

backend=${1:?usage: suite-crash.sh tailcall|freplace}
source "$(dirname "$0")/lib.sh"

# freplace runs in QEMU without acceleration in CI, 10-50 times slower:
# there, each operation is crashed at the first pass of each of its steps
# and at the passes around its commit point (CRASH_POINTS=some), and each
# crash is repaired one way, the next command and gc in turn. The host
# (tailcall) crashes at every pass and repairs each both ways.
default_repair=both default_points=all
[ "$backend" = freplace ] && default_repair=alternate default_points=some
repair_modes=${CRASH_REPAIR:-$default_repair}
crash_points=${CRASH_POINTS:-$default_points}
fault_list=$(XDPCHAIN_FAULT=list "$XC" version 2>/dev/null)
# Steps this backend's transactions pass: "any" and its own.
backend_steps=$(echo "$fault_list" | awk -v b="$backend" '$2 == "any" || $2 == b { print $1 }' | sort)
reached=""
resetf=reset
# libxdp (xdp-loader, and the library's adoption) pins in our bpffs.
export LIBXDP_BPFFS=$bpffs
injected=0
clean=0

# The pins the running chain needs, from status (one per line, sorted).
# A freplace link at one of the dispatcher's own positions is
# link-<rev>-<id>, at a spare one (appended, relocated)
# link-<rev>-<id>-<slot> (protocol.md section 5): the own positions are
# those in use (programs and vacant ones) but the appended_slots.
want_pins() {
	status_json | jq -r '.[0] | select(.revision != null) | .dispatcher_revision as $r |
		((.programs | length) + .vacant_slots - .appended_slots) as $own |
		(select(.attachment != "netlink") | "dispatcher"), "progs-\($r)", "disp-\($r)", "meta-\($r)", "live-\($r)",
		(.programs[] | "prog-\(.id)", (select(.backend == "freplace") |
			if .slot < $own then "link-\($r)-\(.id)" else "link-\($r)-\(.id)-\(.slot)" end))' |
		sort
}
# A chain of one freplace program may also pin main-<rev>, its link to the
# main function (protocol.md section 6b): left out of the comparison, and
# checked on its own by main_pin_ok.
have_pins() { local d; d=$(state_dir); [ -d "$d" ] && ls -1 "$d" | grep -v '^main-' | sort; }
# Only the running revision's, and only while the chain is one program.
main_pin_ok() {
	local d m want=""
	d=$(state_dir)
	m=$([ -d "$d" ] && ls -1 "$d" | grep '^main-' | tr '\n' ' ')
	[ -z "$m" ] && return 0
	want=$(status_json | jq -r '.[0] | select(.revision != null and (.programs | length) == 1 and
		.appended_slots == 0 and .vacant_slots == 0 and .backend == "freplace") |
		"main-\(.dispatcher_revision) "')
	expect "main-<rev> pin only for a chain of one" "$want" "$m"
}
# Trace of a packet, or "none" when no XDP program runs.
state() { run 2>/dev/null || echo none; }
# gone HELD: every object in HELD ("prog N" lines from xdptest held) has
# been freed. Exact even on a busy host, where global counts (xdptest
# objs) move with other tests; freeing is deferred, so look a few times.
# The suite's end still compares global counts with the baseline.
gone() {
	local i left
	for i in $(seq 25); do
		left=$(echo "$1" | in_ns "$XT" alive | tr '\n' ' ')
		[ -z "$left" ] && return 0
		sleep 0.2
	done
	expect "objects the crashed state held are freed" "" "$left"
}
all_pins() { find "$bpffs" -mindepth 1 \( -type f -o -type d -empty \) ! -name '*.debug' | sort; }
# The chain status reports, as the trace it should produce.
# libxdp's chain (status reads it through libxdp) is "libxdp TRACE".
status_trace() {
	local ids pre
	pre=$(status_json | jq -r 'if .[0].manager == "libxdp" then "libxdp " else "" end')
	ids=$(status_json | jq -r '[.[0].programs[]?.name] | map({"t_pass_a": "a1", "t_pass_b": "a2",
		"t_pass_c": "a3", "t_pass_d": "a4", "t_pass_e": "a5"}[.] // "?") | join(",")')
	[ -n "$ids" ] && echo "${pre}verdict=pass trace=$ids" || echo none
}
# libxdp's dispatcher directories (dispatch-<ifindex>-<id>) in its bpffs.
libxdp_dirs() { ls "$bpffs/xdp" 2>/dev/null | grep '^dispatch-' | tr '\n' ' '; }
# Directories of libxdp's layout for dispatchers that do not run, which
# the repair must leave alone (not the evidence of our adoption): one
# holding a program of our chain and an entry that is not libxdp's, one
# holding a program that is not in our chain (our dispatcher).
decoy_dirs=""
decoys() {
	local ifx pid disp d1 d2
	ifx=$(in_ns cat /sys/class/net/xt0/ifindex)
	pid=$(status_json | jq -r '.[0].programs[0].id')
	disp=$(status_json | jq -r '.[0].dispatcher_id')
	d1=$bpffs/xdp/dispatch-$ifx-4000000001 d2=$bpffs/xdp/dispatch-$ifx-4000000002
	mkdir -p "$d1" "$d2" && bpftool prog pin id "$pid" "$d1/prog0-prog" &&
		bpftool prog pin id "$pid" "$d1/other" && bpftool prog pin id "$disp" "$d2/prog0-prog" ||
		{ not_ok "decoy directories"; return 1; }
	decoy_dirs="dispatch-$ifx-4000000001 dispatch-$ifx-4000000002 "
}
# libxdp's chain on xt0 goes too (its pins with it), and what a failed
# run left of it.
reset_libxdp() {
	xc detach xt0 --all >/dev/null 2>&1
	in_ns xdp-loader unload xt0 --all >/dev/null 2>&1
	reset
}

# The operations: setup commands, the operation, the trace before and after.
setup_attach_new() { :; }
op_attach_new() { att t_pass_a -P 10; }
setup_attach() { att t_pass_a -P 10; }
op_attach() { att t_pass_b -P 20; }
setup_detach() { att t_pass_a -P 10 && att t_pass_b -P 20; }
op_detach() { xc detach xt0 t_pass_b >/dev/null; }
# Four programs: removing one empties its slot in place (lib/mutate/vacate.c).
setup_detach_inplace() { setup_detach && att t_pass_d -P 22 && att t_pass_e -P 24; }
op_detach_inplace() { op_detach; }
# Two programs: a dispatcher with spare slots, the third is appended in
# place (append.c).
setup_append() { setup_detach; }
op_append() { att t_pass_e -P 24; }
# A program attached through netlink by another loader, adopted: the
# same trace before and after, told apart by status (no chain before).
# Two programs (the second sorting first: a rebuild with spare positions
# on both backends), a third placed between them: written into the spare
# positions and committed in place (relocate.c, section 6c).
setup_relocate() { att t_pass_b -P 20 && att t_pass_a -P 10; }
op_relocate() { att t_pass_d -P 99 --after t_pass_a; }
# The same after one was removed in place: the vacant slot is left
# behind, and the relocated chain starts past it.
setup_relocate_vacant() { setup_detach_inplace && op_detach; }
op_relocate_vacant() { att t_pass_b -P 20; }
setup_adopt() { in_ns "$XT" attach-foreign xt0 "$OBJ" t_pass_a >/dev/null; }
op_adopt() { xc adopt xt0 >/dev/null; }
# libxdp's dispatcher, loaded by Debian's xdp-loader with two programs
# (priorities 10 and 20), adopted: the same trace before and after, told
# apart by status (manager libxdp before the commit).
setup_adopt_libxdp() {
	in_ns xdp-loader load -m native -P 10 -n t_pass_a xt0 "$OBJ" >/dev/null 2>&1 &&
		in_ns xdp-loader load -m native -P 20 -n t_pass_b xt0 "$OBJ" >/dev/null 2>&1
}
op_adopt_libxdp() { op_adopt; }
setup_detach_all() { setup_detach; }
op_detach_all() { xc detach xt0 --all >/dev/null; }
declare -A old new
old[attach_new]=none
new[attach_new]="verdict=pass trace=a1"
old[attach]="verdict=pass trace=a1"
new[attach]="verdict=pass trace=a1,a2"
old[detach]="verdict=pass trace=a1,a2"
new[detach]="verdict=pass trace=a1"
old[detach_inplace]="verdict=pass trace=a1,a2,a4,a5"
new[detach_inplace]="verdict=pass trace=a1,a4,a5"
old[append]="verdict=pass trace=a1,a2"
new[append]="verdict=pass trace=a1,a2,a5"
old[relocate]="verdict=pass trace=a1,a2"
new[relocate]="verdict=pass trace=a1,a4,a2"
old[relocate_vacant]="verdict=pass trace=a1,a4,a5"
new[relocate_vacant]="verdict=pass trace=a1,a2,a4,a5"
old[adopt]="verdict=pass trace=a1"
new[adopt]="verdict=pass trace=a1"
old[adopt_libxdp]="verdict=pass trace=a1,a2"
new[adopt_libxdp]="verdict=pass trace=a1,a2"
old[detach_all]="verdict=pass trace=a1,a2"
new[detach_all]=none

t_hook() {
	begin "the fault-injection hook is compiled in and kills with SIGKILL"
	if [ -z "$backend_steps" ]; then
		not_ok "XDPCHAIN_FAULT=list printed no steps: build with meson configure build -Dfault_injection=true"
		return
	fi
	XDPCHAIN_FAULT=prog-load:1 att t_pass_a 2>/dev/null
	expect "exit status" 137 "$?" || return
	expect "nothing attached" none "$(state)" && ok
}

# inject OP STEP N INDEX COMMIT MODE: crash OP at the N-th STEP; INDEX is
# the step's position in OP's trace and COMMIT the position from which
# the new chain must run; repair with MODE (next|gc).
inject() {
	local op=$1 step=$2 n=$3 idx=$4 commit=$5 mode=$6 want got rc i
	current="crash at $step:$n during $op ($backend), repaired by ${mode/next/the next command}"
	# A passed injection ends with the interface clean (checked).
	[ "$clean" = 1 ] || $resetf
	clean=0
	local held
	"setup_$op" || { not_ok "setup"; return 1; }
	XDPCHAIN_FAULT=$step:$n "op_$op" 2>/dev/null
	rc=$?
	injected=$((injected + 1))
	expect "exit status (137: killed by the hook)" 137 "$rc" || return 1
	want=${old[$op]}
	[ "$idx" -ge "$commit" ] && want=${new[$op]}
	got=$(state)
	# An append to a chain of one that crashed after its commit, before
	# its wait: the new chain runs once the kernel has released the main
	# function's link, a grace period later (protocol.md section 6b).
	for i in $(seq 20); do
		[ "$got" = "$want" ] || [ "$backend" = tailcall ] && break
		sleep 0.1
		got=$(state)
	done
	expect "what runs" "$want" "$got" || return 1
	# Before an adoption's commit, the foreign program runs, no chain
	# (or libxdp's chain, untouched: its directory of the dispatcher that
	# runs, and no other).
	local chain_trace=$got adopted=0 lx=""
	if [ "$idx" -lt "$commit" ]; then
		case $op in
		adopt) chain_trace=none adopted=1 ;;
		adopt_libxdp)
			chain_trace="libxdp $got" adopted=1
			lx="dispatch-$(in_ns cat /sys/class/net/xt0/ifindex)-$(in_ns ip -j link show dev xt0 |
				jq -r '.[0].xdp.prog.id') "
			;;
		esac
	fi
	expect "status agrees with what runs" "$chain_trace" "$(status_trace)" || return 1
	if [ "$op" = adopt_libxdp ]; then
		# After the commit, libxdp's pins of its dispatcher are left
		# (where the crash came before their removal) for the repair.
		[ "$idx" -ge "$commit" ] && echo "# libxdp's pins left by the crash: $(libxdp_dirs)"
		[ "$idx" -lt "$commit" ] && { expect "libxdp's pins" "$lx" "$(libxdp_dirs)" || return 1; }
		[ "$step" = adopt ] && [ -z "$(libxdp_dirs)" ] &&
			{ not_ok "a crash at adopt left no libxdp pins: nothing to repair"; return 1; }
		[ "$step" = adopt ] && { decoys || return 1; }
	fi
	held=$(in_ns "$XT" held "$bpffs" xt0)
	if [ "$mode" = next ]; then
		if [ "$adopted" = 1 ]; then
			xc adopt xt0 >/dev/null || { not_ok "adopting again failed"; return 1; }
			lx=""
		fi
		att t_pass_c -P 30 || { not_ok "the next attach failed"; return 1; }
		if [ "$got" = none ]; then want="verdict=pass trace=a3"; else want="$got,a3"; fi
		expect "after the next command" "$want" "$(state)" || return 1
	else
		xc -j gc >/dev/null || { not_ok "gc failed"; return 1; }
		expect "gc changes nothing that runs" "$got" "$(state)" || return 1
	fi
	expect "pins" "$(want_pins | tr '\n' ' ')" "$(have_pins | tr '\n' ' ')" || return 1
	main_pin_ok || return 1
	# libxdp's directory of the dispatcher that still runs is kept, the
	# one our chain replaced is gone (the repair, protocol.md 7a).
	if [ "$op" = adopt_libxdp ]; then
		[ "$step" = adopt ] && lx="$decoy_dirs"
		expect "libxdp's pins after the repair" "$lx" "$(libxdp_dirs)" || return 1
		rm -rf "$bpffs"/xdp/dispatch-*-400000000?
	fi
	$resetf
	expect "no state directory left" "" "$(have_pins)" || return 1
	expect "nothing pinned on bpffs" "" "$(all_pins | grep -v '/ns-[0-9]*$' | grep -v '/xdpchain$' |
		grep -v "^$bpffs/xdp$")" || return 1
	expect "nothing runs" none "$(state)" || return 1
	gone "$held" || return 1
	clean=1
	ok
}

crash_op() { # OP
	local op=$1 trace lines commit=1000000 i=0 k=0 step n mode t0=$SECONDS n0=$injected
	resetf=reset
	[ "$op" = adopt_libxdp ] && resetf=reset_libxdp
	$resetf
	"setup_$op" || { begin "setup of $op"; not_ok "setup"; return; }
	trace=$(XDPCHAIN_FAULT=trace "op_$op" 2>&1 >/dev/null | awk '$1 == "xdpchain-fault:" { print $2, $3 }')
	clean=0
	if [ -z "$trace" ]; then
		begin "$op passes fault steps"
		not_ok "XDPCHAIN_FAULT=trace showed no step"
		return
	fi
	# The commit point: the swap, the detach, or the pin that keeps a new
	# link (a link that is not pinned dies with the process).
	while read -r step n; do
		case $step in
		swap | link-detach | vacate | append | adopt | relocate) [ "$commit" -gt "$i" ] && commit=$i ;;
		link-create) [ "$commit" -gt $((i + 1)) ] && commit=$((i + 1)) ;;
		esac
		i=$((i + 1))
	done <<<"$trace"
	reached="$reached $(echo "$trace" | awk '{ print $1 }')"
	i=0
	while read -r step n; do
		if [ "$crash_points" = some ] && [ "$n" != 1 ] && [ "$i" -ne "$commit" ] &&
			[ "$i" -ne $((commit - 1)) ]; then
			i=$((i + 1))
			continue
		fi
		for mode in next gc; do
			if [ "$repair_modes" = alternate ]; then
				[ $((k % 2)) -eq 0 ] && [ $mode = gc ] && continue
				[ $((k % 2)) -eq 1 ] && [ $mode = next ] && continue
			fi
			inject "$op" "$step" "$n" "$i" "$commit" "$mode"
		done
		i=$((i + 1))
		k=$((k + 1))
	done <<<"$trace"
	echo "# $op: $((injected - n0)) crashes in $((SECONDS - t0)) s"
	[ "$clean" = 1 ] || $resetf
	clean=1
	resetf=reset
}

t_attach_new() { crash_op attach_new; }
t_attach() { crash_op attach; }
t_detach() { crash_op detach; }
t_detach_inplace() { crash_op detach_inplace; }
t_detach_all() { crash_op detach_all; }
t_append() { crash_op append; }
t_adopt() { crash_op adopt; }
t_relocate() { crash_op relocate; }
t_relocate_vacant() { crash_op relocate_vacant; }
t_adopt_libxdp() {
	if [ "$backend" != freplace ]; then
		begin "crashes adopting libxdp's dispatcher"
		skip "libxdp's programs are extensions, which this kernel refuses (the guests run it)"
		return
	fi
	if ! command -v xdp-loader >/dev/null; then
		begin "crashes adopting libxdp's dispatcher"
		skip "needs xdp-loader (Debian: xdp-tools)"
		return
	fi
	crash_op adopt_libxdp
}

t_gc_crash() {
	begin "a crash during gc is repaired by the next gc"
	att t_pass_a -P 10 && att t_pass_b -P 20 || { not_ok "attach"; return; }
	# Leave orphans: the old revision's pins after the swap.
	XDPCHAIN_FAULT=swap op_detach 2>/dev/null
	expect "exit status" 137 "$?" || return
	XDPCHAIN_FAULT=unpin:1 xc gc >/dev/null 2>&1
	expect "gc exit status" 137 "$?" || return
	injected=$((injected + 2))
	reached="$reached unpin"
	expect "what runs" "verdict=pass trace=a1" "$(state)" || return
	local out
	out=$(xc -j gc) || { not_ok "gc failed"; return; }
	[ "$(echo "$out" | jq '.count')" -ge 1 ] || { not_ok "second gc removed nothing: $out"; return; }
	expect "gc reports what it removed" "$(echo "$out" | jq '.removed | length')" \
		"$(echo "$out" | jq '.count')" || return
	expect "pins" "$(want_pins | tr '\n' ' ')" "$(have_pins | tr '\n' ' ')" || return
	expect "nothing left to collect" 0 "$(xc -j gc | jq .count)" && ok
}

# Every step the binary declares for this backend was reached: a step
# that nothing passes would be a crash point the suite never tests.
t_coverage() {
	begin "every declared fault step ($(echo $backend_steps | wc -w)) was injected"
	if [ -n "${ONLY:-}" ]; then skip "ONLY=$ONLY"; return; fi
	local missing
	# No process substitution: the VM's initramfs has no /dev/fd, and
	# comm failing there would leave "missing" empty.
	local s all
	all=" $(echo $reached) " # one line, single spaces
	missing=$(for s in $backend_steps; do
		[[ "$all" == *" $s "* ]] || echo "$s"; done | tr '\n' ' ')
	expect "steps never reached" "" "$missing" || return
	echo "# $injected faults injected on $backend, $(uname -r)"
	ok
}

run_tests t_hook t_attach_new t_attach t_detach t_detach_inplace t_append t_relocate \
	t_relocate_vacant t_adopt t_adopt_libxdp t_detach_all \
	t_gc_crash \
	t_coverage
finish
