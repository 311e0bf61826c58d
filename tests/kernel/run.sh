#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Runs every kernel suite for one backend and sums their results:
#   tests/kernel/run.sh tailcall|freplace
#   tests/kernel/run.sh --list        (suite names)
# The suites are scenarios.sh and every tests/kernel/suite-*.sh, in name
# order; each takes the backend as its argument, sources lib.sh and ends
# with "N passed, N failed[, N skipped]". SUITES="a b" runs only those
# (names without the .sh). Used on the host and inside the VM alike.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ "${1:-}" = --list ]; then # the suite names, one per line
	for f in "$here"/scenarios.sh "$here"/suite-*.sh; do
		[ -f "$f" ] && basename "$f" .sh
	done
	exit 0
fi
backend=${1:?usage: run.sh tailcall|freplace|--list}

suites=()
for f in "$here"/scenarios.sh "$here"/suite-*.sh; do
	[ -f "$f" ] || continue
	name=$(basename "$f" .sh)
	if [ -n "${SUITES:-}" ] && ! [[ " $SUITES " == *" $name "* ]]; then continue; fi
	suites+=("$f")
done

passed=0 failed=0 skipped=0
for f in "${suites[@]}"; do
	name=$(basename "$f" .sh)
	echo "## suite $name ($backend)"
	out=$(mktemp)
	bash "$f" "$backend" 2>&1 | tee "$out"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
	rm -f "$out"
	if [ -z "$line" ]; then
		echo "not ok - suite $name ended without a summary line"
		failed=$((failed + 1))
		continue
	fi
	set -- $(echo "$line" | tr -dc '0-9 ')
	passed=$((passed + $1))
	failed=$((failed + $2))
	skipped=$((skipped + ${3:-0}))
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
