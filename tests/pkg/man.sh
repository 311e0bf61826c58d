#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# The man pages render without a single warning, xdpchain(8) documents
# every command and option the CLI's help lists, and libxdpchain(3) names
# every function of the version map.
#   man.sh XDPCHAIN MAPFILE PAGE...
set -uo pipefail
xc=$1 map=$2
shift 2
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

for page in "$@"; do
	# What "man -l" does, with every warning on.
	out=$(LC_ALL=C groff -t -man -Tutf8 -ww -z "$page" 2>&1)
	[ -z "$out" ] || fail "$(basename "$page"): groff warns: $out"
	if command -v man >/dev/null; then
		out=$(LC_ALL=C MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
		[ -z "$out" ] || fail "$(basename "$page"): man warns: $out"
	fi
	case $(basename "$page") in
	xdpchain.8) man8=$page ;;
	libxdpchain.3) man3=$page ;;
	esac
done
[ -n "${man8:-}" ] && [ -n "${man3:-}" ] || { echo "FAIL: both pages must be given"; exit 1; }

# Commands: the lines under "Commands:" of "xdpchain help".
cmds=$("$xc" help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\).*/\1/p')
[ -n "$cmds" ] || fail "no commands in 'xdpchain help'"
for c in $cmds; do
	grep -q "^\.SS $c\b" "$man8" || fail "xdpchain.8: no '.SS $c' section for command $c"
	for o in $("$xc" help "$c" | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		grep -qF -- "${o//-/\\-}" "$man8" || fail "xdpchain.8: option $o of $c is not documented"
	done
done
for o in $("$xc" help | sed -n '/^Global options/,/^$/p' | grep -o -- '--[a-z][a-z-]*' | sort -u); do
	grep -qF -- "${o//-/\\-}" "$man8" || fail "xdpchain.8: global option $o is not documented"
done
for s in EXIT\ STATUS ENVIRONMENT FILES EXAMPLES; do
	grep -q "^\.SH $s" "$man8" || fail "xdpchain.8: no $s section"
done

# Functions: every symbol of the version map.
syms=$(sed -n 's/^[[:space:]]*\(xdpchain_[a-z0-9_]*\);.*/\1/p' "$map")
[ -n "$syms" ] || fail "no symbols in $map"
for s in $syms; do
	grep -q "\b$s\b" "$man3" || fail "libxdpchain.3: $s is not documented"
done

[ "$fails" -eq 0 ] && echo "man pages: ok ($(wc -w <<<"$cmds") commands, $(wc -w <<<"$syms") functions)"
exit $((fails > 0))
