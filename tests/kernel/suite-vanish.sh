#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Interfaces and network namespaces that disappear under a chain: the next
# status, attach elsewhere or gc collects their state, nothing of it is
# shown as live, and a new interface that gets the same ifindex is never
# mistaken for the old chain.
#   tests/kernel/suite-vanish.sh tailcall|freplace
set -uo pipefail

backend=${1:?usage: suite-vanish.sh tailcall|freplace}
source "$(dirname "$0")/lib.sh"

ns2=xdpc-vanish-$$
cleanup_vanish() {
	ip -n "$ns" link del xv0 2>/dev/null
	ip netns del "$ns2" 2>/dev/null
	cleanup
}
trap cleanup_vanish EXIT

netns_ino() { ip netns exec "$1" stat -L -c %i /proc/self/ns/net; }
nsdir() { echo "$XDPCHAIN_BPFFS_ROOT/ns-$(netns_ino "$1")"; }
ifindex_of() { ip netns exec "$1" cat "/sys/class/net/$2/ifindex"; }
state() { run 2>/dev/null || echo none; }
# Objects the pins under our bpffs and IFACE's program keep alive.
held() { in_ns "$XT" held "$bpffs" "$@"; }
gone() {
	local i left
	for i in $(seq 25); do
		left=$(echo "$1" | in_ns "$XT" alive | tr '\n' ' ')
		[ -z "$left" ] && return 0
		sleep 0.2
	done
	expect "objects of the vanished chain are freed" "" "$left"
}
# A second veth pair in our namespace, xv0 (under test) and xv1.
mk_xv() { # [index N]
	ip -n "$ns" link add xv0 "$@" type veth peer name xv1 && ip -n "$ns" link set xv0 up &&
		ip -n "$ns" link set xv1 up
}
att_xv() { xc attach -b "$backend" xv0 "$OBJ" -p "$1" -P "$2" >/dev/null; }

# Chain on xv0, delete xv0; COLLECTOR must remove its state directory.
vanish_with() { # COLLECTOR description
	local what=$1 idx dir h
	begin "a deleted interface's state is collected by $2"
	mk_xv || { not_ok "veth"; return; }
	att_xv t_pass_a 10 && att_xv t_pass_b 20 || { not_ok "attach"; return; }
	idx=$(ifindex_of "$ns" xv0)
	dir=$(nsdir "$ns")/if-$idx
	[ -n "$(ls "$dir" 2>/dev/null)" ] || { not_ok "no state in $dir"; return; }
	h=$(held xv0)
	ip -n "$ns" link del xv0 || { not_ok "link del"; return; }
	case $what in
	status)
		local st
		st=$(xc -j status) || { not_ok "status failed"; return; }
		expect "status shows no chain of ifindex $idx" "" \
			"$(echo "$st" | jq -r --argjson i "$idx" '.[] | select(.ifindex == $i) | .ifname')" || return
		;;
	attach)
		att t_pass_c -P 30 || { not_ok "attach on xt0"; return; }
		expect "xt0 runs its chain" "verdict=pass trace=a3" "$(state)" || return
		reset
		;;
	gc)
		local out
		out=$(xc -j gc) || { not_ok "gc failed"; return; }
		expect "gc says why" "interface gone" \
			"$(echo "$out" | jq -r --arg d "$dir/" '.removed[] | select(.path == $d) | .reason')" ||
			return
		;;
	esac
	expect "state of ifindex $idx" "absent" "$([ -e "$dir" ] && ls "$dir" | tr '\n' ' ' || echo absent)" ||
		return
	gone "$h" && ok
}
t_vanish_status() { vanish_with status "the next status"; }
t_vanish_attach() { vanish_with attach "an attach on another interface"; }
t_vanish_gc() { vanish_with gc "gc"; }

# Issue 25: a chain of another on-bpffs protocol version (forged:
# lib/model/fault.c XDPCHAIN_FORGE_VERSION) on an interface that is deleted:
# gc collects it whole, as any chain whose interface is gone.
t_vanish_other_version() {
	local idx dir h out
	begin "a deleted interface's chain of another protocol version is collected by gc"
	XDPCHAIN_FAULT=list "$XC" version 2>/dev/null | grep -q "^prog-load " ||
		{ skip "no fault injection in this build (meson -Dfault_injection=true)"; return; }
	mk_xv || { not_ok "veth"; return; }
	att_xv t_pass_b 20 || { not_ok "attach"; return; }
	in_ns env XDPCHAIN_FORGE_VERSION=10 "$XC" attach -b "$backend" xv0 "$OBJ" -p t_pass_a \
		-P 10 >/dev/null || { not_ok "forge version 10"; return; }
	expect "status" "10" "$(xc -j status xv0 | jq -r '.[0].protocol_version')" || return
	idx=$(ifindex_of "$ns" xv0)
	dir=$(nsdir "$ns")/if-$idx
	h=$(held xv0)
	ip -n "$ns" link del xv0 || { not_ok "link del"; return; }
	out=$(xc -j gc) || { not_ok "gc failed"; return; }
	expect "gc says why" "interface gone" \
		"$(echo "$out" | jq -r --arg d "$dir/" '.removed[] | select(.path == $d) | .reason')" ||
		return
	expect "state of ifindex $idx" "absent" "$([ -e "$dir" ] && ls "$dir" | tr '\n' ' ' || echo absent)" ||
		return
	gone "$h" && ok
}

t_ifindex_reused() {
	begin "a new interface with the old one's ifindex is not taken for its chain"
	local idx dir h st old
	mk_xv || { not_ok "veth"; return; }
	att_xv t_pass_a 10 && att_xv t_pass_b 20 || { not_ok "attach"; return; }
	old=$(xc -j status xv0 | jq -r '.[0].revision')
	idx=$(ifindex_of "$ns" xv0)
	dir=$(nsdir "$ns")/if-$idx
	h=$(held xv0)
	# No xdpchain command between the deletion and the new interface:
	# the stale directory is still there when the ifindex is reused.
	ip -n "$ns" link del xv0 && mk_xv index "$idx" || { not_ok "recreate with index $idx"; return; }
	expect "same ifindex" "$idx" "$(ifindex_of "$ns" xv0)" || return
	[ -e "$dir/dispatcher" ] || { not_ok "the stale state is already gone: nothing tested"; return; }
	st=$(xc -j status xv0) || { not_ok "status failed"; return; }
	expect "status of the new xv0" "0" "$(echo "$st" | jq '[.[0].programs[]] | length')" || return
	expect "no revision" "null" "$(echo "$st" | jq '.[0].revision')" || return
	expect "nothing runs on the new xv0" "" "$(in_ns "$XT" run xv0 2>/dev/null)" || return
	att_xv t_pass_c 30 || { not_ok "attach to the new xv0"; return; }
	st=$(xc -j status xv0)
	expect "a new chain, at a revision never used" "true t_pass_c" \
		"$(echo "$st" | jq -r --argjson old "$old" '.[0] | "\(.revision > $old) \([.programs[].name] | join(","))"')" ||
		return
	expect "it runs alone" "verdict=pass trace=a3" "$(in_ns "$XT" run xv0)" || return
	local r
	r=$(echo "$st" | jq '.[0].revision')
	# Every chain pins its live map (live-, protocol version 9); a
	# freplace chain of one also its link to the main function (main-),
	# protocol.md section 6b.
	local one=""
	[ "$backend" = freplace ] && one="main-$r "
	expect "pins" "disp-$r dispatcher live-$r ${one}meta-$r prog-$(echo "$st" | jq '.[0].programs[0].id') progs-$r " \
		"$(ls "$dir" | grep -v '^link-' | sort | tr '\n' ' ')" || return
	xc detach xv0 --all >/dev/null || { not_ok "detach"; return; }
	ip -n "$ns" link del xv0
	expect "state dir" "absent" "$([ -e "$dir" ] && echo present || echo absent)" || return
	gone "$h" && ok
}

t_netns_gone() {
	begin "a deleted namespace's state is collected by gc from another namespace"
	local d h out i
	ip netns add "$ns2" || { not_ok "netns add"; return; }
	ip -n "$ns2" link add xw0 type veth peer name xw1 && ip -n "$ns2" link set xw0 up &&
		ip -n "$ns2" link set xw1 up || { not_ok "veth in $ns2"; return; }
	ip netns exec "$ns2" "$XC" attach -b "$backend" xw0 "$OBJ" -p t_pass_a >/dev/null ||
		{ not_ok "attach in $ns2"; return; }
	d=$(nsdir "$ns2")
	h=$(in_ns "$XT" held "$d")
	[ -n "$(ls "$d")" ] || { not_ok "no state in $d"; return; }
	# While the namespace lives, gc from ours leaves its state alone.
	out=$(xc -j gc) || { not_ok "gc failed"; return; }
	expect "gc of a live namespace" "0" "$(echo "$out" | jq .count)" || return
	expect "its chain runs" "verdict=pass trace=a1" "$(ip netns exec "$ns2" "$XT" run xw0)" || return
	ip netns del "$ns2"
	# The kernel dismantles a namespace asynchronously: gc leaves the
	# state alone until the veth is gone and the link says so.
	for i in $(seq 50); do
		out=$(xc -j gc) || { not_ok "gc failed"; return; }
		[ -e "$d" ] || break
		sleep 0.2
	done
	expect "state of the deleted namespace" "absent" "$([ -e "$d" ] && find "$d" | tr '\n' ' ' || echo absent)" ||
		return
	gone "$h" && ok
}

run_tests t_vanish_status t_vanish_attach t_vanish_gc t_vanish_other_version t_ifindex_reused t_netns_gone
finish
