#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Network namespaces and the bpffs state root:
#   * the same ifindex in two namespaces: separate chains and state, and
#     nothing done in one touches the other's;
#   * the default root (/sys/fs/bpf/xdpchain, XDPCHAIN_BPFFS_ROOT unset)
#     through 'nsenter --net' (same mount namespace), through
#     'ip netns exec' (private /sys, no bpffs there) and with no bpffs
#     mounted: either the chain lands on the system's bpffs and outlives
#     the command, or the command fails clearly and changes nothing.
#   tests/kernel/suite-netns.sh tailcall|freplace
# The default-root tests only create state under
# /sys/fs/bpf/xdpchain/ns-<inode of this suite's namespaces>/ and remove it.
set -uo pipefail

backend=${1:?usage: suite-netns.sh tailcall|freplace}
source "$(dirname "$0")/lib.sh"
nsa=xdpc-na-$$
nsb=xdpc-nb-$$
nsc=xdpc-nc-$$
private_root=$XDPCHAIN_BPFFS_ROOT
sysroot=/sys/fs/bpf/xdpchain
had_sysroot=0
[ -d "$sysroot" ] && had_sysroot=1
vm=0
[ "$(hostname)" = xdpchain-vm ] && vm=1
bound_init=0

ino_of() { stat -L -c %i "/run/netns/$1"; }

netns_cleanup() {
	local n
	for n in "$nsa" "$nsb" "$nsc"; do
		ip netns exec "$n" "$XC" detach xs0 --all >/dev/null 2>&1
	done
	# State this suite may have made under the default root (ours only).
	if [ -d "$sysroot" ]; then
		env -u XDPCHAIN_BPFFS_ROOT nsenter --net="/run/netns/$ns" "$XC" detach xt0 --all \
			>/dev/null 2>&1
		for n in "$ns" "$nsa" "$nsb"; do
			[ -e "/run/netns/$n" ] && rm -rf "$sysroot/ns-$(ino_of "$n")"
		done
		[ "$had_sysroot" = 1 ] || rmdir "$sysroot" 2>/dev/null
	fi
	[ "$bound_init" = 1 ] && umount -c /proc/1/root/sys/fs/bpf 2>/dev/null
	for n in "$nsa" "$nsb" "$nsc"; do ip netns del "$n" 2>/dev/null; done
	cleanup
}
trap netns_cleanup EXIT

mkns() {
	ip netns add "$1" || return 1
	ip netns exec "$1" sh -c 'echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6' 2>/dev/null
	ip -n "$1" link add xs0 type veth peer name xs1 &&
		ip -n "$1" link set xs0 up && ip -n "$1" link set xs1 up
}
# nx NETNS CMD...: run in NETNS (ip netns exec), with this suite's bpffs root.
nx() { local n=$1; shift; ip netns exec "$n" "$@"; }
ids_in() { nx "$1" "$XC" -j status xs0 2>/dev/null | jq -r '[.[0].programs[]?.name] | join(",")'; }
pins_of() { ls "$private_root/ns-$(ino_of "$1")/if-$2" 2>/dev/null | sort | tr '\n' ' '; }

t_same_ifindex() {
	begin "the same ifindex in two namespaces: two chains, each untouched by the other's changes"
	local ia ib pins_b
	mkns "$nsa" && mkns "$nsb" || { not_ok "cannot create the namespaces"; return; }
	ia=$(nx "$nsa" cat /sys/class/net/xs0/ifindex)
	ib=$(nx "$nsb" cat /sys/class/net/xs0/ifindex)
	expect "ifindex of xs0 in both namespaces" "$ia" "$ib" || return
	nx "$nsa" "$XC" attach -b "$backend" xs0 "$OBJ" -p t_pass_a >/dev/null &&
		nx "$nsb" "$XC" attach -b "$backend" xs0 "$OBJ" -p t_pass_b -P 1 >/dev/null &&
		nx "$nsb" "$XC" attach -b "$backend" xs0 "$OBJ" -p t_pass_c -P 2 >/dev/null ||
		{ not_ok "attach"; return; }
	expect "status in A" "t_pass_a" "$(ids_in "$nsa")" || return
	expect "status in B" "t_pass_b,t_pass_c" "$(ids_in "$nsb")" || return
	expect "packet in A" "verdict=pass trace=a1" "$(nx "$nsa" "$XT" run xs0)" || return
	expect "packet in B" "verdict=pass trace=a2,a3" "$(nx "$nsb" "$XT" run xs0)" || return
	pins_b=$(pins_of "$nsb" "$ib")
	[ -n "$pins_b" ] || { not_ok "no state of B under $private_root"; return; }
	# B's programs cannot be detached from A, even by id.
	local idb
	idb=$(nx "$nsb" "$XC" -j status xs0 | jq -r '.[0].programs[0].id')
	expect_exit 1 nx "$nsa" "$XC" detach xs0 "$idb" || return
	# Every transaction in A collects A's orphans: add, remove, remove all.
	nx "$nsa" "$XC" attach -b "$backend" xs0 "$OBJ" -p t_pass_d >/dev/null &&
		nx "$nsa" "$XC" detach xs0 t_pass_d >/dev/null &&
		nx "$nsa" "$XC" detach xs0 --all >/dev/null || { not_ok "changes in A"; return; }
	if "$XC" help 2>&1 | grep -E "^ +gc( |$)" >/dev/null; then
		nx "$nsa" "$XC" gc >/dev/null 2>&1 || { not_ok "gc in A failed"; return; }
		# From a third namespace, A and B are both "other" namespaces.
		xc gc >/dev/null 2>&1 || { not_ok "gc in a third namespace failed"; return; }
		echo "# gc ran in A and in a third namespace too"
	fi
	expect "B's pins after A's changes" "$pins_b" "$(pins_of "$nsb" "$ib")" || return
	expect "status in B after A's changes" "t_pass_b,t_pass_c" "$(ids_in "$nsb")" || return
	expect "packet in B after A's changes" "verdict=pass trace=a2,a3" \
		"$(nx "$nsb" "$XT" run xs0)" || return
	expect "status in A" "" "$(ids_in "$nsa")" || return
	nx "$nsb" "$XC" detach xs0 --all >/dev/null || { not_ok "detach in B"; return; }
	expect "B's state removed" "" "$(pins_of "$nsb" "$ib")" && ok
}

# Issue 13: an interface moved to another namespace, as container runtimes
# do. Its chain keeps running there, and nothing done in the old namespace
# (status, gc, an attach elsewhere) detaches it; moved back, it is a chain
# again.
# moved_setup: fresh namespaces nsa and nsb, the veth pair xm0/xm1 up in
# nsa (xm0 is the interface that moves).
moved_setup() {
	ip netns del "$nsa" 2>/dev/null
	ip netns del "$nsb" 2>/dev/null
	mkns "$nsa" && mkns "$nsb" || { not_ok "cannot create the namespaces"; return 1; }
	ip -n "$nsa" link add xm0 type veth peer name xm1 &&
		ip -n "$nsa" link set xm0 up && ip -n "$nsa" link set xm1 up ||
		{ not_ok "veth"; return 1; }
}

# moved_chain same|other: moved_setup, t_pass_a and t_drop on xm0 in nsa,
# then xm0 moved to nsb, where it keeps its index (same) or, that index
# taken there first by xq0, gets another one (other). Sets the caller's io
# and ib: xm0's index in nsa, then in nsb.
moved_chain() {
	moved_setup || return 1
	io=$(nx "$nsa" cat /sys/class/net/xm0/ifindex)
	if [ "$1" = other ]; then
		ip -n "$nsb" link add xq0 index "$io" type veth peer name xq1 ||
			{ not_ok "veth with index $io in the new namespace"; return 1; }
	fi
	nx "$nsa" "$XC" attach -b "$backend" xm0 "$OBJ" -p t_pass_a >/dev/null &&
		nx "$nsa" "$XC" attach -b "$backend" xm0 "$OBJ" -p t_drop -P 60 >/dev/null ||
		{ not_ok "attach"; return 1; }
	ip -n "$nsa" link set xm0 netns "$nsb" || { not_ok "move"; return 1; }
	ip -n "$nsb" link set xm0 up
	ib=$(nx "$nsb" cat /sys/class/net/xm0/ifindex)
	if [ "$1" = other ]; then
		[ "$ib" != "$io" ] || { not_ok "the index did not change"; return 1; }
	else
		[ "$ib" = "$io" ] || { not_ok "the index changed ($io to $ib)"; return 1; }
	fi
}

t_moved_interface() {
	begin "an interface moved to another namespace keeps its chain: read-only commands and gc in the old one never detach it"
	local io
	moved_setup || return
	io=$(nx "$nsa" cat /sys/class/net/xm0/ifindex)
	nx "$nsa" "$XC" attach -b "$backend" xm0 "$OBJ" -p t_pass_a >/dev/null &&
		nx "$nsa" "$XC" attach -b "$backend" xm0 "$OBJ" -p t_drop -P 60 >/dev/null ||
		{ not_ok "attach"; return; }
	ip -n "$nsa" link set xm0 netns "$nsb" || { not_ok "move"; return; }
	ip -n "$nsb" link set xm0 up
	# Every command that read or collected state in the old namespace:
	# none calls the moved chain bad (each said "not a valid xdpchain
	# chain"); with -v they say it moved, and where it runs.
	local errs=/tmp/xdpc-moved-errs-$$
	: >"$errs"
	nx "$nsa" "$XC" status >/dev/null 2>>"$errs"
	nx "$nsa" "$XC" -j status >/dev/null 2>>"$errs"
	nx "$nsa" "$XC" gc >/dev/null 2>>"$errs"
	nx "$nsa" "$XC" attach -b "$backend" xs0 "$OBJ" -p t_pass_b >/dev/null 2>>"$errs" ||
		{ not_ok "attach on another interface of the old namespace"; return; }
	nx "$nsa" "$XC" detach xs0 --all >/dev/null 2>>"$errs" || { not_ok "detach xs0"; return; }
	expect "the old namespace's commands say nothing of it" "" "$(cat "$errs")" || return
	expect "with -v: it moved, and its index there" "1" \
		"$(nx "$nsa" "$XC" -v gc 2>&1 >/dev/null | grep -c "dispatcher runs program [0-9]* elsewhere (its link is attached to an interface (index $io there) that this network namespace does not show as ifindex $io: moved to another namespace)")" || return
	# (Another interface that takes the index there gets a chain of its
	# own: t_moved_index_reused.)
	rm -f "$errs"
	expect "the moved chain still runs" "verdict=drop trace=a1,d0" \
		"$(nx "$nsb" "$XT" run xm0)" || return
	expect "its pins in the old namespace" 1 \
		"$(pins_of "$nsa" "$io" | tr ' ' '\n' | grep -c '^dispatcher$')" || return
	ip -n "$nsb" link set xm0 netns "$nsa" || { not_ok "move back"; return; }
	ip -n "$nsa" link set xm0 up
	expect "moved back: a chain again" "t_pass_a,t_drop" \
		"$(nx "$nsa" "$XC" -j status xm0 2>/dev/null | jq -r '[.[0].programs[]?.name] | join(",")')" ||
		return
	nx "$nsa" "$XC" detach xm0 --all >/dev/null || { not_ok "detach after the move back"; return; }
	expect "then removed" "" "$(pins_of "$nsa" "$io")" && ok
}

t_moved_adopted() {
	begin "an interface moved to another namespace: the new one sees its chain, adopts it at the first change, and so does the old one when it comes back"
	local io ib names
	# xm0's index is taken in the new namespace: it gets another one.
	moved_chain other || return
	names() { nx "$1" "$XC" -j status xm0 2>/dev/null | jq -r '[.[0].programs[]?.name] | join(",")'; }
	expect "the new namespace sees the chain (read-only)" "t_pass_a,t_drop" "$(names "$nsb")" || return
	expect "its state is still the old namespace's" 1 \
		"$(pins_of "$nsa" "$io" | tr ' ' '\n' | grep -c '^dispatcher$')" || return
	expect "nothing in the new namespace yet" "" "$(pins_of "$nsb" "$ib")" || return
	nx "$nsb" "$XC" attach -b "$backend" xm0 "$OBJ" -p t_pass_b -P 30 >/dev/null ||
		{ not_ok "attach in the new namespace"; return; }
	expect "adopted: the chain" "t_pass_b,t_pass_a,t_drop" "$(names "$nsb")" || return
	expect "it runs" "verdict=drop trace=a2,a1,d0" "$(nx "$nsb" "$XT" run xm0)" || return
	expect "the state moved" "0 1" \
		"$(pins_of "$nsa" "$io" | wc -w) $(pins_of "$nsb" "$ib" | tr ' ' '\n' | grep -c '^dispatcher$')" ||
		return
	expect "the old namespace sees nothing of it" "0" \
		"$(nx "$nsa" "$XC" -j status | jq '[.[].programs[]?] | length')" || return
	nx "$nsb" "$XC" detach xm0 t_pass_b >/dev/null || { not_ok "detach in the new namespace"; return; }
	expect "detached" "verdict=drop trace=a1,d0" "$(nx "$nsb" "$XT" run xm0)" || return
	# Back home: the old namespace adopts it again, at its first change.
	ip -n "$nsb" link set xm0 netns "$nsa" || { not_ok "move back"; return; }
	ip -n "$nsa" link set xm0 up
	io=$(nx "$nsa" cat /sys/class/net/xm0/ifindex)
	expect "moved back: seen" "t_pass_a,t_drop" "$(names "$nsa")" || return
	nx "$nsa" "$XC" detach xm0 t_drop >/dev/null || { not_ok "detach after the move back"; return; }
	expect "adopted back" "t_pass_a" "$(names "$nsa")" || return
	expect "runs" "verdict=pass trace=a1" "$(nx "$nsa" "$XT" run xm0)" || return
	expect "no state left in the other namespace" "" "$(pins_of "$nsb" "$ib")" || return
	nx "$nsa" "$XC" detach xm0 --all >/dev/null || { not_ok "detach --all"; return; }
	expect "then removed" "" "$(pins_of "$nsa" "$io")" && ok
}

# Issue 26: an adopted chain is attached through netlink, and the kernel
# names no interface for such a program. Moved to another namespace, its
# state must not be taken for a deleted interface's: collecting it would
# unpin the freplace slot's link, and t_drop would no longer judge there.
# The old namespace asks the namespaces it sees where its dispatcher runs;
# the new one finds the state by its dispatcher pin. Then a new interface
# takes the index in the old namespace (the state is parked), the new
# namespace adopts the state at its first change, and once the interface
# is deleted there, its state is collected.
t_moved_adopted_netlink() {
	begin "an adopted (netlink-attached) chain moved to another namespace: kept by the old one, judged, found and adopted by the new one, collected once deleted"
	local io ib nsdir errs=/tmp/xdpc-moved-errs-$$ names
	moved_setup || return
	io=$(nx "$nsa" cat /sys/class/net/xm0/ifindex)
	nx "$nsa" ip link set dev xm0 xdpdrv obj "$OBJ" program t_pass_a ||
		{ not_ok "ip link could not attach t_pass_a"; return; }
	nx "$nsa" "$XC" adopt xm0 >/dev/null || { not_ok "adopt"; return; }
	nx "$nsa" "$XC" attach -b "$backend" xm0 "$OBJ" -p t_drop -P 60 >/dev/null ||
		{ not_ok "attach t_drop"; return; }
	expect "the adopted chain runs" "verdict=drop trace=a1,d0" "$(nx "$nsa" "$XT" run xm0)" ||
		return
	ip -n "$nsa" link set xm0 netns "$nsb" || { not_ok "move"; return; }
	ip -n "$nsb" link set xm0 up
	ib=$(nx "$nsb" cat /sys/class/net/xm0/ifindex)
	# What collected it before: a sweep after a change, status, gc.
	: >"$errs"
	nx "$nsa" "$XC" attach -b "$backend" xs0 "$OBJ" -p t_pass_b >/dev/null 2>>"$errs" ||
		{ not_ok "attach on another interface of the old namespace"; return; }
	nx "$nsa" "$XC" status >/dev/null 2>>"$errs"
	nx "$nsa" "$XC" gc >/dev/null 2>>"$errs"
	nx "$nsa" "$XC" detach xs0 --all >/dev/null 2>>"$errs" || { not_ok "detach xs0"; return; }
	expect "the old namespace's commands say nothing of it" "" "$(cat "$errs")" || return
	rm -f "$errs"
	expect "with -v: where its dispatcher runs" "1" \
		"$(nx "$nsa" "$XC" -v gc 2>&1 >/dev/null | grep -c "adopted chain: its dispatcher [0-9]* runs on ifindex $ib of network namespace $(ino_of "$nsb"), where it moved")" ||
		return
	expect "its state kept in the old namespace" 1 \
		"$(pins_of "$nsa" "$io" | tr ' ' '\n' | grep -c '^disp-')" || return
	expect "both programs still judge where it went" "verdict=drop trace=a1,d0" \
		"$(nx "$nsb" "$XT" run xm0)" || return
	names() { nx "$1" "$XC" -j status xm0 2>/dev/null | jq -r '[.[0].programs[]?.name] | join(",")'; }
	expect "the new namespace sees the chain" "t_pass_a,t_drop" "$(names "$nsb")" || return
	# A new interface takes the index in the old namespace (if free):
	# its chain is its own, the moved one's state is parked.
	nsdir=$private_root/ns-$(ino_of "$nsa")
	if ! nx "$nsa" test -e /sys/class/net/xm0 && ip -n "$nsa" link add xn0 index "$io" type veth peer name xn1; then
		ip -n "$nsa" link set xn0 up
		nx "$nsa" "$XC" attach -b "$backend" xn0 "$OBJ" -p t_pass_b >/dev/null ||
			{ not_ok "attach on the new interface with index $io"; return; }
		expect "the moved chain's state parked" "1" \
			"$(ls -d "$nsdir"/moved-* 2>/dev/null | wc -l)" || return
		expect "the moved chain runs on" "verdict=drop trace=a1,d0" "$(nx "$nsb" "$XT" run xm0)" ||
			return
		nx "$nsa" "$XC" detach xn0 --all >/dev/null || { not_ok "detach xn0"; return; }
		ip -n "$nsa" link del xn0
	fi
	nx "$nsb" "$XC" attach -b "$backend" xm0 "$OBJ" -p t_pass_b -P 30 >/dev/null ||
		{ not_ok "attach in the new namespace"; return; }
	expect "adopted there: the chain" "t_pass_a,t_pass_b,t_drop" "$(names "$nsb")" || return
	expect "it runs" "verdict=drop trace=a1,a2,d0" "$(nx "$nsb" "$XT" run xm0)" || return
	expect "netlink-attached still" "netlink" \
		"$(nx "$nsb" "$XC" -j status xm0 | jq -r '.[0].attachment')" || return
	expect "the state moved" "0 1" \
		"$(ls "$nsdir" 2>/dev/null | wc -w) $(pins_of "$nsb" "$ib" | tr ' ' '\n' | grep -c '^disp-')" ||
		return
	# Deleted there: the dispatcher runs nowhere, so gc collects it.
	ip -n "$nsb" link del xm0 || { not_ok "delete the moved interface"; return; }
	nx "$nsb" "$XC" gc >/dev/null || { not_ok "gc"; return; }
	expect "no state left" "" "$(pins_of "$nsb" "$ib")$(pins_of "$nsa" "$io")" && ok
}

# Issue 24 (8): the old namespace gives the moved interface's index to a new
# interface (by chance, or asked for as here). The state the moved chain
# left under that index must not make the new interface's chain "foreign";
# the moved chain runs on, and is managed from where it went. Once with the
# index kept in the new namespace, once with another one there; the first
# round ends with an adoption there, the second with the moved interface
# deleted and gc.
t_moved_index_reused() {
	begin "an interface moved to another namespace leaves its index to a new interface: the new one gets a chain of its own; the moved chain runs on and is managed where it went"
	local io ib keep nsdir left
	for keep in same other; do
		moved_chain "$keep" || return
		ip -n "$nsa" link add xn0 index "$io" type veth peer name xn1 &&
			ip -n "$nsa" link set xn0 up && ip -n "$nsa" link set xn1 up ||
			{ not_ok "a new veth with index $io in the old namespace"; return; }
		expect_exit 0 nx "$nsa" "$XC" status xn0 || return
		expect "status of the new interface, no warning ($keep)" "" "$err" || return
		expect "no chain there ($keep)" "0" \
			"$(nx "$nsa" "$XC" -j status xn0 | jq '[.[0].programs[]?] | length')" || return
		expect_exit 0 nx "$nsa" "$XC" attach -b "$backend" xn0 "$OBJ" -p t_pass_b || return
		expect "the new interface's chain ($keep)" "t_pass_b" \
			"$(nx "$nsa" "$XC" -j status xn0 | jq -r '[.[0].programs[]?.name] | join(",")')" ||
			return
		expect "it runs ($keep)" "verdict=pass trace=a2" "$(nx "$nsa" "$XT" run xn0)" || return
		expect "the moved chain runs on ($keep)" "verdict=drop trace=a1,d0" \
			"$(nx "$nsb" "$XT" run xm0)" || return
		expect "and is seen where it went ($keep)" "t_pass_a,t_drop" \
			"$(nx "$nsb" "$XC" -j status xm0 | jq -r '[.[0].programs[]?.name] | join(",")')" ||
			return
		nsdir=$private_root/ns-$(ino_of "$nsa")
		expect "its state parked in the old namespace ($keep)" "1" \
			"$(ls -d "$nsdir"/moved-* 2>/dev/null | wc -l)" || return
		if [ "$keep" = same ]; then
			nx "$nsb" "$XC" attach -b "$backend" xm0 "$OBJ" -p t_pass_c -P 30 >/dev/null ||
				{ not_ok "attach where it went"; return; }
			expect "adopted and changed there" "verdict=drop trace=a3,a1,d0" \
				"$(nx "$nsb" "$XT" run xm0)" || return
			expect "nothing parked any more" "0" \
				"$(ls -d "$nsdir"/moved-* 2>/dev/null | wc -l)" || return
			nx "$nsb" "$XC" detach xm0 --all >/dev/null || { not_ok "detach --all there"; return; }
		else
			# Deleted where it went: its link is detached, and the
			# old namespace's gc collects the parked state.
			ip -n "$nsb" link del xm0 || { not_ok "delete the moved interface"; return; }
			nx "$nsa" "$XC" gc >/dev/null || { not_ok "gc"; return; }
			expect "the parked state collected" "0" \
				"$(ls -d "$nsdir"/moved-* 2>/dev/null | wc -l)" || return
		fi
		expect "the new interface's chain is untouched ($keep)" "verdict=pass trace=a2" \
			"$(nx "$nsa" "$XT" run xn0)" || return
		nx "$nsa" "$XC" detach xn0 --all >/dev/null || { not_ok "detach xn0 ($keep)"; return; }
		left=$(ls "$private_root/ns-$(ino_of "$nsa")" "$private_root/ns-$(ino_of "$nsb")" 2>/dev/null)
		expect "no state left ($keep)" "" "$left" || return
	done
	ok
}

# The index a moved interface left is taken by an interface that brings a
# chain of its own from a third namespace: its chain is seen at once and
# adopted at the first change; the one that moved away runs on.
t_moved_index_brought() {
	begin "an interface moved away leaves its index to one that brings its own chain from a third namespace: each chain is seen and managed where its interface is"
	local io ib left
	moved_chain same || return
	ip netns del "$nsc" 2>/dev/null
	mkns "$nsc" && ip -n "$nsc" link add xy0 index "$io" type veth peer name xy1 &&
		ip -n "$nsc" link set xy0 up || { not_ok "veth with index $io in a third namespace"; return; }
	nx "$nsc" "$XC" attach -b "$backend" xy0 "$OBJ" -p t_drop >/dev/null ||
		{ not_ok "attach in the third namespace"; return; }
	ip -n "$nsc" link set xy0 netns "$nsa" && ip -n "$nsa" link set xy0 up ||
		{ not_ok "move it to the old namespace"; return; }
	expect "its index there" "$io" "$(nx "$nsa" cat /sys/class/net/xy0/ifindex)" || return
	expect_exit 0 nx "$nsa" "$XC" status xy0 || return
	expect "its chain seen, no warning" "t_drop " \
		"$(nx "$nsa" "$XC" -j status xy0 | jq -r '[.[0].programs[]?.name] | join(",")') $err" || return
	nx "$nsa" "$XC" attach -b "$backend" xy0 "$OBJ" -p t_pass_b -P 10 >/dev/null ||
		{ not_ok "attach to it"; return; }
	expect "adopted and changed" "verdict=drop trace=a2,d0" "$(nx "$nsa" "$XT" run xy0)" || return
	expect "the one that moved away runs on" "verdict=drop trace=a1,d0" \
		"$(nx "$nsb" "$XT" run xm0)" || return
	expect "and is seen where it went" "t_pass_a,t_drop" \
		"$(nx "$nsb" "$XC" -j status xm0 | jq -r '[.[0].programs[]?.name] | join(",")')" || return
	nx "$nsa" "$XC" detach xy0 --all >/dev/null && nx "$nsb" "$XC" detach xm0 --all >/dev/null ||
		{ not_ok "detach both"; return; }
	left=$(for n in "$nsa" "$nsb" "$nsc"; do ls "$private_root/ns-$(ino_of "$n")" 2>/dev/null; done)
	expect "no state left" "" "$left" && ok
}

# def RUNNER...: run with the default root; nse: the same through nsenter.
def() { env -u XDPCHAIN_BPFFS_ROOT "$@"; }
nse() { def nsenter --net="/run/netns/$ns" "$@"; }
# dbegin NAME: begin, and remove what an earlier failed test may have left
# under the default root (this namespace's state only).
dbegin() {
	begin "$1"
	nse "$XC" detach xt0 --all >/dev/null 2>&1
	def ip netns exec "$ns" "$XC" detach xt0 --all >/dev/null 2>&1
	true
}

t_nsenter_default_root() {
	dbegin "nsenter --net with the default root: state on the system's /sys/fs/bpf"
	local dir="$sysroot/ns-$(ino_of "$ns")/if-$(nx "$ns" cat /sys/class/net/xt0/ifindex)"
	[ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" = bpf_fs ] ||
		{ skip "no bpffs mounted at /sys/fs/bpf here"; return; }
	nse "$XC" attach -b "$backend" xt0 "$OBJ" -p t_pass_a >/dev/null ||
		{ not_ok "attach through nsenter"; return; }
	[ -e "$dir/dispatcher" ] || { not_ok "no $dir/dispatcher"; return; }
	expect "status through nsenter" "t_pass_a" \
		"$(nse "$XC" -j status xt0 | jq -r '[.[0].programs[].name] | join(",")')" || return
	expect "packet" "verdict=pass trace=a1" "$(run)" || return
	# This suite's own root does not see it.
	expect "status under another root" "" \
		"$(xc -j status xt0 2>/dev/null | jq -r '.[0].programs[]?.name')" || return
	nse "$XC" detach xt0 --all >/dev/null || { not_ok "detach through nsenter"; return; }
	[ ! -e "$dir" ] || { not_ok "$dir left behind"; return; }
	expect "XDP after detach" "" "$(ip -n "$ns" link show xt0 | grep -o 'prog/xdp')" && ok
}

# attach_private_mnt RUNNER...: attach with the default root from a mount
# namespace without bpffs at /sys/fs/bpf; checks the outcome, which
# depends on whether PID 1's /sys/fs/bpf is reachable (then the chain must
# land there and outlive the command) or not (then a clear failure that
# changes nothing).
attach_private_mnt() {
	local what=$1 out rc host
	shift
	host=$(def ip netns exec "$ns" stat -f -c %T /proc/1/root/sys/fs/bpf 2>/dev/null)
	out=$("$@" "$XC" attach -b "$backend" xt0 "$OBJ" -p t_pass_a 2>&1 >/dev/null)
	rc=$?
	if [ "$host" = bpf_fs ]; then
		echo "# $what: PID 1's /sys/fs/bpf is reachable: the chain goes there"
		expect "exit status of attach ($out)" 0 "$rc" || return 1
		local dir="/proc/1/root$sysroot/ns-$(ino_of "$ns")/if-$(nx "$ns" cat /sys/class/net/xt0/ifindex)"
		[ -e "$dir/dispatcher" ] || { not_ok "no $dir/dispatcher"; return 1; }
		# The command has exited: the chain still runs, and another
		# process finds it the same way.
		expect "packet after the command exited" "verdict=pass trace=a1" "$(run)" ||
			return 1
		expect "status ($what)" "t_pass_a" "$("$@" "$XC" -j status xt0 |
			jq -r '[.[0].programs[].name] | join(",")')" || return 1
		"$@" "$XC" detach xt0 --all >/dev/null || { not_ok "detach ($what)"; return 1; }
		[ ! -e "$dir" ] || { not_ok "$dir left behind"; return 1; }
	else
		echo "# $what: PID 1's /sys/fs/bpf is not reachable: a clear failure"
		expect "exit status of attach" 1 "$rc" || return 1
		case $out in
		*"no BPF filesystem at /sys/fs/bpf in this mount namespace"*nsenter*XDPCHAIN_BPFFS_ROOT*) ;;
		*) not_ok "unclear message: $out"; return 1 ;;
		esac
		expect "XDP on xt0 after the refused attach" "" \
			"$(ip -n "$ns" link show xt0 | grep -o 'prog/xdp')" || return 1
	fi
}

t_ip_netns_exec_default_root() {
	dbegin "ip netns exec with the default root (private /sys): system bpffs or a clear failure"
	[ "$(def ip netns exec "$ns" stat -f -c %T /sys/fs/bpf)" != bpf_fs ] ||
		{ skip "ip netns exec shows a bpffs at /sys/fs/bpf here"; return; }
	attach_private_mnt "ip netns exec" def ip netns exec "$ns" && ok
}

t_ip_netns_exec_init_bpffs() {
	dbegin "ip netns exec reaches PID 1's bpffs: the chain outlives the command"
	if [ "$(stat -f -c %T /proc/1/root/sys/fs/bpf 2>/dev/null)" != bpf_fs ]; then
		# In the test VM, PID 1 runs in the initramfs and the tests in a
		# chroot: give PID 1 the same bpffs, as on an ordinary host.
		[ "$vm" = 1 ] || { skip "PID 1's /sys/fs/bpf is not reachable here"; return; }
		# -c: mount(8) must not resolve the magic link to our own /sys.
		mount -c --bind /sys/fs/bpf /proc/1/root/sys/fs/bpf || { not_ok "bind"; return; }
		bound_init=1
		expect "PID 1's /sys/fs/bpf after the bind" bpf_fs \
			"$(stat -f -c %T /proc/1/root/sys/fs/bpf)" || return
	fi
	attach_private_mnt "ip netns exec" def ip netns exec "$ns"
	local rc=$?
	[ "$bound_init" = 1 ] && umount -c /proc/1/root/sys/fs/bpf && bound_init=0
	[ "$rc" -eq 0 ] && ok
}

t_no_bpffs_private_mnt() {
	dbegin "no bpffs in a private mount namespace (nsenter --net): system bpffs or a clear failure"
	attach_private_mnt "unshare -m, no bpffs" def unshare -m --propagation private \
		sh -c 'umount -l /sys/fs/bpf 2>/dev/null; exec nsenter --net="$0" "$@"' \
		"/run/netns/$ns" && ok
}

t_no_bpffs_mounted() {
	dbegin "no bpffs mounted at all: mounted in the system's mount namespace, the chain runs"
	[ "$vm" = 1 ] || { skip "would unmount the host's /sys/fs/bpf, which others use"; return; }
	local out
	umount /sys/fs/bpf || { not_ok "cannot unmount /sys/fs/bpf in the VM"; return; }
	out=$(nse "$XC" -v attach -b "$backend" xt0 "$OBJ" -p t_pass_a 2>&1 >/dev/null) ||
		{ not_ok "attach: $out"; return; }
	case $out in *"mounted a BPF filesystem at /sys/fs/bpf"*) ;;
	*) not_ok "no message about the mount: $out"; return ;; esac
	expect "bpffs at /sys/fs/bpf" bpf_fs "$(stat -f -c %T /sys/fs/bpf)" || return
	expect "packet" "verdict=pass trace=a1" "$(run)" || return
	nse "$XC" detach xt0 --all >/dev/null || { not_ok "detach"; return; }
	ok
}

# Issue 24: gc from another namespace collects an interface's state only
# when its dispatcher link is known to be gone. Here the namespace lives on,
# held by a bind mount outside /run/netns (gc cannot see it), and reading
# its link fails (an LSM's EPERM, injected: lib/model/fault.c XDPCHAIN_FAIL).
# Before, gc took the error for "no link", unpinned the chain and so
# detached it.
t_gc_other_ns_error() {
	begin "gc of a hidden namespace whose link cannot be read keeps its chain and says why"
	local keep=/tmp/xdpc-keep-$$ ino io out
	if ! XDPCHAIN_FAIL=link-info:EPERM "$XC" version >/dev/null 2>&1; then
		skip "no fault injection in this build (meson -Dfault_injection=true)"
		return
	fi
	ip netns del "$nsa" 2>/dev/null
	mkns "$nsa" || { not_ok "cannot create the namespace"; return; }
	nx "$nsa" "$XC" attach -b "$backend" xs0 "$OBJ" -p t_pass_a >/dev/null &&
		nx "$nsa" "$XC" attach -b "$backend" xs0 "$OBJ" -p t_drop -P 60 >/dev/null ||
		{ not_ok "attach"; return; }
	ino=$(ino_of "$nsa")
	io=$(nx "$nsa" cat /sys/class/net/xs0/ifindex)
	touch "$keep" && mount --bind "/run/netns/$nsa" "$keep" || { not_ok "bind mount"; return; }
	ip netns del "$nsa"
	local pins
	pins=$(ls "$private_root/ns-$ino/if-$io" | sort | tr '\n' ' ')
	out=$(XDPCHAIN_FAIL=link-info:EPERM xc gc 2>&1)
	expect "the hidden chain's pins after gc" "$pins" \
		"$(ls "$private_root/ns-$ino/if-$io" 2>/dev/null | sort | tr '\n' ' ')" &&
		expect "the hidden chain still runs" "verdict=drop trace=a1,d0" \
			"$(nsenter --net="$keep" "$XT" run xs0)" &&
		{ grep -q "cannot read its dispatcher link (Operation not permitted)" <<<"$out" ||
			{ not_ok "gc did not say why it kept the state: $out"; false; }; } &&
		xc gc >/dev/null 2>&1 &&
		expect "and after a gc without the error" "verdict=drop trace=a1,d0" \
			"$(nsenter --net="$keep" "$XT" run xs0)"
	local rc=$?
	nsenter --net="$keep" "$XC" detach xs0 --all >/dev/null 2>&1
	umount "$keep"
	rm -f "$keep"
	[ $rc -eq 0 ] && ok
}

run_tests t_same_ifindex t_moved_interface t_moved_adopted t_moved_adopted_netlink t_gc_other_ns_error t_moved_index_reused \
	t_moved_index_brought t_nsenter_default_root t_ip_netns_exec_default_root \
	t_ip_netns_exec_init_bpffs t_no_bpffs_private_mnt t_no_bpffs_mounted
dbegin "cleanup"
finish
