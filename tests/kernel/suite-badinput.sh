#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Bad input and least privilege:
#   tests/kernel/suite-badinput.sh tailcall|freplace
# Every case gives a clear error naming the problem, the documented exit
# status (0 ok, 1 failure, 2 usage error; README "Exit status") and leaves
# the state as it was: the chain as status -j shows it, the program on the
# interface, the files of the state directory and the kernel's BPF object
# counts (global to the kernel: XDPCHAIN_TEST_SHARED_HOST=1 skips that
# comparison on a host where other BPF tests run at the same time; CI and
# the VM compare them). The results are listed in docs/reliability.md ("Bad input"), the
# privilege model in docs/security.md.
set -uo pipefail

backend=${1:?usage: suite-badinput.sh tailcall|freplace}
source "$(dirname "$0")/lib.sh"

BAD=$TEST_BPF_DIR/test_bad.o
NOBTF=$TEST_BPF_DIR/test_nobtf.o
NOXDP=$TEST_BPF_DIR/test_noxdp.o
DISPOBJ=${DISPATCHER_OBJ:-$TEST_BPF_DIR/../../dispatcher/xdpchain_dispatcher.o}
work=$(mktemp -d /tmp/xdpc-badinput.XXXXXX)
trap 'rm -rf "$work"; cleanup' EXIT

# Back to nothing even after a failed case that planted something reset
# cannot remove (a pinned foreign link, libxdp's pins): the state root and
# libxdp's pins go, which releases whatever they hold.
begin() {
	current=$1
	reset
	rm -rf "${XDPCHAIN_BPFFS_ROOT:?}"/* "$bpffs/xdp" 2>/dev/null
	in_ns "$XT" detach-foreign xt0 >/dev/null 2>&1
	true
}

# What must not change: the chain, what runs on xt0, the state files.
snapshot() {
	status_json
	ip -n "$ns" -j link show xt0 | jq -r '.[0].xdp.prog.id // "none"'
	(cd "$XDPCHAIN_BPFFS_ROOT" 2>/dev/null && find . | sort)
}
objs() { owned_objs; }
# Take the "before" picture.
mark() { before=$(snapshot); before_objs=$(settled_objs); }
# unchanged: everything as at mark. The object counts are global to the
# kernel: on a host shared with other test runs they can move for a moment,
# so they get a few chances (in the VM they are exact at once).
unchanged() {
	expect "state unchanged" "$before" "$(snapshot)" || return 1
	[ "${XDPCHAIN_TEST_SHARED_HOST:-0}" = 1 ] && return 0
	local i now
	for i in 1 2 3 4 5; do
		now=$(objs)
		[ "$now" = "$before_objs" ] && return 0
		sleep 1
	done
	not_ok "kernel objects: expected '$before_objs', got '$now'"
	return 1
}
# bad CODE REGEX XC-ARGS...: 'xdpchain XC-ARGS' exits with CODE and its
# stderr matches REGEX (grep -E).
bad() {
	local code=$1 re=$2
	shift 2
	expect_exit "$code" xc "$@" || return 1
	grep -qE -- "$re" <<<"$err" && return 0
	not_ok "error of 'xdpchain $*' does not match /$re/: $err"
	return 1
}
# bad_json CODE XC-ARGS...: with -j, the same exit status and exactly one
# JSON document on stdout, {"error": ...}.
bad_json() {
	local code=$1 out rc
	shift
	out=$(xc -j "$@" 2>/dev/null)
	rc=$?
	expect "exit status of 'xdpchain -j $*'" "$code" "$rc" || return 1
	expect "one JSON error document from 'xdpchain -j $*'" "true" \
		"$(jq -s 'length == 1 and (.[0] | has("error"))' <<<"$out" 2>/dev/null)"
}
# A chain to protect: two programs.
# Two programs by a rebuild (the second sorts first), so with 8 spares on
# both backends (a second one sorting last would take a freplace chain of
# one's single spare, protocol.md section 6b).
base() { att t_pass_b -P 20 && att t_pass_a -P 10 || { not_ok "attach the base chain"; return 1; }; }
# A cheaper one where two programs add nothing.
base1() { att t_pass_a -P 10 || { not_ok "attach the base chain"; return 1; }; }
statedir() { echo "$XDPCHAIN_BPFFS_ROOT"/ns-*/if-*; }

t_missing_file() {
	begin "missing file: exit 1, names the file"
	base1 || return
	mark
	bad 1 "$work/missing.o.*No such file" attach -b "$backend" xt0 "$work/missing.o" || return
	unchanged && ok
}

t_not_elf() {
	begin "not an ELF file, a directory, an ELF file of another machine: exit 1"
	base1 || return
	echo "hello" >"$work/text.o"
	mark
	bad 1 "text.o: not an ELF file" attach -b "$backend" xt0 "$work/text.o" || return
	bad 1 "$work: not a regular file" attach -b "$backend" xt0 "$work" || return
	bad 1 "not a BPF object \(EM_BPF\)" attach -b "$backend" xt0 "$XC" || return
	unchanged && ok
}

t_truncated_elf() {
	begin "truncated ELF: exit 1, says truncated"
	base1 || return
	head -c 2000 "$OBJ" >"$work/trunc.o"
	head -c 40 "$OBJ" >"$work/trunc-hdr.o"
	mark
	bad 1 "trunc.o: truncated ELF file" attach -b "$backend" xt0 "$work/trunc.o" || return
	bad 1 "trunc-hdr.o: truncated ELF file" attach -b "$backend" xt0 "$work/trunc-hdr.o" || return
	unchanged && ok
}

t_corrupted_elf() {
	begin "corrupted ELF (garbage section headers): exit 1, the unreadable section is named"
	base1 || return
	local shoff
	cp "$OBJ" "$work/corrupt.o"
	# e_shoff (8 bytes at 0x28): overwrite the section headers after the
	# null one with 0xff bytes.
	shoff=$(od -An -t u8 -j 40 -N 8 "$OBJ" | tr -d ' ')
	head -c 256 /dev/zero | tr '\0' '\377' |
		dd of="$work/corrupt.o" bs=1 seek=$((shoff + 64)) conv=notrunc status=none
	mark
	bad 1 "corrupt.o: corrupted ELF: section 1 has no name" attach -b "$backend" xt0 "$work/corrupt.o" || return
	unchanged && ok
}

t_no_xdp_program() {
	begin "an object without XDP programs, a non-XDP program: exit 1, lists what is there"
	base1 || return
	mark
	bad 1 "no XDP program.*t_tc_only \(SEC\(\"tc\"\)\)" attach -b "$backend" xt0 "$NOXDP" || return
	bad 1 "'t_not_xdp' is not an XDP program" attach -b "$backend" xt0 "$BAD" -p t_not_xdp || return
	unchanged && ok
}

t_program_not_found() {
	begin "program name not found: exit 1, lists the available programs"
	base1 || return
	mark
	bad 1 "'no_such_prog' not found; the object has: t_pass_a .*t_frags_pass" \
		attach -b "$backend" xt0 "$OBJ" -p no_such_prog || return
	unchanged && ok
}

t_no_btf() {
	begin "a program without BTF: freplace refused clearly, auto joins through a tail call"
	base || return
	mark
	bad 1 "t_pass_c: has no BTF.*tail-call slot" attach -b freplace xt0 "$NOBTF" -p t_pass_c || return
	unchanged || return
	xc attach xt0 "$NOBTF" -p t_pass_c -P 30 >/dev/null || { not_ok "attach (auto) without BTF"; return; }
	expect "its slot" "tailcall" "$(status_json | jq -r '.[0].programs[2].backend')" || return
	expect "runs" "verdict=pass trace=a1,a2,a3" "$(run)" && ok
}

t_no_btf_maps() {
	begin "maps in SEC(\".maps\") without BTF: exit 1, says to build with clang -g"
	base1 || return
	mark
	bad 1 "test_nobtf_maps.o: declares maps in SEC.*needs BTF.*clang -g" \
		attach -b "$backend" xt0 "$TEST_BPF_DIR/test_nobtf_maps.o" || return
	unchanged && ok
}

t_unresolved_extern() {
	begin "a call to a function nothing defines (not __ksym): exit 1, names the symbol (was 'no XDP program in it')"
	base1 || return
	mark
	bad 1 "test_extern.o: refers to xc_not_linked_in, which it does not define.*bpftool gen object" \
		attach -b "$backend" xt0 "$TEST_BPF_DIR/test_extern.o" || return
	expect "not 'no XDP program'" "" "$(grep 'no XDP program' <<<"$err")" || return
	unchanged && ok
}

t_fifo_and_exit_codes() {
	begin "a FIFO as object or pcap file is refused at once; an owner too long exits 2 like a bad one; a missing pcap exits 1 like a missing object"
	base1 || return
	mkfifo "$work/fifo.o" || { not_ok "mkfifo"; return; }
	mark
	# timeout: before the fix, open() blocked for ever.
	expect_exit 1 timeout 10 ip netns exec "$ns" "$XC" attach -b "$backend" xt0 "$work/fifo.o" || return
	grep -q "fifo.o: not a regular file" <<<"$err" || { not_ok "object FIFO: $err"; return; }
	expect_exit 1 timeout 10 ip netns exec "$ns" "$XC" trace xt0 --pcap "$work/fifo.o" || return
	grep -q "fifo.o: not a regular file" <<<"$err" || { not_ok "pcap FIFO: $err"; return; }
	bad 2 "invalid owner" attach -b "$backend" xt0 "$OBJ" -p t_pass_b -o "$(printf 'o%.0s' $(seq 32))" ||
		return
	bad 2 "invalid owner" attach -b "$backend" xt0 "$OBJ" -p t_pass_b -o 'a b' || return
	bad 1 "nonexistent.pcap: cannot open" trace xt0 --pcap "$work/nonexistent.pcap" || return
	rm -f "$work/fifo.o"
	unchanged && ok
}

t_state_not_visible() {
	begin "a chain whose state root cannot be seen (not on bpffs): status, trace and gc say so, never 'foreign', and change nothing"
	local nb=$work/notbpf
	base1 || return
	mkdir -p "$nb"
	mark
	bad 1 "state root $nb is not on a BPF filesystem" --root "$nb" status xt0 || return
	bad 1 "state root $nb is not on a BPF filesystem" --root "$nb" status || return
	bad 1 "state root $nb is not on a BPF filesystem" \
		--root "$nb" trace xt0 --packet "$(in_ns "$XT" packet)" || return
	# gc used to say "nothing to collect".
	bad 1 "state root $nb is not on a BPF filesystem" --root "$nb" gc || return
	bad 1 "state root $nb is not on a BPF filesystem" --root "$nb" gc xt0 || return
	# attach blamed it on "the mode or backend".
	bad 1 "state root $nb is not on a BPF filesystem" --root "$nb" attach -b "$backend" xt0 "$OBJ" -p t_pass_b || return
	expect "attach: the error points at the library's message, not at the mode" "yes no" \
		"$(grep -q "Operation not supported (the library's message above says why)" <<<"$err" && echo yes || echo no) $(grep -q 'mode or backend' <<<"$err" && echo yes || echo no)" || return
	expect "JSON: the reason" "true" \
		"$(xc -j --root "$nb" status xt0 2>/dev/null | jq '[.warnings[]? | test("not on a BPF filesystem")] | any')" ||
		return
	expect "it still runs" "verdict=pass trace=a1" "$(run)" || return
	unchanged && ok
}

t_pinned_map() {
	begin "pinned:PATH of a map: exit 1, says it is not a program (not a program of the map's id)"
	base1 || return
	bpftool map create "$bpffs/a-map" type array key 4 value 4 entries 1 name a_map ||
		{ not_ok "bpftool map create"; return; }
	mark
	bad 1 "is not a BPF program \(a map or a link\?\)" \
		attach -b "$backend" xt0 "pinned:$bpffs/a-map" || { rm -f "$bpffs/a-map"; return; }
	unchanged || { rm -f "$bpffs/a-map"; return; }
	rm "$bpffs/a-map"
	ok
}

t_verifier_reject() {
	begin "a program the verifier rejects: exit 1, the end of the verifier log is shown"
	base1 || return
	mark
	bad 1 "t_reject: the verifier rejected the program" attach -b "$backend" xt0 "$BAD" -p t_reject || return
	# The verifier's own words: "invalid access to packet" (Linux 5.10 to
	# 6.18), "access may be outside object bounds" (7.x, whose reason sits
	# above the log's end and is named on a line of its own).
	expect "log tail" "yes" "$(grep -qE "invalid access to packet|reason: error: access may be outside" <<<"$err" && echo yes)" || return
	unchanged && ok
}

t_json_errors() {
	begin "with -j every failure is one JSON error document, same exit status"
	base1 || return
	echo "hello" >"$work/text.o"
	mark
	bad_json 1 attach -b "$backend" xt0 "$work/missing.o" || return
	bad_json 1 attach -b "$backend" xt0 "$work/text.o" || return
	bad_json 1 attach -b "$backend" xt0 "$OBJ" -p no_such_prog || return
	bad_json 2 attach -b "$backend" xt0 "$OBJ" -p t_pass_c -P 12x || return
	bad_json 2 status nosuch0 || return
	bad_json 1 attach -b "$backend" xt0 "$OBJ" -p t_pass_c -m skb || return
	# The reason stderr gives (the library's warning) is in the document.
	expect "the reason, in JSON too" "true" \
		"$(xc -j attach -b "$backend" xt0 "$OBJ" -p t_pass_c -m skb 2>/dev/null |
		   jq '[.warnings[]? | test("runs in native mode; cannot add a program in skb mode")] | any')" ||
		return
	unchanged && ok
}

t_chain_full() {
	# freplace: 64 slots; tail calls: 32 (the kernel's tail-call budget).
	local max=64 i
	[ "$backend" = tailcall ] && max=32
	begin "program $((max + 1)) of a full chain: exit 1, says $max, nothing changes"
	for i in $(seq 1 "$max"); do
		att t_pass_a -P "$i" || { not_ok "attach #$i"; return; }
	done
	mark
	bad 1 "$max" attach -b "$backend" xt0 "$OBJ" -p t_pass_b -P 99 || return
	unchanged && ok
}

t_bad_values() {
	begin "invalid priority, verdict, mode, backend, revision: exit 2, names the value"
	base1 || return
	mark
	bad 2 "12x" attach -b "$backend" xt0 "$OBJ" -p t_pass_c -P 12x || return
	bad 2 "99999999999.*out of range" attach -b "$backend" xt0 "$OBJ" -p t_pass_c -P 99999999999 || return
	bad 2 "'pas'" attach -b "$backend" xt0 "$OBJ" -p t_pass_c -c pass,pas || return
	bad 2 "warp" attach -b "$backend" xt0 "$OBJ" -p t_pass_c -m warp || return
	bad 2 "nope" attach -b nope xt0 "$OBJ" -p t_pass_c || return
	bad 2 "abc" attach -b "$backend" xt0 "$OBJ" -p t_pass_c --expect-revision abc || return
	bad 2 "--bogus" attach -b "$backend" xt0 "$OBJ" --bogus || return
	unchanged && ok
}

t_unknown_interface() {
	begin "unknown interface: exit 2 for attach, detach and status, names it"
	base1 || return
	mark
	bad 2 "'nosuch0' not found" attach -b "$backend" nosuch0 "$OBJ" -p t_pass_c || return
	bad 2 "'nosuch0' not found" detach nosuch0 t_pass_a || return
	bad 2 "'nosuch0' not found" status nosuch0 || return
	bad 2 "not found" status "a-name-longer-than-15" || return
	unchanged && ok
}

t_mode_mismatch() {
	begin "a mode other than the running dispatcher's: exit 1, names both modes"
	base1 || return
	mark
	bad 1 "runs in native mode; cannot add a program in skb mode" \
		attach -b "$backend" xt0 "$OBJ" -p t_pass_c -m skb || return
	unchanged && ok
}

t_foreign_program() {
	begin "a foreign XDP program: attach exits 1 naming its id and name, detach too"
	local fid
	fid=$(in_ns "$XT" attach-foreign xt0 "$OBJ" t_pass_e) || { not_ok "foreign attach"; return; }
	mark
	bad 1 "XDP program id $fid name 't_pass_e'.*--replace-foreign" \
		attach -b "$backend" xt0 "$OBJ" -p t_pass_a || return
	bad 1 "no xdpchain chain on xt0" detach xt0 --all || return
	expect "status names it" "$fid t_pass_e" \
		"$(status_json | jq -r '.[0].foreign | "\(.id) \(.name)"')" || return
	unchanged && ok
}

t_replace_foreign_all_or_nothing() {
	begin "--replace-foreign: the foreign program is put back when the chain cannot take its place; one held by a BPF link is refused, not retried"
	local fid d
	nonative_if xd0 || { not_ok "an interface without native XDP"; return; }
	# xd0 runs XDP in skb mode only: the chain (native by
	# default) fails after the foreign program was taken off.
	fid=$(in_ns "$XT" attach-foreign xd0 "$OBJ" t_pass_e skb) || { not_ok "foreign attach"; return; }
	bad 1 "does not support native XDP" \
		attach -b "$backend" xd0 "$OBJ" -p t_pass_a --replace-foreign || return
	expect "the foreign program is back" "$fid t_pass_e" \
		"$(xc -j status xd0 | jq -r '.[0].foreign | "\(.id) \(.name)"')" || return
	in_ns "$XT" detach-foreign xd0 >/dev/null 2>&1
	ip -n "$ns" link del xd0
	# Held by a BPF link (pinned elsewhere): netlink cannot detach it.
	d=$work/foreign-link
	fid=$(in_ns "$XT" link-foreign xt0 "$OBJ" t_pass_e "$bpffs/foreign-link") ||
		{ not_ok "link-foreign"; return; }
	bad 1 "held by a BPF link, which only its owner can detach" \
		attach -b "$backend" xt0 "$OBJ" -p t_pass_a --replace-foreign || return
	expect "it still runs" "verdict=pass trace=a5" "$(run)" || return
	rm "$bpffs/foreign-link"
	ok
}

# libxdp (xdp-tools): on a kernel with freplace it installs its dispatcher;
# where EXT programs are refused (the host) it attaches the program
# directly, which is an ordinary foreign program to xdpchain.
t_libxdp() {
	begin "libxdp's dispatcher: status shows it read-only, attach refuses naming it"
	command -v xdp-loader >/dev/null || { skip "xdp-loader (xdp-tools) not installed"; return; }
	local lx=(env LIBXDP_BPFFS="$bpffs" xdp-loader) id j
	in_ns "${lx[@]}" load -m skb -n t_plain -P 33 xt0 "$BAD" >"$work/lx.out" 2>&1 ||
		{ not_ok "xdp-loader load: $(cat "$work/lx.out")"; return; }
	id=$(ip -n "$ns" -j link show xt0 | jq -r '.[0].xdp.prog.id // empty')
	[ -n "$id" ] || { not_ok "xdp-loader attached nothing"; return; }
	mark
	# status reads libxdp's chain through libxdp, which finds its programs
	# where it pinned them: the same LIBXDP_BPFFS as xdp-loader's.
	j=$(in_ns env LIBXDP_BPFFS="$bpffs" "$XC" -j status xt0)
	if [ "$(jq -r '.[0].foreign.name' <<<"$j")" = xdp_dispatcher ]; then
		expect "manager" "libxdp $id true true" \
			"$(jq -r '.[0] | "\(.manager) \(.dispatcher_id) \(.read_only) \(.programs_complete)"' <<<"$j")" || return
		# On 6.12 libxdp's lone program replaces the dispatcher's main
		# function rather than prog0: it must be listed all the same.
		expect "its program: position, name, id, priority, continue-on, slot" \
			"1 t_plain $(bpftool -j prog show name t_plain | jq -r 'if type == "array" then .[0].id else .id end') 33 pass 0 1" \
			"$(jq -r '.[0] | "\(.programs[0] | "\(.position) \(.name) \(.id) \(.priority) \(.continue_on | join(",")) \(.slot)") \(.programs | length)"' <<<"$j")" || return
		# Without libxdp's pins, status says its programs are not known.
		expect "libxdp's pins elsewhere: incomplete" "true false 0" \
			"$(in_ns env LIBXDP_BPFFS="$work/nolibxdp" "$XC" -j status xt0 | jq -r '.[0] | "\(.read_only) \(.programs_complete) \(.programs | length)"')" || return
		bad 1 "libxdp dispatcher id $id name 'xdp_dispatcher'" \
			attach -b "$backend" xt0 "$OBJ" -p t_pass_a -m skb || return
		unchanged || return
		in_ns "${lx[@]}" unload --all xt0 >/dev/null 2>&1 || { not_ok "xdp-loader unload"; return; }
		ok
		return
	else
		# Direct attach: a foreign program like any other.
		expect "foreign" "$id t_plain" "$(jq -r '.[0].foreign | "\(.id) \(.name)"' <<<"$j")" || return
		bad 1 "XDP program id $id name 't_plain'" attach -b "$backend" xt0 "$OBJ" -p t_pass_a -m skb || return
	fi
	unchanged || return
	in_ns "${lx[@]}" unload --all xt0 >/dev/null 2>&1 || { not_ok "xdp-loader unload"; return; }
	ok
}

t_state_unknown_entries() {
	begin "unknown entries in the state directory are left alone, with a warning"
	base || return
	local d
	d=$(statedir)
	mkdir "$d/junk-dir" && ln -s /etc/passwd "$d/junk-link" || { not_ok "plant"; return; }
	xc attach -b "$backend" xt0 "$OBJ" -p t_pass_c -P 30 >/dev/null 2>"$work/err" ||
		{ not_ok "attach: $(cat "$work/err")"; return; }
	expect "warns" "yes" "$(grep -q "junk-link: unknown entry, left alone" "$work/err" && echo yes)" || return
	expect "kept" "yes" "$([ -d "$d/junk-dir" ] && [ -L "$d/junk-link" ] && echo yes)" || return
	expect "runs" "verdict=pass trace=a1,a2,a3" "$(run)" && ok
}

t_state_wrong_prog_pin() {
	begin "prog-<id> pinning another program: never used, re-pinned"
	base || return
	local d ida idb
	d=$(statedir)
	ida=$(prog_id t_pass_a)
	rm "$d/prog-$ida" && bpftool prog load "$V2OBJ" "$d/prog-$ida" 2>/dev/null ||
		{ not_ok "plant"; return; }
	# Appended in place, the chain does not use the pins of its programs.
	att t_pass_d -P 40 || { not_ok "append"; return; }
	expect "runs" "verdict=pass trace=a1,a2,a4" "$(run)" || return
	# A relocation in place does (t_pass_c goes between them: the whole
	# chain is written into spare positions, section 6c), as a rebuild.
	xc attach -b "$backend" xt0 "$OBJ" -p t_pass_c -P 30 >/dev/null 2>"$work/err" ||
		{ not_ok "attach: $(cat "$work/err")"; return; }
	expect "warns" "yes" "$(grep -q "prog-$ida is not program $ida" "$work/err" && echo yes)" || return
	expect "the chain still runs program $ida" "verdict=pass trace=a1,a2,a3,a4" "$(run)" || return
	expect "status" "$ida" "$(prog_id t_pass_a)" || return
	expect "pin repaired" "$ida" "$(bpftool prog show pinned "$d/prog-$ida" -j | jq -r .id)" && ok
}

# forge PIN SUFFIX: replace the map pinned at PIN by a forged one of the
# same type, size and name suffix (.SUFFIX), all zero.
forge() {
	local size
	size=$(bpftool map show pinned "$1" -j 2>/dev/null | jq -r .bytes_value)
	[ -n "$size" ] || { not_ok "no $(basename "$1") pin"; return 1; }
	rm "$1"
	bpftool map create "$1" type array key 4 value "$size" entries 1 \
		name "forged.$2" 2>/dev/null || { not_ok "plant"; return 1; }
}

t_state_forged_meta() {
	begin "a forged meta-<rev> map is ignored; the dispatcher's own metadata is read"
	base || return
	local d rev
	d=$(statedir)
	rev=$(revision)
	forge "$d/meta-$rev" rodata || return
	mark
	xc status xt0 >/dev/null 2>"$work/err" || { not_ok "status: $(cat "$work/err")"; return; }
	expect "warns" "yes" "$(grep -q "metadata map is not the dispatcher's" "$work/err" && echo yes)" || return
	expect "status" "t_pass_a t_pass_b" "$(status_json | jq -r '[.[0].programs[].name] | join(" ")')" || return
	unchanged || return
	att t_pass_c -P 30 || { not_ok "attach over it"; return; }
	expect "runs" "verdict=pass trace=a1,a2,a3" "$(run)" && ok
}

t_state_forged_live() {
	begin "a forged live-<rev> map is ignored; the dispatcher's own appended programs are read"
	base || return
	local d rev
	att t_pass_c -P 30 || { not_ok "append"; return; }
	d=$(statedir)
	rev=$(status_json | jq -r '.[0].dispatcher_revision')
	# All zero: no appended program, which would hide t_pass_c.
	forge "$d/live-$rev" bss || return
	mark
	xc status xt0 >/dev/null 2>"$work/err" || { not_ok "status: $(cat "$work/err")"; return; }
	expect "warns" "yes" "$(grep -q "live map is not the dispatcher's" "$work/err" && echo yes)" || return
	expect "status" "t_pass_a t_pass_b t_pass_c" "$(status_json | jq -r '[.[0].programs[].name] | join(" ")')" || return
	unchanged || return
	att t_pass_d -P 40 || { not_ok "attach over it"; return; }
	expect "runs" "verdict=pass trace=a1,a2,a3,a4" "$(run)" && ok
}

t_state_bad_live_end() {
	begin "a live end past the spare slots: the dispatcher fails closed and the chain is alien"
	base || return
	local d rev val
	command -v bpftool >/dev/null || { skip "bpftool not installed"; return; }
	d=$(statedir)
	rev=$(status_json | jq -r '.[0].dispatcher_revision')
	live() { # BYTE0: the live map with its first byte (nr_end) set
		bpftool map lookup pinned "$d/live-$rev" key 0 0 0 0 -j |
			jq -r --arg b "$1" '.value | .[0] = $b | join(" ")'
	}
	val=$(live 0x40) && [ -n "$val" ] || { not_ok "read live-$rev"; return; }
	# shellcheck disable=SC2086 # one argument per byte
	bpftool map update pinned "$d/live-$rev" key 0 0 0 0 value $val ||
		{ not_ok "write live-$rev"; return; }
	expect "fails closed" "verdict=aborted" "$(run | cut -d' ' -f1)" || return
	mark
	bad 1 "not a valid xdpchain chain \(live end 64 outside positions 2\.\.10\)" \
		attach -b "$backend" xt0 "$OBJ" -p t_pass_c -P 30 || return
	unchanged || return
	val=$(live 0x02)
	# shellcheck disable=SC2086
	bpftool map update pinned "$d/live-$rev" key 0 0 0 0 value $val ||
		{ not_ok "write live-$rev back"; return; }
	expect "a chain again" "verdict=pass trace=a1,a2" "$(run)" || return
	att t_pass_c -P 30 || { not_ok "append"; return; }
	expect "appended" "verdict=pass trace=a1,a2,a3" "$(run)" && ok
}

t_state_stale_link() {
	begin "a stale dispatcher pin (link detached) and stale pins are collected"
	base || return
	local d old
	d=$(statedir)
	old=$(revision)
	bpftool link detach pinned "$d/dispatcher" 2>/dev/null || { not_ok "detach the link"; return; }
	bpftool prog load "$V2OBJ" "$d/prog-4000000000" 2>/dev/null || { not_ok "plant"; return; }
	expect "nothing runs" "none" "$(ip -n "$ns" -j link show xt0 | jq -r '.[0].xdp.prog.id // "none"')" || return
	expect "status" "[]" "$(status_json | jq -c '.[0].programs')" || return
	att t_pass_c -P 30 || { not_ok "attach"; return; }
	expect "a new chain, at a revision never used" "true verdict=pass trace=a3" \
		"$([ "$(revision)" -gt "$old" ] && echo true) $(run)" || return
	expect "stale pins collected" "" "$(ls "$d" | grep -E "prog-4000000000|progs-$old\$")" && ok
}

t_state_garbage_dispatcher() {
	begin "a dispatcher pin that is not a link is collected; the chain is rebuilt"
	base || return
	local d old
	d=$(statedir)
	old=$(revision)
	rm "$d/dispatcher" # the link goes: nothing runs now
	bpftool map create "$d/dispatcher" type array key 4 value 4 entries 1 name junk 2>/dev/null ||
		{ not_ok "plant"; return; }
	expect "status" "[]" "$(status_json | jq -c '.[0].programs')" || return
	xc attach -b "$backend" xt0 "$OBJ" -p t_pass_c >/dev/null 2>"$work/err" ||
		{ not_ok "attach: $(cat "$work/err")"; return; }
	expect "warns" "yes" "$(grep -q "dispatcher is not a BPF link: collecting it" "$work/err" && echo yes)" || return
	expect "a new chain, at a revision never used" "true verdict=pass trace=a3" \
		"$([ "$(revision)" -gt "$old" ] && echo true) $(run)" && ok
}

t_state_alien_link() {
	begin "a dispatcher pin holding someone else's live XDP link is never touched"
	local d fid
	base || return
	d=$(statedir)
	xc detach xt0 --all >/dev/null || { not_ok "detach"; return; }
	mkdir -p -m 700 "$(dirname "$d")" "$d"
	fid=$(in_ns "$XT" link-foreign xt0 "$OBJ" t_pass_e "$d/dispatcher") || { not_ok "plant"; return; }
	mark
	bad 1 "keeps program $fid attached, which is not a valid xdpchain chain \(not an xdpchain dispatcher\)" \
		attach -b "$backend" xt0 "$OBJ" -p t_pass_a || return
	bad 1 "keeps program $fid attached" detach xt0 --all || return
	expect "status" "$fid t_pass_e" "$(status_json | jq -r '.[0].foreign | "\(.id) \(.name)"')" || return
	expect "it still runs" "verdict=pass trace=a5" "$(run)" || return
	unchanged || return
	# An xdpchain dispatcher whose metadata is not valid (all zero here;
	# a future protocol version alike) is just as alien.
	rm "$d/dispatcher"
	[ -f "$DISPOBJ" ] || { skip "no $DISPOBJ"; return; }
	fid=$(in_ns "$XT" link-foreign xt0 "$DISPOBJ" xdpchain_disp "$d/dispatcher") || { not_ok "plant 2"; return; }
	mark
	bad 1 "keeps program $fid attached, which is not a valid xdpchain chain \(bad" \
		attach -b "$backend" xt0 "$OBJ" -p t_pass_a || return
	unchanged || return
	rm -rf "$d"
	rmdir "$(dirname "$d")"
	ok
}

# Whether this build forges protocol versions (lib/model/fault.c,
# XDPCHAIN_FORGE_VERSION: meson -Dfault_injection=true).
can_forge() { XDPCHAIN_FAULT=list "$XC" version 2>/dev/null | grep -q "^prog-load "; }

# Issue 25: a chain of another on-bpffs protocol version, older (8, a
# development version) or newer (10), as another release of xdpchain
# would leave it (forged: XDPCHAIN_FORGE_VERSION). status shows it, every
# change is refused with exit 1 and one message naming both versions and
# what to do, and nothing changes; detach --all removes it whole: its
# link and every pin. (Before, 8 was read and changed; 10 was alien, and
# detach --all left it.)
t_state_other_version() {
	begin "a chain of another protocol version: shown, refused by every change, removed by detach --all"
	can_forge || { skip "no fault injection in this build (meson -Dfault_injection=true)"; return; }
	local ver v
	for ver in 8 10; do
		reset
		base || return
		# A program that sorts first, with counters switched on: a
		# new dispatcher (not a relocation in place), of version $ver.
		in_ns env XDPCHAIN_FORGE_VERSION=$ver "$XC" attach -b "$backend" xt0 "$OBJ" \
			-p t_pass_c -P 5 --stats >/dev/null || { not_ok "forge version $ver"; return; }
		v=$(run)
		expect "version $ver runs" "verdict=pass trace=a3,a1,a2" "$v" || return
		mark
		xc status xt0 >"$work/out" 2>"$work/err" || { not_ok "status: $(cat "$work/err")"; return; }
		grep -q "xt0 (ifindex [0-9]*): xdpchain chain of protocol version $ver, which this xdpchain (protocol version 9) does not read or change; 'xdpchain detach xt0 --all' removes it" "$work/out" ||
			{ not_ok "status says: $(cat "$work/out")"; return; }
		expect "status -j" "$ver 9 0" \
			"$(status_json | jq -r '.[0] | "\(.protocol_version) \(.supported_protocol_version) \(.programs | length)"')" || return
		xc status >/dev/null 2>"$work/err" || { not_ok "status of every interface failed: $(cat "$work/err")"; return; }
		local re="xt0: its chain was written by another version of xdpchain, of on-bpffs protocol version $ver; this one reads and changes version 9 only. Remove that chain with 'xdpchain detach xt0 --all'"
		bad 1 "$re" attach -b "$backend" xt0 "$OBJ" -p t_pass_d -P 40 || return
		grep -qE "Protocol not supported \(the interface's chain is of another on-bpffs protocol version" <<<"$err" ||
			{ not_ok "attach's error: $err"; return; }
		bad 1 "$re" detach xt0 t_pass_a || return
		bad 1 "$re" stats xt0 on || return
		unchanged || return
		expect "it still runs" "$v" "$(run)" || return
		xc detach xt0 --all >/dev/null 2>"$work/err" || { not_ok "detach --all: $(cat "$work/err")"; return; }
		expect "state after detach --all of version $ver" "" "$(ls -A "$XDPCHAIN_BPFFS_ROOT"/ns-*/ 2>/dev/null)" || return
		expect "program on xt0 after detach --all" "none" \
			"$(ip -n "$ns" -j link show xt0 | jq -r '.[0].xdp.prog.id // "none"')" || return
	done
	att t_pass_a -P 10 || { not_ok "a new chain"; return; }
	expect "a new chain runs" "verdict=pass trace=a1" "$(run)" && ok
}

# Capabilities: uid 0 keeps owning the state directories (bpffs mode
# 0700), only the capability sets shrink (bounding set, so that exec as
# root cannot regain them). See docs/security.md.
with_caps() { local c=$1; shift; in_ns setpriv --inh-caps="-all$c" --ambient-caps="-all$c" --bounding-set="-all$c" -- "$XC" "$@"; }

t_least_privilege() {
	begin "attach, status, trace, stats, top, dump, detach with CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON only (no CAP_SYS_ADMIN)"
	local caps=",+bpf,+net_admin,+perfmon"
	with_caps "$caps" attach -b "$backend" xt0 "$OBJ" -p t_pass_a -P 10 >/dev/null 2>"$work/err" ||
		{ not_ok "attach: $(cat "$work/err")"; return; }
	with_caps "$caps" attach -b "$backend" xt0 "$OBJ" -p t_pass_b -P 20 >/dev/null 2>"$work/err" ||
		{ not_ok "attach 2: $(cat "$work/err")"; return; }
	# freplace: the second is appended to the chain of one, which waits
	# with an fentry program (CAP_PERFMON) for the main function's link
	# to go: no warning, no rebuild. tail calls: rebuilt, with spares.
	local app=1
	[ "$backend" = tailcall ] && app=0
	expect "attach 2 without a warning, appended" "$app" \
		"$(cat "$work/err")$(status_json | jq -r '.[0].appended_slots')" || return
	# The third is appended in place on tail calls (its slot's BTF id from
	# the metadata, the live map written through a mapping of its pin),
	# and rebuilt on freplace.
	with_caps "$caps" attach -b "$backend" xt0 "$OBJ" -p t_pass_c -P 30 >/dev/null 2>"$work/err" ||
		{ not_ok "attach 3: $(cat "$work/err")"; return; }
	app=1
	[ "$backend" = freplace ] && app=0
	expect "status with CAP_BPF only" "t_pass_a t_pass_b t_pass_c $backend $app" \
		"$(with_caps ",+bpf" -j status xt0 | jq -r '[.[0].programs[].name, .[0].backend, .[0].appended_slots] | join(" ")')" || return
	expect "runs" "verdict=pass trace=a1,a2,a3" "$(run)" || return
	# Issue 13: trace, stats on, the counters in status and top, with the
	# same capabilities (programs and maps through their pins).
	with_caps "$caps" trace xt0 --packet "$(in_ns "$XT" packet)" >"$work/out" 2>"$work/err" ||
		{ not_ok "trace: $(cat "$work/err")"; return; }
	grep -q "t_pass_c" "$work/out" || { not_ok "trace output: $(cat "$work/out")"; return; }
	with_caps "$caps" stats xt0 on >/dev/null 2>"$work/err" || { not_ok "stats on: $(cat "$work/err")"; return; }
	expect "stats on without a warning" "" "$(cat "$work/err")" || return
	run >/dev/null
	expect "counters in status (CAP_BPF only)" "1 1 1" \
		"$(with_caps ",+bpf" -j status xt0 | jq -r '[.[0].programs[].stats.packets] | join(" ")')" || return
	with_caps "$caps" -j top xt0 -n 1 -d 0.1 >"$work/out" 2>"$work/err" ||
		{ not_ok "top: $(cat "$work/err")"; return; }
	with_caps "$caps" stats xt0 off >/dev/null 2>"$work/err" || { not_ok "stats off: $(cat "$work/err")"; return; }
	# dump: an observer joins (the verdict map by its pin), the perf ring
	# buffers open (CAP_PERFMON), it leaves again.
	timeout 120 ip netns exec "$ns" setpriv --inh-caps="-all$caps" --ambient-caps="-all$caps" \
		--bounding-set="-all$caps" -- "$XC" dump xt0 -c 1 >"$work/out" 2>"$work/err" &
	local pid=$! i
	for i in $(seq 1 100); do
		[ -n "$(status_json | jq -r '.[0].programs[]? | select(.name == "xdpchain_dump") | .id')" ] && break
		sleep 0.2
	done
	in_ns "$XT" send xt1 --count 1 >/dev/null
	wait "$pid" || { not_ok "dump: $(cat "$work/err")"; return; }
	expect "dump saw the packet, decided by the last program" "1" \
		"$(grep -c ' pass by t_pass_c ' "$work/out")" || return
	expect "dump left" "t_pass_a t_pass_b t_pass_c" \
		"$(status_json | jq -r '[.[0].programs[].name] | join(" ")')" || return
	with_caps "$caps" detach xt0 t_pass_a >/dev/null 2>"$work/err" || { not_ok "detach: $(cat "$work/err")"; return; }
	expect "runs" "verdict=pass trace=a2,a3" "$(run)" || return
	with_caps "$caps" detach xt0 --all >/dev/null 2>"$work/err" || { not_ok "detach --all: $(cat "$work/err")"; return; }
	expect "no state" "" "$(find "$XDPCHAIN_BPFFS_ROOT" -mindepth 1 2>/dev/null)" && ok
}

t_missing_capability() {
	begin "without a needed capability: exit 1, the message names it"
	base || return
	local c
	mark
	for c in bpf net_admin perfmon; do
		local caps=",+bpf,+net_admin,+perfmon"
		caps=${caps/,+$c/}
		expect_exit 1 with_caps "$caps" attach -b "$backend" xt0 "$OBJ" -p t_pass_c || return
		expect "attach names CAP_${c^^}" "yes" "$(grep -q "missing CAP_${c^^}" <<<"$err" && echo yes)" || return
		# Detaching loads no program that needs CAP_PERFMON (below).
		[ "$c" = perfmon ] && continue
		expect_exit 1 with_caps "$caps" detach xt0 t_pass_a || return
		expect "detach names CAP_${c^^}" "yes" "$(grep -q "missing CAP_${c^^}" <<<"$err" && echo yes)" || return
	done
	# Whether reading pins needs CAP_BPF depends on the kernel version and
	# kernel.unprivileged_bpf_disabled: either status works and shows the
	# chain, or it fails naming CAP_BPF.
	if with_caps "" -j status xt0 >"$work/out" 2>"$work/err"; then
		expect "status without capabilities shows the chain" "t_pass_a t_pass_b" \
			"$(jq -r '[.[0].programs[].name] | join(" ")' "$work/out")" || return
	else
		expect "status names CAP_BPF" "yes" "$(grep -q "missing CAP_BPF" "$work/err" && echo yes)" || return
	fi
	# CAP_BPF alone: detach names what it lacks of what it needs
	# (CAP_NET_ADMIN), not CAP_PERFMON, which it does not need.
	expect_exit 1 with_caps ",+bpf" detach xt0 t_pass_a || return
	expect "detach with CAP_BPF alone names CAP_NET_ADMIN only" "missing CAP_NET_ADMIN: detach needs CAP_BPF and CAP_NET_ADMIN" \
		"$(grep -o 'missing [A-Z_, ]*: detach needs [A-Z_a-z ]*' <<<"$err")" || return
	unchanged || return
	# Detach needs CAP_BPF and CAP_NET_ADMIN only: the dispatcher makes no
	# pointer comparison (which needs CAP_PERFMON) and no program is loaded.
	expect_exit 0 with_caps ",+bpf,+net_admin" detach xt0 t_pass_b || return
	expect "detached without CAP_PERFMON" "t_pass_a" \
		"$(status_json | jq -r '[.[0].programs[].name] | join(" ")')" && ok
}

t_observer_misuse() {
	begin "observers and dump: options that could never work are refused with the reason, an observer built as one is pointed at --observer"
	local OOBJ=$TEST_BPF_DIR/test_observer.o
	base1 || return
	xc attach -b "$backend" xt0 "$OOBJ" -p t_observer --observer >/dev/null || { not_ok "attach the observer"; return; }
	mark
	# dump's own verdict list: it named --continue-on, offered none and
	# not other.
	bad 2 "invalid verdict 'bogus' in --verdict \(expected a comma-separated list of aborted, drop, pass, tx, redirect, other; or all alone\)" \
		dump xt0 --verdict bogus || return
	expect "no --continue-on, no none" "no" "$(grep -qE -- '--continue-on|none' <<<"$err" && echo yes || echo no)" || return
	bad 2 "'all' in --verdict stands alone" dump xt0 --verdict all,drop || return
	# Captures that could never capture: they started and waited for ever.
	bad 2 "--verdict none would capture nothing" dump xt0 --verdict none -c 1 || return
	bad 1 "--program t_observer: t_observer is an observer, which never decides a packet" \
		dump xt0 --program t_observer -c 1 || return
	# An observer's verdict is ignored: a continue-on set was accepted.
	bad 2 "--continue-on does not apply to an observer" \
		attach -b "$backend" xt0 "$OOBJ" -p t_observer_b --observer -c drop || return
	unchanged || return
	# Built as an observer, attached as a program: it joins, with the hint.
	expect_exit 0 xc attach -b "$backend" xt0 "$OOBJ" -p t_observer_b || return
	expect "the hint" "yes" "$(grep -q 't_observer_b: its object reads the chain.s decision .*attach it with --observer' <<<"$err" && echo yes)" || return
	expect "it runs as a program" "t_pass_a t_observer_b t_observer false" \
		"$(status_json | jq -r '[.[0].programs[].name] | join(" ")') $(status_json | jq -r '.[0].programs[] | select(.name == "t_observer_b") | .observer')" || return
	# Attached as one: no hint.
	xc detach xt0 t_observer_b >/dev/null || { not_ok "detach"; return; }
	expect_exit 0 xc attach -b "$backend" xt0 "$OOBJ" -p t_observer_b --observer || return
	expect "no hint as an observer" "" "$(grep 'reads the chain' <<<"$err")" && ok
}

t_state_root_permissions() {
	begin "every capability, but the state root belongs to another user (uid 0 without CAP_DAC_OVERRIDE): exit 1, not blamed on the verifier"
	local caps=",+bpf,+net_admin,+perfmon" c
	base1 || return
	mark
	chown -R 1000:1000 "$XDPCHAIN_BPFFS_ROOT"
	for c in "attach -b $backend xt0 $OBJ -p t_pass_c" "detach xt0 t_pass_a" "status xt0"; do
		# shellcheck disable=SC2086
		expect_exit 1 with_caps "$caps" $c || { chown -R 0:0 "$XDPCHAIN_BPFFS_ROOT"; return; }
		expect "${c%% *}: the library names the directory, the error points there" "yes no" \
			"$(grep -q 'Permission denied (not a missing capability: the library.s message above says why)' <<<"$err" && echo yes || echo no) $(grep -q verifier <<<"$err" && echo yes || echo no)" ||
			{ chown -R 0:0 "$XDPCHAIN_BPFFS_ROOT"; return; }
	done
	chown -R 0:0 "$XDPCHAIN_BPFFS_ROOT"
	unchanged && ok
}

t_unprivileged_user() {
	begin "an unprivileged user can neither read nor change the chain"
	base1 || return
	local nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
	mark
	expect_exit 1 in_ns "${nobody[@]}" "$XC" status xt0 || return
	expect "status: names the problem" "yes" "$(grep -qE "(Permission denied|Operation not permitted).*missing CAP_BPF" <<<"$err" && echo yes)" || return
	expect_exit 1 in_ns "${nobody[@]}" "$XC" attach xt0 "$OBJ" -p t_pass_c || return
	expect "attach: names the problem" "yes" "$(grep -q "missing CAP_BPF" <<<"$err" && echo yes)" || return
	expect_exit 1 in_ns "${nobody[@]}" "$XC" detach xt0 --all || return
	unchanged && ok
}

t_state_dir_modes() {
	begin "state directories are created mode 0700"
	base1 || return
	local d
	d=$(statedir)
	expect "modes" "700 700 700" "$(stat -c %a "$XDPCHAIN_BPFFS_ROOT" "$(dirname "$d")" "$d" | xargs)" && ok
}

t_no_cwd_lookup() {
	begin "no object is looked up in the current directory or through the environment"
	# Decoys where a careless loader would look.
	mkdir -p "$work/cwd" && for f in xdpchain_dispatcher.o xdpchain_dispatcher.bpf.o xdpchain_probe.o; do
		echo garbage >"$work/cwd/$f"
	done
	(cd "$work/cwd" && in_ns env XDPCHAIN_BPF_OBJDIR="$work/cwd" "$XC" attach -b "$backend" xt0 "$OBJ" \
		-p t_pass_a >/dev/null) || { not_ok "attach from a directory with decoys"; return; }
	expect "runs" "verdict=pass trace=a1" "$(run)" && ok
}

# Issue 24: a detach --all whose link detach fails (an LSM's EPERM,
# injected: lib/model/fault.c XDPCHAIN_FAIL) fails, changes nothing, and a retry
# completes it. Before, it warned, unpinned everything and returned 0.
t_detach_all_fails() {
	begin "detach --all with a failing link detach: exit 1, the chain and its state kept, a retry removes it"
	base1 || return
	local v
	v=$(run)
	mark
	if ! XDPCHAIN_FAIL=link-detach:EPERM xc version >/dev/null 2>&1; then
		skip "no fault injection in this build (meson -Dfault_injection=true)"
		return
	fi
	expect_exit 1 in_ns env XDPCHAIN_FAIL=link-detach:EPERM "$XC" detach xt0 --all ||
		return
	grep -q "cannot detach the dispatcher link.*Operation not permitted" <<<"$err" ||
		{ not_ok "message: $err"; return; }
	unchanged || return
	expect "verdict after the failed detach" "$v" "$(run)" || return
	xc detach xt0 --all >/dev/null || { not_ok "the retry failed"; return; }
	expect "state after the retry" "" "$(ls "$XDPCHAIN_BPFFS_ROOT"/ns-*/ 2>/dev/null)" || return
	expect "program on xt0 after the retry" "none" \
		"$(ip -n "$ns" -j link show xt0 | jq -r '.[0].xdp.prog.id // "none"')" && ok
}

run_tests t_missing_file t_not_elf t_truncated_elf t_corrupted_elf t_no_xdp_program \
	t_program_not_found t_no_btf t_no_btf_maps t_unresolved_extern t_fifo_and_exit_codes t_state_not_visible t_pinned_map t_verifier_reject t_bad_values t_unknown_interface \
	t_mode_mismatch t_foreign_program t_replace_foreign_all_or_nothing t_libxdp t_state_unknown_entries t_state_wrong_prog_pin \
	t_state_forged_meta t_state_forged_live t_state_bad_live_end t_state_stale_link t_state_garbage_dispatcher t_state_alien_link t_state_other_version \
	t_observer_misuse t_least_privilege t_missing_capability t_state_root_permissions t_unprivileged_user t_state_dir_modes \
	t_no_cwd_lookup t_json_errors t_detach_all_fails
# t_chain_full repeats scenarios.sh's t_full_chain with the state and
# object checks of this suite; 64 attaches take minutes under TCG, so it
# runs only when asked for (ONLY=t_chain_full).
[ "${ONLY:-}" = t_chain_full ] && t_chain_full
finish
