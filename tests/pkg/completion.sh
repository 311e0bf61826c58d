#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# The bash completion, driven as bash drives it (COMP_WORDS, COMP_CWORD),
# against the built CLI: commands, options, option values, interfaces,
# verdict lists.
#   completion.sh COMPLETION_SCRIPT XDPCHAIN
set -uo pipefail
source "$1"
xc=$2
fails=0

# comp WORD...: the completions of the last word.
comp() {
	COMP_WORDS=("$xc" "$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_xdpchain
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}
# has WHAT WORD... -- LINE: LINE's completions include every WORD
has() {
	local what=$1 got w
	shift
	local words=()
	while [ "$1" != "--" ]; do words+=("$1"); shift; done
	shift
	got=" $(comp "$@") "
	for w in "${words[@]}"; do
		if [[ $got != *" $w "* ]]; then
			echo "FAIL: $what: '$*' completes to '$got', without '$w'"
			fails=$((fails + 1))
		fi
	done
}
is() {
	local what=$1 want=$2 got
	shift 2
	got=$(comp "$@")
	[ "$got" = "$want" ] && return
	echo "FAIL: $what: '$*' completes to '$got', expected '$want'"
	fails=$((fails + 1))
}

cmds=$("$xc" help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\).*/\1/p' | sort | tr '\n' ' ' | sed 's/ $//')
is "every command" "$cmds" ""
is "after global options" "attach" -j -r /tmp at
has "global options" --json --root --verbose -- --
has "attach options" --priority --continue-on --mode --backend --program --owner \
	--replace-foreign --expect-revision -- attach lo x.o --
is "mode words" "drv generic hw native skb" attach lo x.o --mode ""
is "backend words" "auto freplace tailcall" attach lo x.o -b ""
is "verdict list, second word" "pass,drop" attach lo x.o -c pass,d
is "an option's value is skipped" "--priority" attach lo x.o -P 3 --pri
has "interfaces" lo -- attach l
has "interface lists" lo,lo -- attach lo,l
has "FILE: loaded programs too" id: pinned: -- attach lo ""
# Only attach's FILE is a BPF object; other FILEs (apply, trace --pcap) are
# any file: the completion script itself is a file that is no object.
cdir=$(dirname "$1")
is "attach FILE: objects only" "" attach lo "$cdir/xdpch"
is "apply FILE: any file" "$1" apply "$cdir/xdpch"
has "detach --all" --all -- detach lo --
has "status: interfaces" lo -- status ""
has "help: commands" attach detach -- help ""

[ "$fails" -eq 0 ] && echo "completion: ok"
exit $((fails > 0))
