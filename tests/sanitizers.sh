#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Sanitizer tier: builds everything with AddressSanitizer (leaks included)
# and UndefinedBehaviorSanitizer in build-asan/ (gcc, -Db_sanitize), then
# runs the unit suite and the host kernel suites (tail-call backend) with
# the sanitized xdpchain and xdptest. A sanitizer report anywhere fails
# the tier: reports go to files (log_path), so they count even where a
# test hides a command's stderr or exit status.
#   tests/sanitizers.sh          (root; SUITES="..." as tests/kernel/run.sh)
# Prints "N passed, N failed, N skipped": the unit tests, the kernel tests,
# and one more test "no sanitizer reports".
set -uo pipefail
cd "$(dirname "$0")/.."
top=$PWD
bdir=${ASAN_BUILD_DIR:-$top/build-asan}
logdir=$bdir/sanitizer-logs

# -Dfault_injection: suite-crash's hook (its crashes are SIGKILL or
# _exit(), so LeakSanitizer does not count what a crash leaves behind).
if [ ! -f "$bdir/build.ninja" ]; then
	meson setup "$bdir" -Db_sanitize=address,undefined -Db_lundef=false \
		-Dfault_injection=true >/dev/null || exit 1
else
	meson configure "$bdir" -Dfault_injection=true >/dev/null || exit 1
fi
ninja -C "$bdir" >/dev/null || { ninja -C "$bdir"; exit 1; }
rm -rf "$logdir"
mkdir -p "$logdir"

# halt_on_error: the first UB report ends the process (a failure, not a
# line in a log). abort_on_error=0 keeps ASan's exit status non-zero
# without a core dump. allocator_may_return_null: a failed allocation
# returns NULL as in production (see tests/fuzz/run.sh).
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:allocator_may_return_null=1:log_path=$logdir/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$logdir/ubsan"

passed=0 failed=0 skipped=0

echo "## unit tests (ASan + UBSan)"
meson test -C "$bdir" --suite unit --print-errorlogs >"$logdir/unit.txt" 2>&1
ok=$(grep -E '^Ok: ' "$logdir/unit.txt" | tr -dc '0-9')
ko=$(awk '/^(Fail|Timeout|Unexpected Pass):/ { n += $NF } END { print n + 0 }' "$logdir/unit.txt")
grep -E '^ *[0-9]+/[0-9]+ ' "$logdir/unit.txt"
passed=$((passed + ${ok:-0}))
failed=$((failed + ${ko:-0}))
[ -n "$ok" ] || { echo "not ok - unit suite ran no test"; failed=$((failed + 1)); }

echo "## host kernel suites, tail-call backend (ASan + UBSan)"
out=$logdir/kernel.txt
# What the sanitizers look for is in the code paths, not in how often
# they run: suite-scale (a thousand interfaces, the same attach and
# status as every other suite; its ratios are about time, which ASan
# distorts) is left out, and suite-crash crashes each operation at the
# first pass of each step and around its commit, repairing one way in
# turn (as in the guests), not at every pass both ways as tier 2 does.
# The tier took 10 to 20 minutes before; CI runs it in one lane.
if [ -z "${SUITES:-}" ]; then
	SUITES=$(tests/kernel/run.sh --list | grep -vx suite-scale | tr '\n' ' ')
	export SUITES
fi
XDPCHAIN=$bdir/cli/xdpchain XDPTEST=$bdir/tests/tools/xdptest TEST_BPF_DIR=$bdir/bpf/test \
	CRASH_POINTS=${CRASH_POINTS:-some} CRASH_REPAIR=${CRASH_REPAIR:-alternate} \
	tests/kernel/run.sh tailcall 2>&1 | tee "$out"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
if [ -z "$line" ]; then
	echo "not ok - kernel suites ended without a summary line"
	failed=$((failed + 1))
else
	set -- $(echo "$line" | tr -dc '0-9 ')
	passed=$((passed + $1))
	failed=$((failed + $2))
	skipped=$((skipped + ${3:-0}))
fi

# With allocator_may_return_null, a refused huge allocation is a warning,
# not a finding: malloc returned NULL as it would in production, and the
# caller's handling of it is what the tests check. (Seen: the fuzz
# regression input libbpf-malloc-negative-size makes libbpf ask for
# (size_t)-24 bytes.) A log holding only such warnings is reported, not
# counted.
reports=""
for f in $(find "$logdir" -name 'asan.*' -o -name 'ubsan.*' | sort); do
	if ! grep -qv 'WARNING: AddressSanitizer failed to allocate 0x[0-9a-f]* bytes' "$f"; then
		echo "# $f: only refused allocations: $(head -n 1 "$f")"
		continue
	fi
	reports="$reports $f"
done
if [ -z "$reports" ]; then
	echo "ok - no sanitizer reports"
	passed=$((passed + 1))
else
	echo "not ok - sanitizer reports:"
	for f in $reports; do
		echo "# $f"
		sed 's/^/#   /' "$f" | head -n 40
	done
	failed=$((failed + 1))
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
