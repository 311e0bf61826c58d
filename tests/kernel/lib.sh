#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Shared harness of the kernel suites, sourced after "backend" is set:
# a private network namespace "$ns" with a veth pair xt0 (under test) and
# xt1 (peer), a private bpffs instance exported as XDPCHAIN_BPFFS_ROOT,
# helpers (xc, att, run, reset, status_json, ...), TAP-like result lines
# (ok/not_ok/skip) and finish, which prints "N passed, N failed, N skipped".
# Needs root, env XDPCHAIN (the CLI), XDPTEST (tests/tools/xdptest) and
# TEST_BPF_DIR (where the test BPF objects are).
XC=${XDPCHAIN:?set XDPCHAIN to the xdpchain binary}
XT=${XDPTEST:?set XDPTEST to the xdptest binary}
# The skeleton application, built next to xdptest (tests/tools).
SKELAPP=${SKELAPP:-$(dirname "$XT")/skelapp}
OBJ=${TEST_BPF_DIR:?set TEST_BPF_DIR}/test_progs.o
RCOBJ=$TEST_BPF_DIR/test_runcfg.o
# Plain XDP programs only (t_pass_a: trace e1, t_pass_b: e2), for loads
# outside the library: bpftool loads every program of an object, and
# test_progs.o's xdp.frags one fails to load on kernels before 5.18.
V2OBJ=$TEST_BPF_DIR/test_progs_v2.o
passed=0
failed=0
skipped=0
ns=xdpc-test-$$
bpffs=/tmp/xdpc-bpffs-$$

# 'ip netns exec' remounts /sys, hiding /sys/fs/bpf: use a bpffs of our own.
mkdir -p "$bpffs"
mount -t bpf bpf "$bpffs" || { echo "cannot mount bpffs"; exit 1; }
export XDPCHAIN_BPFFS_ROOT=$bpffs/xdpchain

cleanup() {
	ip netns exec "$ns" "$XC" detach xt0 --all >/dev/null 2>&1
	ip netns del "$ns" 2>/dev/null
	umount "$bpffs" 2>/dev/null
	rmdir "$bpffs" 2>/dev/null
}
trap cleanup EXIT

ip netns add "$ns" || exit 1
# No IPv6: router solicitations and the like would hit the programs and
# spoil exact packet counts.
ip netns exec "$ns" sh -c 'echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6' 2>/dev/null
ip -n "$ns" link add xt0 type veth peer name xt1 || exit 1
ip -n "$ns" link set xt0 up && ip -n "$ns" link set xt1 up || exit 1

in_ns() { ip netns exec "$ns" "$@"; }
xc() { in_ns "$XC" "$@"; }
# att PROG [options]: attach a test program with this run's backend.
att() { local p=$1; shift; xc attach -b "$backend" xt0 "$OBJ" -p "$p" "$@" >/dev/null; }
run() { in_ns "$XT" run xt0; }
# The state directory of xt0's chain.
state_dir() {
	echo "$XDPCHAIN_BPFFS_ROOT/ns-$(in_ns stat -L -c %i /proc/self/ns/net)/if-$(in_ns cat /sys/class/net/xt0/ifindex)"
}
# prog_gone ID: the kernel freed program ID within 5 s (freeing is
# deferred: RCU, then a workqueue).
prog_gone() {
	local i
	for i in $(seq 50); do
		in_ns "$XT" prog-exists "$1"
		[ $? -eq 1 ] && return 0
		sleep 0.1
	done
	return 1
}
# Back to nothing: a failed scenario may have left a foreign program too.
reset() {
	xc detach xt0 --all >/dev/null 2>&1
	in_ns "$XT" detach-foreign xt0 >/dev/null 2>&1
	true
}
status_json() { xc -j status xt0; }
# xsk_ready OUT PID: tests/tools/xsktest (PID, output in OUT) printed
# "ready" within 10 s; if not, it is stopped, and the test fails with
# its output.
xsk_ready() {
	local i
	for i in $(seq 100); do
		grep -q '^ready$' "$1" && return 0
		kill -0 "$2" 2>/dev/null || break
		sleep 0.1
	done
	grep -q '^ready$' "$1" && return 0
	kill "$2" 2>/dev/null
	wait "$2"
	not_ok "xsktest: $(cat "$1")"
	return 1
}
# nonative_if NAME: an interface in $ns without native XDP (generic only),
# up: a dummy (the VM loads the module) or, where there is no dummy
# driver, a bridge.
nonative_if() {
	{ ip -n "$ns" link add "$1" type dummy 2>/dev/null ||
		ip -n "$ns" link add "$1" type bridge; } && ip -n "$ns" link set "$1" up
}
# jsonl_lines FILE: the number of its lines if each is one JSON object,
# else "bad line N".
jsonl_lines() {
	python3 -c 'import json, sys
n = 0
for n, l in enumerate(open(sys.argv[1]), 1):
    try:
        assert isinstance(json.loads(l), dict)
    except Exception:
        print("bad line %d" % n); sys.exit()
print(n)' "$1"
}

# vmhwm PID: the process's peak resident memory, in kB.
vmhwm() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }

prog_id() { status_json | jq -r --arg n "$1" '[.[0].programs[] | select(.name == $n)][0].id'; }
revision() { status_json | jq -r '.[0].revision // 0'; }

current=""
# kernel_at_least 5 18: whether the running kernel is that version or newer.
kernel_at_least() {
	local v
	v=$(uname -r | awk -F. '{ print $1 * 1000 + $2 }')
	[ "$v" -ge $(($1 * 1000 + $2)) ]
}

begin() { current=$1; reset; }
ok() { echo "ok - $current"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $current"; echo "# $*"; failed=$((failed + 1)); }
# skip WHY: the scenario cannot run here (say why)
skip() { echo "ok - $current # SKIP $*"; skipped=$((skipped + 1)); }
# expect WHAT EXPECTED ACTUAL
expect() {
	if [ "$2" == "$3" ]; then return 0; fi
	not_ok "$1: expected '$2', got '$3'"
	return 1
}
# expect_exit CODE CMD...: run CMD, check its exit status, keep stderr in $err
expect_exit() {
	local want=$1 rc
	shift
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	[ "$rc" -eq "$want" ] && return 0
	not_ok "exit status of '$*': expected $want, got $rc: $err"
	return 1
}


# objs_le A B: every count of "progs P maps M links L" A is <= B's.
objs_le() {
	local a=($1) b=($2)
	[ ${#a[@]} -eq 6 ] && [ ${#b[@]} -eq 6 ] || return 1
	[ "${a[1]}" -le "${b[1]}" ] && [ "${a[3]}" -le "${b[3]}" ] && [ "${a[5]}" -le "${b[5]}" ]
}
# kernel_held: ids of maps that nothing outside the kernel holds: no
# program uses them, no bpffs pins them, no process has them open. No
# process can leak such a map (it would need a program, a pin or an fd);
# the 6.18 host kernel was seen keeping an emptied prog array so for good
# after its dispatcher was freed. They are left out of the counts.
kernel_held() {
	command -v bpftool >/dev/null && command -v jq >/dev/null || { echo '[]'; return; }
	local used
	used=$(bpftool -j prog show 2>/dev/null | jq -c '[.[].map_ids[]?]') || used='[]'
	bpftool -j -f map show 2>/dev/null | jq -c --argjson used "${used:-[]}" \
		'[.[] | select(((.pids // []) | length) == 0 and ((.pinned // []) | length) == 0)
		  | .id | select(. as $i | $used | any(. == $i) | not)]' 2>/dev/null || echo '[]'
}
# owned_from COUNTS: "progs N maps N links N" (xdptest objs) without the
# maps of kernel_held.
owned_from() {
	local a held
	a=($1)
	held=$(kernel_held | jq length 2>/dev/null)
	[ ${#a[@]} -eq 6 ] && a[3]=$((a[3] - ${held:-0}))
	echo "${a[*]}"
}
# owned_objs: the kernel's counts now, without kernel_held.
owned_objs() { owned_from "$(in_ns "$XT" objs)"; }
# settled_objs: the object counts once they stop moving (deferred frees
# of an earlier run settle within a second or so; give up after 5 s).
# The raw counts are sampled (one small syscall loop each); kernel_held
# (two bpftool runs, which load bpftool's pid iterator: seconds under
# TCG) only once they settled.
settled_objs() {
	local i same=0 prev now
	prev=$(in_ns "$XT" objs)
	for i in $(seq 1 25); do
		sleep 0.2
		now=$(in_ns "$XT" objs)
		if [ "$now" = "$prev" ]; then
			same=$((same + 1))
			[ $same -ge 3 ] && break
		else
			same=0
		fi
		prev=$now
	done
	owned_from "$now"
}
baseline=$(settled_objs)

# A directory laid out as the kubelet mounts a ConfigMap: the files are
# symlinks through "..data", a symlink to a timestamped directory that a
# change replaces whole (a new directory, "..data_tmp" renamed over
# "..data", the old directory removed).
# cm_swap DIR VERSION [NAME CONTENT]...: make DIR's ..data hold these
# files (apply --watch: suite-apply.sh, tests/container/run.sh).
cm_swap() {
	local d=$1 v=..2026_12_07_$2 old f
	shift 2
	mkdir "$d/$v"
	while [ $# -ge 2 ]; do printf '%s\n' "$2" >"$d/$v/$1"; shift 2; done
	old=$(readlink "$d/..data" 2>/dev/null)
	ln -s "$v" "$d/..data_tmp" && mv -T "$d/..data_tmp" "$d/..data"
	# The visible names (one symlink per key) made or removed as keys
	# come and go, then the old directory removed: the kubelet's order.
	for f in "$d/$v"/*; do [ -e "$f" ] && [ ! -L "$d/${f##*/}" ] && ln -s "..data/${f##*/}" "$d/${f##*/}"; done
	for f in "$d"/*; do [ -L "$f" ] && [ ! -e "$f" ] && rm -f "$f"; done
	[ -z "$old" ] || rm -rf "${d:?}/$old"
}

# until_ms SECS WANT CMD...: wait up to SECS seconds for CMD's output to
# be WANT (tried every 50 ms); prints the milliseconds it took.
until_ms() {
	local secs=$1 want=$2 t0 i
	shift 2
	t0=$(date +%s%N)
	for i in $(seq $((secs * 20))); do
		[ "$("$@")" = "$want" ] && { echo $((($(date +%s%N) - t0) / 1000000)); return 0; }
		sleep 0.05
	done
	return 1
}

# eventually WANT: the trace of a packet becomes WANT within 2 s. A
# freplace slot emptied in place stops running its program when the
# kernel frees the unpinned link, one RCU grace period after the detach
# (docs/protocol.md, "Vacant slots"); a tail-call slot at once.
eventually() {
	local want=$1 got i
	for i in $(seq 40); do
		got=$(run)
		[ "$got" = "$want" ] && return 0
		[ "$backend" = tailcall ] && break
		sleep 0.05
	done
	expect "trace after the detach" "$want" "$got"
}
# hits_reach ID N: program ID's hits counter once it reaches N (packets
# are processed by NAPI shortly after sending), or after 5 s.
hits_reach() {
	local i hits
	for i in $(seq 25); do
		hits=$(in_ns "$XT" hits "$1")
		[ "$hits" -ge "$2" ] && break
		sleep 0.2
	done
	echo "$hits"
}

# run_tests T...: run the named test functions (only those in $ONLY, a
# space-separated list, if set).
run_tests() {
	local t
	for t in "$@"; do
		if [ -n "${ONLY:-}" ] && [[ " $ONLY " != *" $t "* ]]; then continue; fi
		$t
	done
}

# finish: back to nothing, check for leaked kernel objects, print the summary.
finish() {
	reset
	current="no BPF programs, maps or links are left behind"
	# Freeing is deferred (RCU, then a workqueue puts what a prog array
	# or a program held), so a released object can stay visible for a
	# moment; a leaked one stays for good: wait up to 10 s for the counts.
	local i now held
	for i in $(seq 1 50); do
		now=$(owned_objs)
		objs_le "$now" "$baseline" && break
		sleep 0.2
	done
	# Fewer is no leak: an object of someone else's that existed at the
	# start may have gone meanwhile (the counts are the whole kernel's).
	if objs_le "$now" "$baseline"; then
		held=$(kernel_held)
		[ "$held" != "[]" ] && echo "# maps held by the kernel alone, not counted: $held"
		ok
	else
		not_ok "kernel objects: expected at most '$baseline', got '$now'"
		# What is there, for the log (ids, names, types).
		command -v bpftool >/dev/null &&
			{ bpftool prog show; bpftool map show; bpftool link show; } 2>&1 |
			grep -E '^[0-9]+:' | sed 's/^/# left: /' | tail -n 20
	fi
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
}
