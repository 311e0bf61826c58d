#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Concurrency: many processes (and threads) attaching and detaching at
# random on the same interfaces through the library (tests/tools/xcstress),
# then a check that the chain is exactly what the successful operations
# imply, nothing is duplicated, and nothing is left in the kernel after
# "detach --all". Prints the operations per second as "# ..." lines.
#   tests/kernel/suite-stress.sh tailcall|freplace
# Env: XCSTRESS (default: next to XDPTEST), STRESS_OPS (operations per
# worker in the first test, a quarter or an eighth of it in the others; default
# 120 for tailcall on the host, 20 for freplace, which runs in the
# TCG-emulated VM).
set -uo pipefail

backend=${1:?usage: suite-stress.sh tailcall|freplace}
source "$(dirname "$0")/lib.sh"
XS=${XCSTRESS:-$(dirname "$XT")/xcstress}
if [ "$backend" = freplace ]; then ops=${STRESS_OPS:-20}; else ops=${STRESS_OPS:-120}; fi
seed=${STRESS_SEED:-$RANDOM}
work=$(mktemp -d /tmp/xdpc-stress.XXXXXX)
# Two more namespaces, created the same way, so their veth get the same
# ifindex: the state of one must never be taken for the other's.
nsa=xdpc-sa-$$
nsb=xdpc-sb-$$

stress_cleanup() {
	local n
	for n in "$nsa" "$nsb"; do
		ip netns exec "$n" "$XC" detach xs0 --all >/dev/null 2>&1
		ip netns del "$n" 2>/dev/null
	done
	rm -rf "$work"
	cleanup
}
trap stress_cleanup EXIT

# mkns NAME: a fresh namespace with veth xs0/xs1, up, IPv6 off.
mkns() {
	ip netns add "$1" || return 1
	ip netns exec "$1" sh -c 'echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6' 2>/dev/null
	ip -n "$1" link add xs0 type veth peer name xs1 &&
		ip -n "$1" link set xs0 up && ip -n "$1" link set xs1 up
}

# status_of NETNS IFACE: the chain's JSON status there.
status_of() { ip netns exec "$1" "$XC" -j status "$2" 2>/dev/null; }

# stress NAME ARGS...: run xcstress, keep its log in $work/NAME.log and
# print its summary.
stress() {
	local name=$1 rc
	shift
	"$XS" -s "$seed" -b "$backend" "$@" >"$work/$name.log" 2>"$work/$name.err"
	rc=$?
	grep '^# total' "$work/$name.log" | sed "s/^# total/# $name ($backend): total/"
	if [ "$rc" -ne 0 ]; then
		not_ok "xcstress $name exited with $rc: $(tail -n 3 "$work/$name.err")"
		return 1
	fi
}

# check_target LOG IDX NETNS IFACE: the chain on NETNS/IFACE is exactly
# what the log's successful operations on target IDX imply.
check_target() {
	local log=$1 idx=$2 netns=$3 ifc=$4 want have js n trace
	want=$(awk -v t="$idx" '
		$2 == "attach" && $3 == t && $5 == "ok" { a[$6] = 1 }
		$2 == "detach" && $3 == t && $5 == "ok" { d[$4] = 1 }
		END { for (k in a) if (!(k in d)) print k }' "$log" | sort -n | tr '\n' ' ')
	js=$(status_of "$netns" "$ifc")
	have=$(echo "$js" | jq -r '.[0].programs[]?.id' | sort -n | tr '\n' ' ')
	expect "programs on $netns/$ifc (target $idx)" "$want" "$have" || return 1
	expect "no program twice on $netns/$ifc" "" \
		"$(echo "$js" | jq -r '.[0].programs[]?.id' | sort | uniq -d)" || return 1
	expect "run order by priority on $netns/$ifc" true \
		"$(echo "$js" | jq '[.[0].programs[]?.priority] as $p | $p == ($p | sort)')" ||
		return 1
	n=$(echo "$have" | wc -w)
	[ "$backend" = tailcall ] && { [ "$n" -le 32 ] || { not_ok "$n tail-call slots"; return 1; }; }
	# Every program of the chain runs on a packet (each adds "a1").
	if [ "$n" -gt 0 ]; then
		trace=$(ip netns exec "$netns" "$XT" run "$ifc")
		expect "packet through $netns/$ifc" \
			"verdict=pass trace=$(printf 'a1,%.0s' $(seq "$n") | sed 's/,$//')" \
			"$trace" || return 1
	fi
	echo "# target $idx ($netns/$ifc): $n program(s) left, as the log implies"
}

# check_log LOG: attach ids unique, only the refusals the chain's limits
# explain, every self-check of the workers passed.
check_log() {
	local log=$1 bad
	expect "attach ids are unique" "" \
		"$(awk '$2 == "attach" && $5 == "ok" { print $6 }' "$log" | sort | uniq -d)" ||
		return 1
	bad=$(grep -E '^T[0-9.]+ (attach .* fail [^ ]+$|detach .* fail|check )' "$log" |
		grep -v -E '^T[0-9.]+ attach .* fail E2BIG$' | head -n 5)
	expect "operations failing for another reason than a full chain" "" "$bad" || return 1
	echo "# $(awk '$2 == "attach" && $5 == "ok"' "$log" | wc -l) attaches and" \
		"$(awk '$2 == "detach" && $5 == "ok"' "$log" | wc -l) detaches succeeded," \
		"$(awk '$2 == "attach" && $NF == "E2BIG"' "$log" | wc -l) attaches refused" \
		"(chain full)"
}

# check_gone LOG NETNS IFACE...: after "detach --all" on every target,
# nothing of the run is left: no state directory, no XDP program on the
# interfaces, no dispatcher built for them and no program the workers
# attached. These checks are precise even while other BPF users come and
# go on the machine; finish (lib.sh) also compares the kernel-wide object
# counts with the suite's start.
check_gone() {
	local log=$1 alive disps i ino idx keys=""
	shift
	while [ $# -ge 2 ]; do
		ip netns exec "$1" "$XC" detach "$2" --all >/dev/null 2>&1
		ino=$(stat -L -c %i "/run/netns/$1")
		idx=$(ip netns exec "$1" cat "/sys/class/net/$2/ifindex")
		expect "no chain on $1/$2 after detach --all" "" "$(status_of "$1" "$2" |
			jq -r '.[0].programs[]?.id')" || return 1
		[ ! -e "$XDPCHAIN_BPFFS_ROOT/ns-$ino/if-$idx" ] ||
			{ not_ok "state of $1/$2 left behind"; return 1; }
		expect "XDP on $1/$2" "" "$(ip -n "$1" link show "$2" | grep -o 'prog/xdp')" ||
			return 1
		keys="$keys $ino:$idx"
		shift 2
	done
	for i in 1 2 3 4 5; do # programs are freed after an RCU grace period
		alive=$(awk '$2 == "attach" && $5 == "ok" { print $6 }' "$log" | "$XS" alive)
		disps=$("$XS" disps | awk -v k="$keys" '
			BEGIN { n = split(k, a, " "); for (i = 1; i <= n; i++) want[a[i]] = 1 }
			($1 ":" $2) in want { print $3 }')
		[ -z "$alive$disps" ] && break
		sleep 1
	done
	expect "attached programs still in the kernel" "" "$(echo $alive)" || return 1
	expect "dispatchers of these interfaces still in the kernel" "" "$(echo $disps)"
}

t_processes_one_iface() {
	begin "8 processes attach and detach at random on one interface; the chain is what succeeded"
	stress procs -w 8 -n "$ops" "$OBJ" t_pass_a "$ns:xt0" || return
	check_log "$work/procs.log" && check_target "$work/procs.log" 0 "$ns" xt0 &&
		check_gone "$work/procs.log" "$ns" xt0 && ok
}

t_threads_one_iface() {
	begin "8 threads of one process attach and detach at random on one interface"
	stress threads -w 1 -t 8 -n "$((ops / 4 + 1))" "$OBJ" t_pass_a "$ns:xt0" || return
	check_log "$work/threads.log" && check_target "$work/threads.log" 0 "$ns" xt0 &&
		check_gone "$work/threads.log" "$ns" xt0 && ok
}

t_two_netns_same_ifindex() {
	begin "8 processes over two namespaces whose interfaces have the same ifindex"
	local ia ib
	mkns "$nsa" && mkns "$nsb" || { not_ok "cannot create the namespaces"; return; }
	ia=$(ip netns exec "$nsa" cat /sys/class/net/xs0/ifindex)
	ib=$(ip netns exec "$nsb" cat /sys/class/net/xs0/ifindex)
	expect "ifindex of xs0 in both namespaces" "$ia" "$ib" || return
	echo "# xs0 has ifindex $ia in both namespaces"
	stress netns -w 8 -n "$((ops / 4 + 1))" "$OBJ" t_pass_a "$nsa:xs0" "$nsb:xs0" || return
	check_log "$work/netns.log" && check_target "$work/netns.log" 0 "$nsa" xs0 &&
		check_target "$work/netns.log" 1 "$nsb" xs0 &&
		check_gone "$work/netns.log" "$nsa" xs0 "$nsb" xs0 && ok
}

t_state_dirs_churn() {
	begin "chains emptied and rebuilt concurrently on two interfaces of one namespace"
	# KEEP 0: every worker alternates attach and detach, so the chains
	# and their state directories (and the namespace's) come and go.
	stress churn -w 8 -k 0 -n "$((ops / 8 + 1))" "$OBJ" t_pass_a "$ns:xt0" "$ns:xt1" || return
	check_log "$work/churn.log" && check_target "$work/churn.log" 0 "$ns" xt0 &&
		check_target "$work/churn.log" 1 "$ns" xt1 &&
		check_gone "$work/churn.log" "$ns" xt0 "$ns" xt1 && ok
}

echo "# seed $seed, $ops operations per worker"
run_tests t_processes_one_iface t_threads_one_iface t_two_netns_same_ifindex t_state_dirs_churn
finish
