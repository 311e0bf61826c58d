#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# README's "all tests" command. Installs dependencies, builds, then runs:
#   1. unit tests (meson suite "unit", no privileges needed);
#   2. every kernel suite (tests/kernel/run.sh) on the host, tail-call backend;
#   3. the same suites in QEMU on Debian's 6.12 kernel and the core ones on
#      6.1 (XDPCHAIN_VM_ALL=1: all on both), freplace
#      backend (the host kernel refuses EXT programs);
#   4. tiers 1 and 2 again, built with AddressSanitizer (leaks included)
#      and UndefinedBehaviorSanitizer in build-asan/ (tests/sanitizers.sh).
# Prints "N passed, N failed, N skipped" and writes the same numbers to
# build/test-summary.txt. Set XDPCHAIN_SKIP_VM=1 to skip tier 3 locally,
# XDPCHAIN_SKIP_SANITIZERS=1 to skip tier 4.
set -uo pipefail
cd "$(dirname "$0")/.."
top=$PWD

[ "$(id -u)" -eq 0 ] || { echo "Error: run as root (kernel tests attach XDP programs)" >&2; exit 2; }
tests/install-deps.sh || exit 1
# The crash-safety suite needs the fault-injection hook (a test-only
# build option; tests/kernel/suite-crash.sh fails without it).
if [ ! -f build/build.ninja ]; then
	meson setup build -Dfault_injection=true >/dev/null || exit 1
else
	meson configure build -Dfault_injection=true >/dev/null || exit 1
fi
ninja -C build >/dev/null || { ninja -C build; exit 1; }

passed=0 failed=0 skipped=0
add_counts() { # parse "N passed, N failed[, N skipped]" from a log
	local line
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
	if [ -z "$line" ]; then
		echo "# no summary line in $1: counting the tier as one failure"
		failed=$((failed + 1))
		return
	fi
	set -- $(echo "$line" | tr -dc '0-9 ')
	passed=$((passed + $1))
	failed=$((failed + $2))
	skipped=$((skipped + ${3:-0}))
}

logdir=$top/build/test-logs
mkdir -p "$logdir"

echo "### tier 1: unit tests"
meson test -C build --suite unit --print-errorlogs 2>&1 | tee "$logdir/unit.log"
ok=$(grep -E '^Ok: ' "$logdir/unit.log" | tr -dc '0-9')
ko=$(awk '/^(Fail|Timeout|Unexpected Pass):/ { n += $NF } END { print n + 0 }' "$logdir/unit.log")
passed=$((passed + ${ok:-0}))
failed=$((failed + ${ko:-0}))
[ -n "$ok" ] || failed=$((failed + 1))

export XDPCHAIN=$top/build/cli/xdpchain
export XDPTEST=$top/build/tests/tools/xdptest
export TEST_BPF_DIR=$top/build/bpf/test

echo "### tier 2: host kernel $(uname -r), tail-call backend"
tests/kernel/run.sh tailcall 2>&1 | tee "$logdir/host-tailcall.log"
add_counts "$logdir/host-tailcall.log"

if [ "${XDPCHAIN_SKIP_VM:-0}" = 1 ]; then
	echo "### tier 3: skipped (XDPCHAIN_SKIP_VM=1)"
	skipped=$((skipped + 2))
else
	# One boot per suite (about 5 s each): a hung suite costs only its own
	# timeout, and each suite starts from a freshly booted kernel.
	# Every suite runs on 6.12; on 6.1 the suites whose outcome depends on
	# the kernel's BPF core (verifier, freplace linking, tail calls, RCU,
	# packets in flight) run too, the rest (CLI, apply, namespaces, stress)
	# only with XDPCHAIN_VM_ALL=1: emulated time keeps CI under its limit.
	core61="scenarios suite-crash suite-stats suite-traffic"
	for k in 6.1 6.12; do
		for s in $(tests/kernel/run.sh --list); do
			if [ "$k" = 6.1 ] && [ "${XDPCHAIN_VM_ALL:-0}" != 1 ] &&
				! [[ " $core61 " == *" $s "* ]]; then
				echo "### tier 3: VM kernel $k, $s: skipped (XDPCHAIN_VM_ALL=1 runs it)"
				skipped=$((skipped + 1))
				continue
			fi
			echo "### tier 3: VM kernel $k, freplace backend, $s"
			tests/vm/run-vm.sh --kernel "$k" --timeout 1200 --cwd "$top" -- \
				env XDPCHAIN="$XDPCHAIN" XDPTEST="$XDPTEST" TEST_BPF_DIR="$TEST_BPF_DIR" \
				SUITES="$s" tests/kernel/run.sh freplace 2>&1 |
				tee "$logdir/vm-$k-freplace-$s.log"
			add_counts "$logdir/vm-$k-freplace-$s.log"
		done
	done
fi

if [ "${XDPCHAIN_SKIP_SANITIZERS:-0}" = 1 ]; then
	echo "### tier 4: skipped (XDPCHAIN_SKIP_SANITIZERS=1)"
	skipped=$((skipped + 1))
else
	echo "### tier 4: unit and host kernel tiers under ASan + UBSan"
	tests/sanitizers.sh 2>&1 | tee "$logdir/sanitizers.log"
	add_counts "$logdir/sanitizers.log"
fi

echo "$passed $failed $skipped" > build/test-summary.txt
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
