#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Adoption (docs/protocol.md, "Adoption"): an XDP program attached through
# netlink by another loader (ip link, a raw libbpf loader: xdptest
# attach-foreign) is taken over by 'xdpchain adopt' while a UDP stream
# runs to two ports, one of which the program drops. Then: the same
# program id in the chain, its map (its drop counter) kept, 0 datagrams of
# the dropped port delivered and 0 of the other lost (counted by sockets,
# udp_count.py), the chain netlink-attached; attach, detach and detach
# --all work on it. Refusals change nothing; of two adoptions at once,
# one wins. apply's "adopt": true does the same before the file's
# programs join. libxdp's dispatcher (xdp-loader, freplace runs only):
# its programs join freplace slots as they are, in libxdp's order, under
# the same stream.
#   tests/kernel/suite-adopt.sh tailcall|freplace
# ADOPT_ROUNDS (default 60) rounds of 2 batches of 20 packets each.
set -uo pipefail

backend=${1:?usage: suite-adopt.sh tailcall|freplace}
source "$(dirname "$0")/lib.sh"

STYLES=$TEST_BPF_DIR/test_styles.o
COUNT=$(cd "$(dirname "$0")" && pwd)/udp_count.py
rounds=${ADOPT_ROUNDS:-60}
batch=20
tmp=$(mktemp -d)
rcv=""
trap '[ -n "$rcv" ] && kill "$rcv" 2>/dev/null; rm -rf "$tmp"; cleanup' EXIT
# The receiving sockets' address (the trace packets go to 10.0.0.2).
ip -n "$ns" addr add 10.0.0.2/24 dev xt0 || exit 1

# The program the interface runs (netlink's view), 0 if none.
xdp_id() { in_ns ip -j link show dev xt0 | jq -r '.[0].xdp.prog.id // 0'; }
tx_dropped() { in_ns cat /sys/class/net/xt1/statistics/tx_dropped; }
# The loaders: s_calls drops UDP to port 7777 and counts each drop.
load_ip() { in_ns ip link set dev xt0 xdpdrv obj "$STYLES" program s_calls; }
load_raw() { in_ns "$XT" attach-foreign xt0 "$STYLES" s_calls >/dev/null; }

# stream_during CMD...: run CMD (an adoption) while a stream of UDP
# datagrams runs to ports 5000 and 7777 (the one the programs drop);
# checks its exit status, that the stream overlapped it and that the stack
# got every datagram of 5000 and none of 7777. $sent: datagrams per port.
stream_during() {
	local sender rc i n0 n1 drop0
	rm -f "$tmp/stop" "$tmp/rounds"
	: >"$tmp/rounds"
	in_ns python3 "$COUNT" "$tmp/stop" 10.0.0.2 5000 7777 >"$tmp/count" &
	rcv=$!
	for i in $(seq 50); do grep -q ready "$tmp/count" && break; sleep 0.1; done
	grep -q ready "$tmp/count" || { not_ok "udp_count.py did not start"; return 1; }
	drop0=$(tx_dropped)
	(
		for i in $(seq "$rounds"); do
			in_ns "$XT" send xt1 --count "$batch" --dport 5000 &&
				in_ns "$XT" send xt1 --count "$batch" --dport 7777 || exit 1
			echo "$i" >>"$tmp/rounds"
		done
	) &
	sender=$!
	for i in $(seq 50); do [ -s "$tmp/rounds" ] && break; sleep 0.05; done
	n0=$(wc -l <"$tmp/rounds")
	"$@" >"$tmp/adopt" 2>&1
	rc=$?
	n1=$(wc -l <"$tmp/rounds")
	wait "$sender" || { not_ok "sending failed"; return 1; }
	touch "$tmp/stop"
	wait "$rcv"
	rcv=""
	sent=$((rounds * batch))
	echo "# $(uname -r): adopt ran during rounds $n0..$n1 of $rounds; $((2 * sent)) packets sent;" \
		"delivered: $(tail -n 1 "$tmp/count")"
	expect "adopt's exit status ($(cat "$tmp/adopt"))" 0 "$rc" || return 1
	[ "$n0" -ge 1 ] && [ "$n1" -lt "$rounds" ] ||
		{ not_ok "the stream did not overlap the adoption (rounds $n0..$n1 of $rounds)"; return 1; }
	expect "packets the veth ring dropped" 0 "$(($(tx_dropped) - drop0))" || return 1
	expect "datagrams delivered per port" "5000=$sent 7777=0" "$(tail -n 1 "$tmp/count")"
}

# stream_adopt LOADER ADOPT_ARGS...: adopt what LOADER attached while a
# stream runs; leaves the adopted chain.
stream_adopt() {
	local loader=$1 id0 hits0
	shift
	"load_$loader" || { not_ok "$loader could not attach s_calls"; return 1; }
	id0=$(xdp_id)
	[ "$id0" -gt 0 ] || { not_ok "no program after $loader"; return 1; }
	hits0=$(in_ns "$XT" hits "$id0")
	echo "# $loader:"
	stream_during xc adopt xt0 "$@" || return 1
	expect "drops the adopted program counted (its map kept)" "$((hits0 + sent))" \
		"$(in_ns "$XT" hits "$id0")" || return 1
	expect "the chain's program" "$id0 s_calls" \
		"$(status_json | jq -r '.[0].programs | map("\(.id) \(.name)") | join(",")')" || return 1
	expect "the interface runs the chain's dispatcher" "$(status_json | jq -r '.[0].dispatcher_id')" \
		"$(xdp_id)" || return 1
	expect "state pins: no link" "" "$(ls "$(state_dir)" | grep -x dispatcher)" || return 1
	return 0
}

t_adopt_ip() {
	begin "adopt a program ip link attached, under a stream: same id, its drops kept, nothing leaked or lost"
	stream_adopt ip || return
	# Default priority 0: the program joining sorts after it (an append).
	att t_pass_a -P 10 || { not_ok "attach after the adoption"; return; }
	expect "a packet through both" "verdict=pass trace=a1" "$(run)" || return
	expect "programs" "s_calls t_pass_a" "$(status_json | jq -r '[.[0].programs[].name] | join(" ")')" ||
		return
	xc detach xt0 --all >/dev/null || { not_ok "detach --all"; return; }
	expect "nothing runs after detach --all" 0 "$(xdp_id)" || return
	expect "no state left" "" "$(ls "$(state_dir)" 2>/dev/null)" && ok
}

t_adopt_raw() {
	begin "adopt a program a libbpf loader attached, under a stream, at priority 20; then a rebuild before it"
	stream_adopt raw --priority 20 || return
	local rev id
	rev=$(revision)
	# Sorts before it: a new dispatcher, swapped in by netlink.
	att t_pass_a -P 10 || { not_ok "attach before the adopted program"; return; }
	[ "$(revision)" != "$rev" ] || { not_ok "no new revision"; return; }
	expect "programs" "t_pass_a s_calls" "$(status_json | jq -r '[.[0].programs[].name] | join(" ")')" ||
		return
	expect "the interface runs the new dispatcher" "$(status_json | jq -r '.[0].dispatcher_id')" \
		"$(xdp_id)" || return
	expect "a packet through both" "verdict=pass trace=a1" "$(run)" || return
	id=$(prog_id t_pass_a)
	xc detach xt0 "$id" >/dev/null || { not_ok "detach t_pass_a"; return; }
	expect "programs" "s_calls" "$(status_json | jq -r '[.[0].programs[].name] | join(" ")')" || return
	xc detach xt0 s_calls >/dev/null || { not_ok "detach the last program"; return; }
	expect "nothing runs" 0 "$(xdp_id)" || return
	expect "no state left" "" "$(ls "$(state_dir)" 2>/dev/null)" && ok
}

t_adopt_refused() {
	begin "adopt refuses with a reason and changes nothing: no program, our chain, a bpf_link's, a dev-bound one"
	local fid rev
	expect_exit 1 xc adopt xt0 || return
	[[ "$err" == *"runs no XDP program"* ]] || { not_ok "no program: $err"; return; }
	att t_pass_a -P 10 || { not_ok "attach"; return; }
	rev=$(revision)
	expect_exit 1 xc adopt xt0 || return
	[[ "$err" == *"xdpchain chain"* ]] || { not_ok "our chain: $err"; return; }
	expect "revision" "$rev" "$(revision)" || return
	reset
	fid=$(in_ns "$XT" link-foreign xt0 "$OBJ" t_pass_e "$bpffs/foreign-link") ||
		{ not_ok "link-foreign"; return; }
	expect_exit 1 xc adopt xt0 || return
	[[ "$err" == *"bpf_link"* ]] || { not_ok "a bpf_link's: $err"; rm -f "$bpffs/foreign-link"; return; }
	expect "still runs" "$fid" "$(xdp_id)" || { rm -f "$bpffs/foreign-link"; return; }
	rm -f "$bpffs/foreign-link"
	reset
	if kernel_at_least 6 3; then
		fid=$(in_ns "$XT" attach-foreign xt0 "$OBJ" t_pass_e devbound) ||
			{ not_ok "dev-bound attach"; return; }
		expect_exit 1 xc adopt xt0 || return
		[[ "$err" == *"bound to a device"* ]] || { not_ok "dev-bound: $err"; return; }
		expect "still runs" "$fid" "$(xdp_id)" || return
		expect "no state" "" "$(ls "$(state_dir)" 2>/dev/null)" || return
	else
		echo "# no dev-bound programs before Linux 6.3: not tried"
	fi
	ok
}

t_adopt_race() {
	begin "two adoptions at once: one wins, the other is told a chain runs"
	local id0 r
	load_raw || { not_ok "attach"; return; }
	id0=$(xdp_id)
	(xc adopt xt0 >/dev/null 2>"$tmp/e1"; echo $? >"$tmp/r1") &
	(xc adopt xt0 >/dev/null 2>"$tmp/e2"; echo $? >"$tmp/r2") &
	wait
	r="$(cat "$tmp/r1") $(cat "$tmp/r2")"
	[ "$r" = "0 1" ] || [ "$r" = "1 0" ] || { not_ok "exit statuses $r: $(cat "$tmp/e1" "$tmp/e2")"; return; }
	grep -q "chain runs there already" "$tmp/e1" "$tmp/e2" ||
		{ not_ok "the loser's error: $(cat "$tmp/e1" "$tmp/e2")"; return; }
	expect "the chain" "$id0" "$(status_json | jq -r '[.[0].programs[].id] | join(" ")')" && ok
}

# libxdp's dispatcher, loaded by Debian's xdp-loader: xdp-filter's
# program of policy allow (priority 10, continues on pass: what its map
# lists is dropped, the rest passes; xdpfilt_dny_* are the reverse)
# dropping UDP port 7777 through its map, then a program of ours at
# priority 20.
FILT=${XDPFILT:-/usr/lib/x86_64-linux-gnu/bpf/xdpfilt_alw_udp.o}
# The filter's map, pinned by xdp-loader (-p): port 7777 denied as a
# destination of UDP (flags 0x0a, a hit counter above bit 6), keyed in
# either byte order (7777 and htons(7777)), per CPU.
filt_map() { echo "$bpffs/xdpfilt/filter_ports"; }
filt_hits() {
	local k
	for k in "0x61 0x1e 0 0" "0x1e 0x61 0 0"; do
		# shellcheck disable=SC2086
		bpftool -j map lookup pinned "$(filt_map)" key $k
		echo
	done | python3 -c '
import json, sys
hits = 0
for line in sys.stdin:
    if not line.strip():
        continue
    for v in json.loads(line)["values"]:
        b = v["value"]
        n = int.from_bytes(bytes(int(x, 16) for x in b), "little") if isinstance(b, list) else int(b)
        hits += n >> 6
print(hits)'
}
libxdp_chain() { xc -j status xt0 | jq -r '.[0].programs | map("\(.id) \(.name) \(.priority) \(.continue_on | tostring)") | join(",")'; }

# libxdp's state of a failed run: its dispatcher, pins and the filter's map.
libxdp_reset() {
	in_ns xdp-loader unload xt0 --all >/dev/null 2>&1
	rm -rf "$bpffs"/xdp/dispatch-* "$bpffs/xdpfilt"
}

t_adopt_libxdp() {
	t_adopt_libxdp_run
	libxdp_reset
}

t_adopt_libxdp_run() {
	begin "adopt libxdp's dispatcher (xdp-loader: xdp-filter dropping a port, a program at priority 20) under a stream: same ids, order, settings and map; no stale libxdp state"
	if [ "$backend" != freplace ]; then
		skip "libxdp's dispatcher needs freplace (EXT) programs, which this kernel refuses (the tail-call run): the VM runs it"
		return
	fi
	if ! command -v xdp-loader >/dev/null || [ ! -f "$FILT" ] || ! command -v bpftool >/dev/null; then
		skip "needs xdp-loader and $FILT (Debian: xdp-tools, libxdp1) and bpftool"
		return
	fi
	local ids chain0 hits0 disp k id3 rc
	export LIBXDP_BPFFS=$bpffs
	in_ns xdp-loader load -m native -p "$bpffs/xdpfilt" xt0 "$FILT" >"$tmp/xl" 2>&1 ||
		{ not_ok "xdp-loader load the filter: $(cat "$tmp/xl")"; return; }
	for k in "0x61 0x1e 0 0" "0x1e 0x61 0 0"; do
		# shellcheck disable=SC2086
		bpftool map update pinned "$(filt_map)" key $k value 0x0a 0 0 0 0 0 0 0 ||
			{ not_ok "configure the filter's map"; return; }
	done
	in_ns xdp-loader load -m native -P 20 -n t_pass_a xt0 "$OBJ" >"$tmp/xl" 2>&1 ||
		{ not_ok "xdp-loader load t_pass_a: $(cat "$tmp/xl")"; return; }
	disp=$(xdp_id)
	expect "libxdp's dispatcher runs" "manager=libxdp" \
		"manager=$(xc -j status xt0 | jq -r '.[0].manager')" || return
	chain0=$(libxdp_chain)
	ids=$(xc -j status xt0 | jq -r '[.[0].programs[].id] | join(" ")')
	[ "$(echo "$ids" | wc -w)" = 2 ] || { not_ok "libxdp's programs: $chain0"; return; }
	hits0=$(filt_hits)
	# A wrong --libxdp-bpffs: a clear reason, nothing changed. Not a
	# bpffs (a usage error, before anything is read), and a bpffs
	# directory without libxdp's pins.
	expect_exit 2 xc adopt xt0 --libxdp-bpffs "$tmp" || return
	[[ "$err" == *"not a directory on a BPF filesystem"* ]] || { not_ok "not a bpffs: $err"; return; }
	mkdir -p "$bpffs/no-libxdp"
	expect_exit 1 xc adopt xt0 --libxdp-bpffs "$bpffs/no-libxdp"
	rc=$?
	rmdir "$bpffs/no-libxdp"
	[ "$rc" = 0 ] || return
	[[ "$err" == *"cannot open libxdp's directory $bpffs/no-libxdp/xdp"* ]] ||
		{ not_ok "a bpffs without libxdp's pins: $err"; return; }
	expect "still libxdp's chain, unchanged" "$disp $chain0" "$(xdp_id) $(libxdp_chain)" || return
	expect "no state" "" "$(ls "$(state_dir)" 2>/dev/null)" || return
	# Without $LIBXDP_BPFFS (ip netns exec hides /sys/fs/bpf), only the
	# option names libxdp's bpffs: status reads libxdp's chain there.
	expect "status --libxdp-bpffs" "$chain0" "$(in_ns env -u LIBXDP_BPFFS "$XC" -j status xt0 \
		--libxdp-bpffs "$bpffs" | jq -r '.[0].programs | map("\(.id) \(.name) \(.priority) \(.continue_on | tostring)") | join(",")')" ||
		return
	echo "# libxdp (dispatcher $disp: $chain0):"
	stream_during in_ns env -u LIBXDP_BPFFS "$XC" adopt xt0 --libxdp-bpffs "$bpffs" || return
	expect "programs: ids, names, priorities, continue-on sets, in order" "$chain0" \
		"$(libxdp_chain)" || return
	expect "drops the filter counted in its map (kept)" "$((hits0 + sent))" "$(filt_hits)" || return
	expect "the interface runs the chain's dispatcher" "$(status_json | jq -r '.[0].dispatcher_id')" \
		"$(xdp_id)" || return
	expect "freplace slots" "freplace freplace" \
		"$(status_json | jq -r '[.[0].programs[].backend] | join(" ")')" || return
	expect "libxdp's pins of dispatcher $disp" "" "$(ls "$bpffs/xdp" | grep "^dispatch-")" || return
	in_ns xdp-loader status xt0 >"$tmp/xl" 2>&1
	grep -q xdp_dispatcher "$tmp/xl" && { not_ok "xdp-loader status: $(cat "$tmp/xl")"; return; }
	grep -q xdpchain_disp "$tmp/xl" || { not_ok "xdp-loader status: $(cat "$tmp/xl")"; return; }
	att t_pass_b -P 30 || { not_ok "attach a third program"; return; }
	id3=$(prog_id t_pass_b)
	expect "three programs" "$ids $id3" \
		"$(status_json | jq -r '[.[0].programs[].id] | join(" ")')" || return
	expect "a packet through the chain" "verdict=pass trace=a1,a2" "$(run)" || return
	xc detach xt0 --all >/dev/null || { not_ok "detach --all"; return; }
	expect "nothing runs after detach --all" 0 "$(xdp_id)" || return
	[ -e "$(filt_map)" ] || { not_ok "the filter's pinned map is gone"; return; }
	ok
}

# libxdp's dispatcher in the config layouts xdp-loader does not make
# (bpf/test/test_libxdp_disp.bpf.c: 1, 3, and "3x", layout 3 with a
# config member no reader knows), loaded and wired as libxdp does by
# tests/tools/libxdp_load. Debian's libxdp (1.3.1) reads layouts 1 and 2
# only: status reads layout 3 with xdpchain's own reader there.
LXLOAD=${LIBXDP_LOAD:-$(dirname "$XT")/libxdp_load}
# lx_load LAYOUT PROG_OBJ:PROG:PRIO:ACTIONS...: a new libxdp dispatcher
# of that layout on xt0 (native); $lx_ids: its id, then its programs'.
lx_load() {
	local obj=$TEST_BPF_DIR/test_libxdp_$1.o
	shift
	lx_ids=$(in_ns env LIBXDP_BPFFS="$bpffs" "$LXLOAD" xt0 "$obj" "$@" 2>"$tmp/lx") ||
		{ not_ok "libxdp_load $(basename "$obj") $*: $(cat "$tmp/lx")"; return 1; }
}
# lx_dir DISP_ID: libxdp's pin directory of that dispatcher on xt0.
lx_dir() { echo "$bpffs/xdp/dispatch-$(in_ns cat /sys/class/net/xt0/ifindex)-$1"; }
# lx_reset: nothing on xt0, none of libxdp's pins (a failed run's too).
lx_reset() {
	reset
	rm -rf "$bpffs"/xdp/dispatch-*
}
# lx_skip: whether this run cannot load libxdp's dispatcher (said).
lx_skip() {
	if [ "$backend" != freplace ]; then
		skip "libxdp's dispatcher needs freplace (EXT) programs, which this kernel refuses (the tail-call run): the VM runs it"
		return 0
	fi
	[ -x "$LXLOAD" ] && [ -f "$TEST_BPF_DIR/test_libxdp_v1.o" ] && return 1
	skip "needs $LXLOAD and $TEST_BPF_DIR/test_libxdp_*.o (the build's tests/tools, bpf/test)"
	return 0
}

t_adopt_libxdp_layouts() {
	local l
	for l in v1 v3; do
		t_adopt_libxdp_layout "$l"
		[ $? = 2 ] && break # skipped: once for both
		lx_reset
	done
}

# The chain as libxdp_chain prints it, of ids $lx_ids (the dispatcher's
# first): s_calls at 10, t_pass_a at 20, both continuing on pass.
lx_chain_want() {
	local ids=($lx_ids)
	echo "${ids[1]} s_calls 10 [\"pass\"],${ids[2]} t_pass_a 20 [\"pass\"]"
}

t_adopt_libxdp_layout() {
	begin "adopt libxdp's dispatcher of config layout ${1#v} (s_calls dropping a port, t_pass_a) under a stream: same ids, order, settings; freplace slots; no stale libxdp state"
	lx_skip && return 2
	local disp want hits0 rb
	export LIBXDP_BPFFS=$bpffs
	lx_load "$1" "$STYLES:s_calls:10:pass" "$OBJ:t_pass_a:20:pass" || return
	disp=${lx_ids%% *}
	want=$(lx_chain_want)
	expect "the interface runs libxdp's dispatcher" "$disp" "$(xdp_id)" || return
	expect "status: libxdp's chain" "libxdp $want" \
		"$(status_json | jq -r '.[0].manager') $(libxdp_chain)" || return
	# Read by libxdp's API where the system's libxdp knows the layout,
	# else (Debian's 1.3.1: layout 3) by xdpchain's own reader.
	rb=$(status_json | jq -r '"\(.[0].read_by) \(.[0].layout_version // "-")"')
	[ "$rb" = "libxdp -" ] || { [ "$1" != v1 ] && [ "$rb" = "xdpchain ${1#v}" ]; } ||
		{ not_ok "status: read by $rb"; return; }
	echo "# status: layout ${1#v} read by ${rb% *}"
	expect "a packet through libxdp's chain" "verdict=pass trace=a1" "$(run)" || return
	hits0=$(in_ns "$XT" hits "$(echo "$lx_ids" | cut -d' ' -f2)")
	echo "# libxdp layout ${1#v} (dispatcher $disp: $want):"
	stream_during xc adopt xt0 || return
	expect "programs: ids, names, priorities, continue-on sets, in order" "$want" \
		"$(libxdp_chain)" || return
	expect "drops s_calls counted (its map kept)" "$((hits0 + sent))" \
		"$(in_ns "$XT" hits "$(echo "$lx_ids" | cut -d' ' -f2)")" || return
	expect "freplace slots" "freplace freplace" \
		"$(status_json | jq -r '[.[0].programs[].backend] | join(" ")')" || return
	expect "the interface runs the chain's dispatcher" "$(status_json | jq -r '.[0].dispatcher_id')" \
		"$(xdp_id)" || return
	expect "libxdp's pins of dispatcher $disp" "" "$(ls "$bpffs/xdp" | grep "^dispatch-")" || return
	expect "a packet through the chain" "verdict=pass trace=a1" "$(run)" || return
	xc detach xt0 --all >/dev/null || { not_ok "detach --all"; return; }
	expect "nothing runs after detach --all" 0 "$(xdp_id)" || return
	expect "no state left" "" "$(ls "$(state_dir)" 2>/dev/null)" && ok
}

t_adopt_libxdp_pktdata() {
	t_adopt_libxdp_pktdata_run
	lx_reset
}

# lx_settle WANT ID...: the programs' hits counters once they are WANT
# (packets are processed shortly after they are sent), or after 5 s.
lx_settle() {
	local want=$1 got i
	shift
	for i in $(seq 50); do
		got=$(in_ns "$XT" hits "$@")
		[ "$got" = "$want" ] && break
		sleep 0.1
	done
	echo "$got"
}

t_adopt_libxdp_pktdata_run() {
	begin "adopt libxdp's layout 3 dispatcher whose program changes packet data (bpf_xdp_adjust_tail): it keeps trimming packets in our slot"
	lx_skip && return
	local ids
	export LIBXDP_BPFFS=$bpffs
	# Layout 2's stubs do not change packet data: Linux 6.13 and later
	# (and 6.12.y since the fix's backport) refuse such an extension in
	# their place (layout 3's reason).
	if in_ns env LIBXDP_BPFFS="$bpffs" "$LXLOAD" xt0 "$TEST_BPF_DIR/test_libxdp_v2.o" \
		"$STYLES:s_trim:10:pass" >/dev/null 2>"$tmp/lx"; then
		kernel_at_least 6 13 && { not_ok "layout 2's stub took s_trim on $(uname -r)"; return; }
		echo "# $(uname -r) lets s_trim replace layout 2's stub (no packet data check)"
		lx_reset
	else
		grep -q "changes packet data" "$tmp/lx" || { not_ok "s_trim in layout 2: $(cat "$tmp/lx")"; return; }
		echo "# layout 2's stub refused s_trim: $(grep -m1 "changes packet data" "$tmp/lx")"
		expect "nothing left by the refused load" "0 " \
			"$(xdp_id) $(ls "$bpffs/xdp" 2>/dev/null | grep "^dispatch-")" || return
	fi
	# s_exact counts the frame as sent, s_trim trims 16 bytes off it,
	# s_trimmed counts it 16 bytes shorter: only if s_trim ran before.
	lx_load v3 "$STYLES:s_exact:10:pass" "$STYLES:s_trim:20:pass" "$STYLES:s_trimmed:30:pass" || return
	ids=${lx_ids#* }
	in_ns "$XT" send xt1 --count 4 >/dev/null || { not_ok "send"; return; }
	expect "exact trim trimmed under libxdp" "4 4 4" "$(lx_settle "4 4 4" $ids)" || return
	xc adopt xt0 >"$tmp/adopt" 2>&1 || { not_ok "adopt: $(cat "$tmp/adopt")"; return; }
	expect "the chain" "$ids" "$(status_json | jq -r '[.[0].programs[].id] | join(" ")')" || return
	expect "freplace slots" "freplace freplace freplace" \
		"$(status_json | jq -r '[.[0].programs[].backend] | join(" ")')" || return
	expect "the interface runs the chain's dispatcher" "$(status_json | jq -r '.[0].dispatcher_id')" \
		"$(xdp_id)" || return
	in_ns "$XT" send xt1 --count 5 >/dev/null || { not_ok "send"; return; }
	expect "exact trim trimmed in our slots" "9 9 9" "$(lx_settle "9 9 9" $ids)" || return
	# BPF_PROG_TEST_RUN of the chain: the same on xdptest's frame.
	expect "test run" "verdict=pass" "$(run | cut -d' ' -f1)" || return
	expect "exact trim trimmed after the test run" "10 10 10" "$(in_ns "$XT" hits $ids)" || return
	xc detach xt0 --all >/dev/null || { not_ok "detach --all"; return; }
	expect "nothing runs after detach --all" 0 "$(xdp_id)" && ok
}

t_adopt_libxdp_unknown() {
	t_adopt_libxdp_unknown_run
	lx_reset
}

t_adopt_libxdp_unknown_run() {
	begin "adopt refuses libxdp's dispatcher whose config has a member it does not know, naming it; nothing changed"
	lx_skip && return
	local disp pins
	export LIBXDP_BPFFS=$bpffs
	lx_load v3x "$STYLES:s_calls:10:pass" "$OBJ:t_pass_a:20:pass" || return
	disp=${lx_ids%% *}
	pins=$(ls "$(lx_dir "$disp")" | xargs)
	expect "libxdp's pins" "prog0-link prog0-prog prog1-link prog1-prog" "$pins" || return
	# status cannot read it either: a foreign program, and why.
	expect "status: foreign, unreadable" "$disp xdp_dispatcher true" \
		"$(status_json | jq -r '.[0] | "\(.foreign.id) \(.foreign.name) \(.unreadable // "" | contains("queue_masks"))"')" ||
		return
	expect_exit 1 xc adopt xt0 || return
	[[ "$err" == *queue_masks* ]] || { not_ok "the refusal does not name the member: $err"; return; }
	echo "# refused: $err"
	expect "still runs libxdp's dispatcher" "$disp" "$(xdp_id)" || return
	expect "libxdp's pins intact" "$pins" "$(ls "$(lx_dir "$disp")" | xargs)" || return
	expect "no state" "" "$(ls "$(state_dir)" 2>/dev/null)" || return
	expect "a packet through libxdp's chain" "verdict=pass trace=a1" "$(run)" && ok
}

t_adopt_apply() {
	begin "apply with \"adopt\": true takes over the program ip link attached, then adds the file's; without it, refused"
	local id0 conf=$tmp/fleet.json
	load_ip || { not_ok "ip link could not attach s_calls"; return; }
	id0=$(xdp_id)
	printf '{"version": 1, "owner": "fleet", "interfaces": {"xt0": {"backend": "%s", "programs": [{"file": "%s", "program": "t_pass_a", "priority": 10}]}}}' \
		"$backend" "$OBJ" >"$conf"
	expect_exit 1 xc apply "$conf" || return
	expect "still runs alone" "$id0" "$(xdp_id)" || return
	printf '{"version": 1, "owner": "fleet", "interfaces": {"xt0": {"adopt": true, "backend": "%s", "programs": [{"file": "%s", "program": "t_pass_a", "priority": 10}]}}}' \
		"$backend" "$OBJ" >"$conf"
	xc apply "$conf" >"$tmp/apply" 2>&1 || { not_ok "apply: $(cat "$tmp/apply")"; return; }
	expect "programs" "$id0 s_calls,t_pass_a" \
		"$(status_json | jq -r '.[0].programs | map(if .name == "s_calls" then "\(.id) \(.name)" else .name end) | join(",")')" ||
		return
	# Again: a chain of ours runs, nothing to adopt, nothing to change.
	expect "again: nothing to do" "0" "$(xc -j apply "$conf" | jq '.interfaces[0].plan | length')" && ok
}

run_tests t_adopt_ip t_adopt_raw t_adopt_refused t_adopt_race t_adopt_apply t_adopt_libxdp \
	t_adopt_libxdp_layouts t_adopt_libxdp_pktdata t_adopt_libxdp_unknown
finish
