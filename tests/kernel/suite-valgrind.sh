#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# The CLI under valgrind's memcheck: attach, status and detach, on their
# success and error paths, with no invalid access, no use of
# uninitialised memory and no definitely lost block. Each command is
# checked for its usual exit status (valgrind's own is 99) and the chain
# for doing what the command said.
#   tests/kernel/suite-valgrind.sh tailcall|freplace
# Skipped where valgrind is not installed or xdpchain is built with
# AddressSanitizer (tests/sanitizers.sh: the two cannot run together);
# on the freplace backend XDPCHAIN_VALGRIND_FREPLACE=0 skips it (about a
# minute in the TCG VM).
# Suppressions (valgrind.supp) are for libbpf only.
set -uo pipefail

backend=${1:?usage: suite-valgrind.sh tailcall|freplace}
source "$(dirname "$0")/lib.sh"

supp=$(cd "$(dirname "$0")" && pwd)/valgrind.supp
vglog=$(mktemp -d /tmp/xdpc-vg-XXXXXX)
trap 'rm -rf "$vglog"; cleanup' EXIT
why_not=""
if ! command -v valgrind >/dev/null; then
	why_not="valgrind is not installed"
elif [[ "$(ldd "$XC" 2>/dev/null)" == *libasan* ]]; then
	# Not "ldd | grep -q": with pipefail, grep -q leaving early can kill
	# ldd with SIGPIPE and fail the test (seen in CI: valgrind then ran
	# an ASan build).
	why_not="xdpchain is built with AddressSanitizer"
elif [ "$backend" = freplace ] && [ "${XDPCHAIN_VALGRIND_FREPLACE:-1}" = 0 ]; then
	why_not="XDPCHAIN_VALGRIND_FREPLACE=0"
fi

# vg WANT_RC ARGS...: xdpchain ARGS under memcheck, in the test netns.
# Fails the test (and says why) on a valgrind finding or another exit
# status; stdout is kept in $out.
vg() {
	local want=$1 rc
	shift
	out=$(in_ns valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite --show-leak-kinds=definite \
		--suppressions="$supp" --log-file="$vglog/vg.%p" "$XC" "$@" 2>/dev/null)
	rc=$?
	if [ "$rc" -ne "$want" ] || grep -q '^==[0-9]*== [A-Z]' "$vglog"/vg.* 2>/dev/null; then
		not_ok "xdpchain $*: exit $rc (expected $want); valgrind says:" \
			"$(grep -h '^==' "$vglog"/vg.* 2>/dev/null | head -n 40)"
		rm -f "$vglog"/vg.*
		return 1
	fi
	rm -f "$vglog"/vg.*
	return 0
}

vg_ready() {
	[ -z "$why_not" ] && return 0
	skip "$why_not"
	return 1
}

t_vg_attach_status() {
	begin "valgrind: attach and status run clean"
	vg_ready || return
	vg 0 attach -b "$backend" xt0 "$OBJ" -p t_pass_b -P 20 -o app-b || return
	vg 0 attach -b "$backend" xt0 "$OBJ" -p t_drop -P 10 -c drop,pass || return
	vg 0 attach -b "$backend" xt0 "$OBJ" -p t_pass_a -P 30 -c none || return
	expect "chain" "verdict=pass trace=d0,a2,a1" "$(run)" || return
	vg 0 status xt0 || return
	expect "text status names a program" "1" "$(grep -c 't_pass_b' <<<"$out")" || return
	vg 0 -j status xt0 || return
	expect "json status" "t_drop,t_pass_b,t_pass_a" \
		"$(jq -r '[.[0].programs[].name] | join(",")' <<<"$out")" || return
	vg 0 -j status || return
	expect "json status of every interface" "3" \
		"$(jq -r '.[0].programs | length' <<<"$out")" && ok
}

t_vg_detach() {
	begin "valgrind: detach by name, by id and --all run clean"
	vg_ready || return
	att t_pass_a -P 10 && att t_pass_b -P 20 && att t_pass_c -P 30 ||
		{ not_ok "attach"; return; }
	vg 0 detach xt0 t_pass_b || return
	expect "after detach by name" "verdict=pass trace=a1,a3" "$(run)" || return
	vg 0 detach xt0 "$(prog_id t_pass_c)" || return
	expect "after detach by id" "verdict=pass trace=a1" "$(run)" || return
	vg 0 detach xt0 --all || return
	expect "no chain" "[]" "$(xc -j status xt0 | jq -c '.[0].programs // []')" && ok
}

t_vg_errors() {
	begin "valgrind: refused commands free everything too"
	vg_ready || return
	if [ "$backend" = freplace ]; then
		# Each command under memcheck takes tens of seconds in the VM
		# (TCG), and these refusals happen before the backend matters.
		skip "error paths are backend-independent: covered by the tailcall run"
		return
	fi
	vg 1 attach -b "$backend" xt0 /nonexistent.o || return
	vg 1 attach -b "$backend" xt0 "$OBJ" -p no_such_prog || return
	vg 2 attach -b "$backend" xt0 "$OBJ" -P high || return
	vg 2 attach --bogus || return
	vg 1 detach xt0 t_pass_a || return # no chain
	att t_pass_a || { not_ok "attach"; return; }
	vg 1 detach xt0 no_such_prog || return
	vg 1 attach -b "$backend" --expect-revision 7 xt0 "$OBJ" -p t_pass_b || return
	vg 1 -j attach -b "$backend" xt0 "$OBJ" -p t_pass_a -m skb || return
	expect "json error document" "true" "$(jq 'has("error")' <<<"$out")" || return
	expect "chain unchanged" "verdict=pass trace=a1" "$(run)" && ok
}

start=$SECONDS
run_tests t_vg_attach_status t_vg_detach t_vg_errors
echo "# valgrind suite ($backend): $((SECONDS - start)) s"
finish
