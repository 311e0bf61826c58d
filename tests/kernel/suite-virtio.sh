#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# A real driver: native XDP on virtio_net, with packets crossing QEMU's
# hubs. Runs only in a guest of tests/vm/run-vm.sh --nics 4 (it exports
# XDPCHAIN_VM_NICS); anywhere else every test is skipped, so that nothing
# is ever attached to an interface the tests did not create.
#   tests/kernel/suite-virtio.sh tailcall|freplace
#
# Topology: two cables (a hub each). eth0 -- eth1 and eth2 -- eth3.
#   $ns (the chains under test): eth1, eth2
#   $pns (the far ends):         eth0 (sends; receives what eth1 sends
#                                back), eth3 (receives what eth2 sends)
# A frame sent out of eth0 arrives at eth1 only, so a chain on eth1 sees
# exactly the test's packets (IPv6 is off in both namespaces), its XDP_TX
# comes back to eth0, and its redirect through eth2 arrives at eth3 alone:
# with one hub of three NICs a redirected frame would come back to the
# chain's NIC and loop.
# Counts come from the driver: virtio_net's per-queue XDP counters
# (ethtool -S: xdp_packets, xdp_drops, xdp_tx, xdp_redirects), the far
# end's rx_packets, and the programs' own counters.
set -uo pipefail

backend=${1:?usage: suite-virtio.sh tailcall|freplace}
source "$(dirname "$0")/lib.sh"

NIC=$TEST_BPF_DIR/test_nic.o
XSKTEST=${XSKTEST:-$(dirname "$XT")/xsktest}
pns=$ns-p
tmp=$(mktemp -d)
# How many packets each check sends: few, the guest is emulated.
N=20

have_nics() {
	[ "${XDPCHAIN_VM_NICS:-0}" -ge 4 ] || return 1
	local i
	for i in 0 1 2 3; do
		[ "$(cat "/sys/class/net/eth$i/address" 2>/dev/null)" = "52:54:00:00:00:1$i" ] || return 1
		[ "$(basename "$(readlink "/sys/class/net/eth$i/device/driver")")" = virtio_net ] || return 1
	done
}

vcleanup() {
	local i
	for i in eth1 eth2; do
		in_ns "$XC" detach "$i" --all >/dev/null 2>&1
	done
	# The NICs go back to the initial namespace with their namespaces.
	ip netns del "$pns" 2>/dev/null
	rm -rf "$tmp"
	cleanup
}
trap vcleanup EXIT

if ! have_nics; then
	for t in "native chains of 1, 2 and 10 programs" "XDP_TX" "redirect between NICs" \
		"AF_XDP" "multi-buffer" "driver calls" "no packet lost"; do
		current="virtio_net: $t"
		skip "needs the virtio-net NICs of tests/vm/run-vm.sh --nics 4"
	done
	finish
	exit
fi

ip netns add "$pns" || exit 1
ip netns exec "$pns" sh -c 'echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6'
for i in 0 3; do ip link set "eth$i" netns "$pns" || exit 1; done
for i in 1 2; do ip link set "eth$i" netns "$ns" || exit 1; done
for i in 0 3; do ip -n "$pns" link set "eth$i" up || exit 1; done
for i in 1 2; do ip -n "$ns" link set "eth$i" up || exit 1; done

in_p() { ip netns exec "$pns" "$@"; }
# vatt IF OBJ PROG [options]: attach in native mode with this run's backend.
vatt() {
	local i=$1 o=$2 p=$3
	shift 3
	xc attach -b "$backend" -m native "$i" "$o" -p "$p" "$@" >/dev/null
}
vstatus() { xc -j status "$1"; }
vid() { vstatus "$1" | jq -r --arg n "$2" '[.[0].programs[] | select(.name == $n)] | map(.id) | join(" ")'; }
vreset() {
	local i
	for i in eth1 eth2; do xc detach "$i" --all >/dev/null 2>&1; done
	in_ns ip link set eth1 xdpdrv off 2>/dev/null
	# Map pins of --pin-maps (they outlive a detach).
	rm -rf "$bpffs"/pins-*
	in_ns ip link set eth1 mtu 1500
	in_p ip link set eth0 mtu 1500
}
vbegin() { begin "virtio_net: $1"; vreset; }
# xdpstat IF NAME: virtio_net's count of XDP NAME (packets, drops, tx,
# redirects) on receive: rx_xdp_NAME (6.12 on), else the sum of the
# queues' rx_queue_Q_xdp_NAME.
xdpstat() {
	in_ns ethtool -S "$1" | awk -v k="$2" '
		$1 == "rx_xdp_" k ":" { t = $2; have = 1 }
		$1 ~ "^rx_queue_[0-9]+_xdp_" k ":$" { s += $2 }
		END { print have ? t : s + 0 }'
}
rxp() { "$1" cat "/sys/class/net/$2/statistics/rx_packets"; }
# IPv4 packets the chain's namespace took in (Ip InReceives): what XDP
# passed up the stack.
ipin() { in_ns awk '$1 == "Ip:" && $4 ~ /^[0-9]+$/ { print $4 }' /proc/net/snmp; }
send() { in_p "$XT" send eth0 --count "$1" "${@:2}"; }
# settle WHAT WANT CMD...: CMD's output becomes WANT within 5 s.
settle() {
	local what=$1 want=$2 got i
	shift 2
	for i in $(seq 50); do
		got=$("$@")
		[ "$got" = "$want" ] && return 0
		sleep 0.1
	done
	not_ok "$what: expected '$want', got '$got'"
	return 1
}
hits_of() { in_ns "$XT" hits "$@"; }
# Every program's counter, as "N N N ...".
all_hits() { hits_of $(vstatus eth1 | jq -r '[.[0].programs[].id] | join(" ")'); }
# repeat_n N WORD: WORD N times, space-separated.
repeat_n() { local i out=(); for i in $(seq "$1"); do out+=("$2"); done; echo "${out[*]}"; }

# Driver calls: a kprobe on dev_xdp_install (net/core/dev.c, which calls
# the driver's ndo_bpf for every program change on the interface), or on
# virtio_net's virtnet_xdp_set where the former is inlined; the count is
# the kprobe's hits in kprobe_profile.
kp=/sys/kernel/tracing
kprobe_on() {
	[ -w "$kp/kprobe_events" ] || return 1
	echo "p:xcdrv_$$ dev_xdp_install" >>"$kp/kprobe_events" 2>/dev/null ||
		echo "p:xcdrv_$$ virtio_net:virtnet_xdp_set" >>"$kp/kprobe_events" 2>/dev/null || return 1
	echo 1 >"$kp/events/kprobes/xcdrv_$$/enable"
}
kprobe_off() {
	echo 0 >"$kp/events/kprobes/xcdrv_$$/enable" 2>/dev/null
	echo "-:xcdrv_$$" >>"$kp/kprobe_events" 2>/dev/null
}
drv_calls() { awk -v n="xcdrv_$$" '$1 == n { print $2 }' "$kp/kprobe_profile"; }
kprobe_what() { sed -n "s/^p:kprobes\/xcdrv_$$ //p" "$kp/kprobe_events" | awk '{ print $1 }'; }

# A chain of N pass programs (t_pass_a N-1 times, t_pass_b), then t_drop
# appended to it.
t_chains() {
	vbegin "native chains of 1, 2 and 10 programs pass and drop real packets"
	local n i d0 x0 r0 mode
	for n in 1 2 10; do
		vreset
		for i in $(seq 1 $((n - 1))); do
			vatt eth1 "$OBJ" t_pass_a -P "$i" || { not_ok "attach #$i of $n"; return; }
		done
		vatt eth1 "$OBJ" t_pass_b -P 90 || { not_ok "attach the last of $n"; return; }
		mode=$(vstatus eth1 | jq -r '"\(.[0].mode) \(.[0].programs | length)"')
		expect "mode and length of the chain of $n" "native $n" "$mode" || return
		x0=$(xdpstat eth1 packets) d0=$(xdpstat eth1 drops) r0=$(ipin)
		send "$N" || { not_ok "send"; return; }
		settle "chain of $n, pass: every program counted $N" "$(repeat_n "$n" "$N")" all_hits || return
		expect "chain of $n, pass: the driver ran XDP on $N, dropped none, passed them up" \
			"$N 0 $N" "$(($(xdpstat eth1 packets) - x0)) $(($(xdpstat eth1 drops) - d0)) $(($(ipin) - r0))" || return
		vatt eth1 "$OBJ" t_drop -P 95 || { not_ok "attach t_drop to the chain of $n"; return; }
		d0=$(xdpstat eth1 drops) r0=$(ipin)
		send "$N" || { not_ok "send"; return; }
		settle "chain of $n + drop: every program counted $N more" \
			"$(repeat_n "$n" $((2 * N))) $N" all_hits || return
		expect "chain of $n + drop: the driver dropped $N, none went up" "$N 0" \
			"$(($(xdpstat eth1 drops) - d0)) $(($(ipin) - r0))" || return
		echo "# $backend, chain of $n (+ drop): $N passed, $N dropped"
	done
	ok
}

# sent_out STAT FAR: $N packets from eth0 leave eth1's chain of two
# programs with the driver's XDP STAT (tx, redirects) and arrive at FAR
# (in $pns); both programs counted them.
sent_out() {
	# far: eval runs inside settle, whose $2 is another.
	local far=$2 s0 r0
	s0=$(xdpstat eth1 "$1") r0=$(rxp in_p "$far")
	send "$N" || { not_ok "send"; return 1; }
	settle "$far got the $N packets" "$N" eval 'echo $(($(rxp in_p "$far") - r0))' || return 1
	expect "the driver's XDP $1 count" "$N" "$(($(xdpstat eth1 "$1") - s0))" || return 1
	expect "both programs counted" "$N $N" "$(all_hits)"
}

t_tx() {
	vbegin "XDP_TX: a reflector at the end of the chain answers on the same NIC"
	vatt eth1 "$OBJ" t_pass_a -P 10 && vatt eth1 "$OBJ" t_tx -P 20 || { not_ok "attach"; return; }
	sent_out tx eth0 && ok
}

t_redirect() {
	vbegin "redirect: a chain on eth1 sends through eth2 (DEVMAP), counted at eth3 behind the other hub"
	# The map pins live in this suite's bpffs.
	local dir=$bpffs/pins-redir idx
	mkdir -p "$dir"
	vatt eth1 "$OBJ" t_pass_a -P 10 && vatt eth1 "$NIC" t_redirect_dev -P 20 --pin-maps "$dir" ||
		{ not_ok "attach"; return; }
	# virtio_net transmits redirected frames only from a NIC whose XDP
	# resources are set up: a chain on eth2 too (one pass program).
	vatt eth2 "$OBJ" t_pass_c || { not_ok "attach to eth2"; return; }
	idx=$(in_ns cat /sys/class/net/eth2/ifindex)
	# In the namespace: the kernel looks the ifindex up in the caller's.
	in_ns bpftool map update pinned "$dir/tx_port" key 0 0 0 0 value \
		$((idx & 255)) $((idx >> 8 & 255)) 0 0 || { not_ok "fill the DEVMAP"; return; }
	sent_out redirects eth3 && ok
}

t_xsk() {
	vbegin "AF_XDP: the chain's last program redirects to an XSKMAP, the socket on eth1's queue gets every packet"
	local dir=$bpffs/pins-xsk pid out bound mode=any
	# Zero-copy required from 6.13: virtio_net advertises
	# NETDEV_XDP_ACT_XSK_ZEROCOPY in xdp_features since then (6.11 and
	# 6.12 have the RX half only, without the flag, and xp_assign_dev
	# refuses XDP_ZEROCOPY on a device without it: EOPNOTSUPP). It also
	# needs VIRTIO_F_ACCESS_PLATFORM (a DMA device for the UMEM, else
	# EINVAL), which run-vm.sh's NICs offer (iommu_platform=on). Before
	# 6.13: whatever the driver gives, copy mode, and why.
	! kernel_at_least 6 13 || mode=zerocopy
	mkdir -p "$dir"
	vatt eth1 "$OBJ" t_pass_a -P 10 && vatt eth1 "$NIC" t_xsk -P 20 --pin-maps "$dir" ||
		{ not_ok "attach"; return; }
	in_ns "$XSKTEST" eth1 "$dir/xsks" --count "$N" --timeout 20000 --bind "$mode" >"$tmp/xsk" 2>&1 &
	pid=$!
	xsk_ready "$tmp/xsk" "$pid" || return
	send "$N" || { kill "$pid"; not_ok "send"; return; }
	wait "$pid" || { not_ok "xsktest failed: $(cat "$tmp/xsk")"; return; }
	bound=$(sed -n 's/^bound //p' "$tmp/xsk")
	echo "# $(uname -r): the AF_XDP socket bound $bound (--bind $mode)"
	out=$(grep '^received' "$tmp/xsk")
	expect "the socket's packets" "received $N ports 5000:$N" "$out" || return
	expect "the program before it saw them all" "$N $N" "$(all_hits)" && ok
}

t_frags() {
	vbegin "multi-buffer: MTU 9000, a non-frags chain is refused saying why, an xdp.frags chain passes and drops 9000-byte frames, dump reports their whole length"
	local d0 r0 pid out=$tmp/dump
	kernel_at_least 6 3 || { skip "virtio_net has multi-buffer XDP since 6.3"; return; }
	in_ns ip link set eth1 mtu 9000 && in_p ip link set eth0 mtu 9000 || { not_ok "MTU 9000"; return; }
	expect_exit 1 xc attach -b "$backend" -m native eth1 "$OBJ" -p t_pass_a || return
	grep -q "MTU 9000 may be too large.*t_pass_a is not an xdp.frags" <<<"$err" ||
		{ not_ok "the refusal does not say why: $err"; return; }
	vatt eth1 "$NIC" t_frags_count -P 10 && vatt eth1 "$NIC" t_frags_drop -P 20 ||
		{ not_ok "attach the frags chain"; return; }
	expect "frags-aware" true "$(vstatus eth1 | jq -r '.[0].frags')" || return
	d0=$(xdpstat eth1 drops)
	send 5 --size 9000 || { not_ok "send 9000-byte frames"; return; }
	settle "both programs saw the 5 frames" "5 5" all_hits || return
	expect "the driver dropped them" 5 "$(($(xdpstat eth1 drops) - d0))" || return
	xc detach eth1 t_frags_drop >/dev/null || { not_ok "detach the drop"; return; }
	ip netns exec "$ns" "$XC" -j dump eth1 -c 1 >"$out" 2>"$out.err" &
	pid=$!
	for i in $(seq 100); do
		vstatus eth1 | jq -e '.[0].programs[] | select(.name == "xdpchain_dump_frags")' >/dev/null 2>&1 && break
		sleep 0.1
	done
	r0=$(ipin)
	send 1 --size 9000 || { kill "$pid"; not_ok "send"; return; }
	wait "$pid" || { not_ok "dump failed: $(cat "$out.err")"; return; }
	settle "the frame passed up the stack" 1 eval 'echo $(($(ipin) - r0))' || return
	expect "dump: the whole frame's length" "9000 pass" "$(jq -rs 'map(select(.type == "packet"))[0] | "\(.len) \(.verdict)"' "$out")" && ok
}

# One change, the driver calls it made: "KIND CALLS".
count_calls() {
	local kind=$1 c0
	shift
	c0=$(drv_calls)
	"$@" >/dev/null || { echo "$kind failed"; return 1; }
	echo "$kind $(($(drv_calls) - c0))"
}
t_driver_calls() {
	vbegin "driver calls: an append, a detach in place and a placement change (a relocation) 0, a rebuild 1"
	local want
	kprobe_on || { skip "no kprobe on dev_xdp_install or virtnet_xdp_set (tracefs)"; return; }
	# The second program sorts first: a rebuild with spare positions;
	# the third is appended.
	vatt eth1 "$OBJ" t_pass_b -P 20 && vatt eth1 "$OBJ" t_pass_a -P 10 &&
		vatt eth1 "$OBJ" t_pass_c -P 30 || { kprobe_off; not_ok "attach"; return; }
	{
		# One of three leaving: no removal in place (more than a
		# quarter vacant), a rebuild. Then two appended, four
		# positions: one leaves in place; one placed in the middle is
		# relocated (docs/protocol.md, section 6c).
		count_calls rebuild xc detach eth1 t_pass_c
		vatt eth1 "$OBJ" t_pass_c -P 30 || echo "attaching c again failed"
		count_calls append vatt eth1 "$OBJ" t_pass_d -P 40
		count_calls detach-in-place xc detach eth1 t_pass_d
		count_calls placement vatt eth1 "$OBJ" t_pass_e --after t_pass_a
	} >"$tmp/calls"
	echo "# $backend, $(uname -r), kprobe on $(kprobe_what): $(tr '\n' ',' <"$tmp/calls" | sed 's/,$//')"
	kprobe_off
	want="rebuild 1 append 0 detach-in-place 0"
	# The tail-call backend appends into its program array, freplace
	# into a spare position: both in place.
	expect "driver calls" "$want" "$(head -n 3 "$tmp/calls" | tr '\n' ' ' | sed 's/ $//')" || return
	# A program placed in the middle (--after) is relocated into the
	# spare positions of the same dispatcher (docs/protocol.md, section
	# 6c): no link update, so no driver call.
	expect "placement change" "placement 0" "$(sed -n 4p "$tmp/calls")" || return
	ok
}

# The chain's case: 20 programs join (sorting last: appended) and leave
# (in place, or a rebuild now and then) while packets stream from eth0.
# The direct case: 20 times a program replaced by a netlink attach, as
# ip -force link set dev eth1 xdpdrv does. Each reports driver calls and
# packets lost (sent and not seen by XDP: the driver's xdp_packets).
stream_during() { # CMD...: sends while CMD runs; prints "SENT"
	local pid sent=0
	"$@" &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		send 10 || break
		sent=$((sent + 10))
	done
	wait "$pid" || return 1
	send 10 && sent=$((sent + 10))
	echo "$sent"
}
churn_chain() {
	local i
	for i in $(seq 20); do vatt eth1 "$OBJ" t_pass_b -P $((100 + i)) || return 1; done
	for i in $(seq 20); do
		xc detach eth1 "$(vid eth1 t_pass_b | awk '{ print $1 }')" >/dev/null || return 1
	done
}
churn_direct() {
	local i
	for i in $(seq 20); do
		in_ns ip -force link set dev eth1 xdpdrv obj "$V2OBJ" sec xdp || return 1
	done
}
t_no_loss() {
	vbegin "no packet lost while 20 programs join and leave, against 20 direct replacements"
	local c0 x0 sent counter lost_c lost_d calls_c calls_d
	[ "$backend" = freplace ] || { skip "measured with the freplace backend"; return; }
	kprobe_on || { skip "no kprobe (tracefs)"; return; }
	vatt eth1 "$OBJ" t_pass_a -P 1 || { kprobe_off; not_ok "attach the counter"; return; }
	counter=$(vid eth1 t_pass_a)
	c0=$(drv_calls) x0=$(xdpstat eth1 packets)
	sent=$(stream_during churn_chain) || { kprobe_off; not_ok "the chain's churn failed"; return; }
	settle "the counter saw all $sent" "$sent" hits_of "$counter" || { kprobe_off; return; }
	calls_c=$(($(drv_calls) - c0))
	lost_c=$((sent - ($(xdpstat eth1 packets) - x0)))
	echo "# chain: 20 joined and left, $sent packets sent, $lost_c lost, $calls_c driver calls"
	vreset
	in_ns ip link set dev eth1 xdpdrv obj "$V2OBJ" sec xdp || { kprobe_off; not_ok "direct attach"; return; }
	c0=$(drv_calls) x0=$(xdpstat eth1 packets)
	sent=$(stream_during churn_direct) || { kprobe_off; not_ok "the direct churn failed"; return; }
	sleep 1
	calls_d=$(($(drv_calls) - c0))
	lost_d=$((sent - ($(xdpstat eth1 packets) - x0)))
	echo "# direct: 20 replacements, $sent packets sent, $lost_d lost, $calls_d driver calls"
	in_ns ip link set dev eth1 xdpdrv off
	kprobe_off
	expect "packets lost while the chain changed" 0 "$lost_c" || return
	expect "direct replacements: one driver call each" 20 "$calls_d" || return
	[ "$calls_c" -lt 20 ] || { not_ok "the chain's 40 changes made $calls_c driver calls"; return; }
	ok
}

run_tests t_chains t_tx t_redirect t_xsk t_frags t_driver_calls t_no_loss
vreset
finish
