#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Upgrade matrix: the newest release in RELEASES older than HEAD (its
# commit an ancestor of HEAD), built in a temporary git worktree, against
# this tree's build, on a veth pair in a private network namespace with
# UDP packets flowing (tests/tools/xdptest send, counted by the chain's
# first program):
#   - the old binary builds a chain; the new one reads it (status) and
#     changes it (attach, detach) while packets flow, the old one reads
#     and changes the result, and no packet is lost;
#   - if the two speak different on-bpffs protocols (docs/protocol.md),
#     the new binary refuses the old chain with its message and exit 1,
#     status shows it, detach --all removes it; the old binary refuses the
#     new chain and changes nothing.
#   tests/upgrade/run.sh [BUILD_DIR]    (this tree's build; default build)
# Needs root, git, meson and what tests/kernel needs; takes the shared
# kernel-test lock like any kernel run (flock /tmp/xdpchain-kernel.lock).
# While RELEASES names no earlier release it says so and exits 0 (SKIP).
set -uo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$src/build}" 2>/dev/null && pwd) || { echo "no build directory ${1:-$src/build}"; exit 1; }

# The newest release (by version) whose commit is an ancestor of HEAD and
# not HEAD itself: "VERSION COMMIT", or nothing.
head=$(git -C "$src" rev-parse HEAD) || exit 1
release=$(grep -v '^[[:space:]]*\(#\|$\)' "$src/RELEASES" | while read -r ver commit _; do
	c=$(git -C "$src" rev-parse --verify -q "$commit^{commit}") || continue
	[ "$c" != "$head" ] && git -C "$src" merge-base --is-ancestor "$c" "$head" && echo "$ver $c"
done | sort -V | tail -n 1)
if [ -z "$release" ]; then
	echo "skipped: no earlier release in RELEASES"
	echo "ok - upgrade matrix # SKIP no earlier release in RELEASES"
	exit 0
fi
read -r old_ver old_commit <<<"$release"

# The old release's CLI, built from its commit in a temporary worktree.
tmp=$(mktemp -d /tmp/xdpc-upgrade.XXXXXX)
remove_old() {
	git -C "$src" worktree remove --force "$tmp/src" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap remove_old EXIT
echo "# upgrade from $old_ver ($old_commit) to $(git -C "$src" describe --tags --always --dirty)"
git -C "$src" worktree add -q --detach "$tmp/src" "$old_commit" || exit 1
(meson setup "$tmp/src/build" "$tmp/src" >"$tmp/build.log" 2>&1 &&
	ninja -C "$tmp/src/build" cli/xdpchain >>"$tmp/build.log" 2>&1) ||
	{ tail -n 30 "$tmp/build.log"; echo "not ok - build release $old_ver"; exit 1; }
OLD=$tmp/src/build/cli/xdpchain
protocol() { sed -n 's/^#define XDPCHAIN_META_VERSION \([0-9]*\)u.*/\1/p' "$1/dispatcher/xdpchain_abi.h"; }
old_proto=$(protocol "$tmp/src")
new_proto=$(protocol "$src")

export XDPCHAIN=${XDPCHAIN:-$build/cli/xdpchain} XDPTEST=${XDPTEST:-$build/tests/tools/xdptest}
export TEST_BPF_DIR=${TEST_BPF_DIR:-$build/bpf/test}
backend=${UPGRADE_BACKEND:-auto}
source "$src/tests/kernel/lib.sh"
trap 'cleanup; remove_old' EXIT
echo "# protocol $old_proto -> $new_proto, backend $backend"

xo() { in_ns "$OLD" "$@"; }
old_att() { local p=$1; shift; xo attach -b "$backend" xt0 "$OBJ" -p "$p" "$@" >/dev/null; }
names() { "$@" -j status xt0 | jq -r '[.[0].programs[].name] | join(" ")'; }
on_xt0() { ip -n "$ns" -j link show xt0 | jq -r '.[0].xdp.prog.id // "none"'; }
tx_dropped() { in_ns cat /sys/class/net/xt1/statistics/tx_dropped; }

# Packets from xt1 into xt0 until $tmp/stop exists; the count in $tmp/sent.
sender() {
	local sent=0
	while [ ! -e "$tmp/stop" ]; do
		in_ns "$XT" send xt1 --count 20 || { echo "send failed" >>"$tmp/errors"; break; }
		sent=$((sent + 20))
		echo "$sent" >"$tmp/sent"
	done
}

t_same_protocol() {
	begin "release $old_ver's chain managed by this build while packets flow, none lost"
	local counter pid hits i drop0 step
	: >"$tmp/errors"
	rm -f "$tmp/stop"
	echo 0 >"$tmp/sent"
	old_att t_pass_a -P 10 && old_att t_pass_b -P 20 || { not_ok "old: attach"; return; }
	expect "new: status of the old chain" "t_pass_a t_pass_b" "$(names xc)" || return
	counter=$(prog_id t_pass_a)
	drop0=$(tx_dropped)
	sender &
	pid=$!
	# Each step a change by one binary and a read by the other.
	for step in "xc attach -b $backend xt0 $OBJ -p t_pass_c -P 5" "xc detach xt0 t_pass_b" \
		"xo attach -b $backend xt0 $OBJ -p t_pass_b -P 20" "xo detach xt0 t_pass_c" \
		"xc attach -b $backend xt0 $OBJ -p t_pass_d -P 40" "xc detach xt0 t_pass_d"; do
		$step >/dev/null 2>"$tmp/err" || echo "$step: $(cat "$tmp/err")" >>"$tmp/errors"
		names xc >/dev/null 2>&1 && names xo >/dev/null 2>&1 ||
			echo "status after $step failed" >>"$tmp/errors"
	done
	touch "$tmp/stop"
	wait "$pid"
	expect "errors" "" "$(cat "$tmp/errors")" || return
	expect "old: status" "t_pass_a t_pass_b" "$(names xo)" || return
	expect "packets the veth ring dropped" 0 "$(($(tx_dropped) - drop0))" || return
	for i in $(seq 25); do
		hits=$(in_ns "$XT" hits "$counter")
		[ "$hits" -ge "$(cat "$tmp/sent")" ] && break
		sleep 0.2
	done
	echo "# $(cat "$tmp/sent") packets sent, $hits counted"
	[ "$(cat "$tmp/sent")" -gt 0 ] || { not_ok "no packets sent"; return; }
	expect "counted = sent" "$(cat "$tmp/sent")" "$hits" || return
	expect "runs" "verdict=pass trace=a1,a2" "$(run)" || return
	xc detach xt0 --all >/dev/null || { not_ok "new: detach --all"; return; }
	expect "on xt0 after detach --all" "none" "$(on_xt0)" && ok
}

t_other_protocol() {
	begin "release $old_ver (protocol $old_proto) and this build (protocol $new_proto) refuse each other's chains cleanly"
	local v
	old_att t_pass_a -P 10 && old_att t_pass_b -P 20 || { not_ok "old: attach"; return; }
	v=$(run)
	expect_exit 1 xc attach -b "$backend" xt0 "$OBJ" -p t_pass_c -P 5 || return
	grep -q "protocol version $old_proto; this one reads and changes version $new_proto only" <<<"$err" ||
		{ not_ok "new: attach's message: $err"; return; }
	expect "new: status" "$old_proto" "$(xc -j status xt0 | jq -r '.[0].protocol_version')" || return
	expect "the old chain still runs" "$v" "$(run)" || return
	xc detach xt0 --all >/dev/null || { not_ok "new: detach --all"; return; }
	expect "on xt0 after detach --all" "none" "$(on_xt0)" || return
	att t_pass_a -P 10 && att t_pass_b -P 20 || { not_ok "new: attach"; return; }
	v=$(run)
	xo attach -b "$backend" xt0 "$OBJ" -p t_pass_c -P 5 >/dev/null 2>"$tmp/err" &&
		{ not_ok "old: attach to the new chain succeeded"; return; }
	expect "new: status after the old one's refusal" "t_pass_a t_pass_b" "$(names xc)" || return
	expect "the new chain still runs" "$v" "$(run)" || return
	xc detach xt0 --all >/dev/null || { not_ok "new: detach --all"; return; }
	ok
}

if [ "$old_proto" = "$new_proto" ]; then
	run_tests t_same_protocol
else
	run_tests t_other_protocol
fi
finish
