#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# README's "all tests" command. Installs dependencies, builds, then runs:
#   1. unit tests (meson suite "unit", no privileges needed);
#   2. every kernel suite (tests/kernel/run.sh) on the host, tail-call backend;
#   3. the same suites in QEMU, freplace backend (the host kernel refuses
#      EXT programs): all of them on Debian's 6.12 and on the newest kernel
#      Debian's archive has (sid or trixie-backports, found at run time),
#      the core ones on 5.10 (bullseye, the oldest README promises) and
#      6.1 (XDPCHAIN_VM_ALL=1: all on every kernel); and the real-driver
#      tier (suite-virtio: native XDP on four virtio-net NICs, both
#      backends) on 6.12 and the newest (6.1 too with XDPCHAIN_VM_ALL=1);
#   4. tiers 1 and 2 again, built with AddressSanitizer (leaks included)
#      and UndefinedBehaviorSanitizer in build-asan/ (tests/sanitizers.sh);
#   and the container tier after tier 2 (tests/container/run.sh: the
#   image from this tree's .debs, the DaemonSet's pod under podman).
# Tier 3 also boots Debian's arm64 kernels (6.12 and the newest) under
# qemu-system-aarch64 with the arm64 cross build of build-arm64/: the core
# of the scenario suite on both backends (XDPCHAIN_ARM64_ALL=1: every
# suite on both backends; XDPCHAIN_SKIP_ARM64=1: none).
# Tiers 2, container and 4 (one after the other: host kernel tests must not overlap)
# and the VM runs of tier 3 share XDPCHAIN_JOBS lanes (default: the
# number of CPUs), longest first; a job's output is printed in one piece
# when it ends, with its duration.
# Prints "N passed, N failed, N skipped" and writes the same numbers to
# build/test-summary.txt. Set XDPCHAIN_SKIP_VM=1 to skip tier 3 locally,
# XDPCHAIN_SKIP_SANITIZERS=1 to skip tier 4, XDPCHAIN_SKIP_CONTAINER=1 to
# skip the container tier, XDPCHAIN_VM_KERNELS="6.12" to run tier 3 on some
# kernels only.
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
summary_re='^[0-9]+ passed, [0-9]+ failed' # a log's last line: "N passed, N failed[, N skipped]"
add_counts() { # parse the summary line of a log
	local line
	line=$(grep -E "$summary_re" "$1" | tail -n 1)
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

# --- tiers 2 to 4 as jobs. A job is a line "NAME COMMAND..."; it writes
# $logdir/NAME.log, which must end with a "N passed, N failed" line.
job_host() { # tiers 2, container and 4, in this order, never beside each other
	echo "### tier 2: host kernel $(uname -r), tail-call backend"
	tests/kernel/run.sh tailcall 2>&1 | tee "$logdir/host-tailcall.log"
	if [ "${XDPCHAIN_SKIP_CONTAINER:-0}" = 1 ]; then
		echo "### container tier: skipped (XDPCHAIN_SKIP_CONTAINER=1)"
	else
		echo "### container tier: the image and the DaemonSet's pod under podman"
		tests/container/run.sh 2>&1 | tee "$logdir/container.log"
	fi
	if [ "${XDPCHAIN_SKIP_SANITIZERS:-0}" = 1 ]; then
		echo "### tier 4: skipped (XDPCHAIN_SKIP_SANITIZERS=1)"
		return
	fi
	echo "### tier 4: unit and host kernel tiers under ASan + UBSan"
	tests/sanitizers.sh 2>&1 | tee "$logdir/sanitizers.log"
}
# once COMMAND...: runs a guest job; if the guest died before the suite
# printed its summary (run-vm's exit 125: QEMU ended without the job's
# status, as when the kernel panics), boots it once more. Under TCG with
# two vCPUs a kernel has died of the emulator (a live-patched instruction
# executed mid-patch, tests/vm/run-vm.sh); a kernel that dies of what a
# test does dies again, and fails. The first attempt stays in the log,
# and the retry is named in what failed (build/test-failures.txt).
once() {
	local out rc
	out=$(mktemp)
	"$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	if [ "$rc" -eq 125 ] && ! grep -qE "$summary_re" "$out"; then
		echo "# retry: the guest died before the suite's summary (run-vm exit 125); booted once more"
		"$@" 2>&1
		rc=$?
	fi
	rm -f "$out"
	return "$rc"
}
job_vm() { # kernel backend suite
	local smp=1
	echo "### tier 3: VM kernel $1, $2 backend, $3"
	# One vCPU per guest: a suite runs as fast on one as on two (137 s vs
	# 140 s for scenarios on 6.12, TCG), and two one-vCPU guests side by
	# side take 150 s together, where two two-vCPU guests (beside the host
	# tiers) took 2.4 times as long each. The suites about packets in
	# flight and concurrent changes keep two, for real parallelism.
	case $3 in suite-traffic | suite-stress | suite-virtio) smp=2 ;; esac
	# The real-driver tier needs its NICs (four virtio-net, two hubs).
	local nics=0
	[ "$3" != suite-virtio ] || nics=4
	# One boot per suite (about 5 s): a hung suite costs only its own
	# timeout, and each suite starts from a freshly booted kernel.
	XDPCHAIN_VM_SMP=${XDPCHAIN_VM_SMP:-$smp} \
		once tests/vm/run-vm.sh --kernel "$1" --timeout 1500 --cwd "$top" --nics "$nics" -- \
		env XDPCHAIN="$XDPCHAIN" XDPTEST="$XDPTEST" TEST_BPF_DIR="$TEST_BPF_DIR" \
		SUITES="$3" tests/kernel/run.sh "$2" 2>&1
}
job_arm64() { # kernel backend suite [tests,...]: in the arm64 guest
	local b=$top/build-arm64
	echo "### tier 3: arm64 VM kernel $1, $2 backend, $3${4:+: ${4//,/ }}"
	XDPCHAIN_VM_SMP=${XDPCHAIN_VM_SMP:-1} \
		once tests/vm/run-vm.sh --arch arm64 --kernel "$1" --timeout 1500 --cwd "$top" -- \
		env XDPCHAIN="$b/cli/xdpchain" XDPTEST="$b/tests/tools/xdptest" TEST_BPF_DIR="$b/bpf/test" \
		SUITES="$3" ONLY="${4//,/ }" tests/kernel/run.sh "$2" 2>&1
}

joblist=("host job_host")
logs=(host-tailcall)
[ "${XDPCHAIN_SKIP_CONTAINER:-0}" = 1 ] && skipped=$((skipped + 1)) || logs+=(container)
[ "${XDPCHAIN_SKIP_SANITIZERS:-0}" = 1 ] && skipped=$((skipped + 1)) || logs+=(sanitizers)
if [ "${XDPCHAIN_SKIP_VM:-0}" = 1 ]; then
	echo "### tier 3: skipped (XDPCHAIN_SKIP_VM=1)"
	skipped=$((skipped + 4))
else
	# Every suite runs on 6.12 and the newest kernel; on 5.10 and 6.1 the
	# suites whose outcome depends on the kernel's BPF core (verifier,
	# freplace linking, tail calls, RCU, packets in flight, what programs
	# may do) run too, the rest (CLI, apply, namespaces, stress) only with
	# XDPCHAIN_VM_ALL=1: emulated time keeps CI under its limit.
	core="scenarios suite-crash suite-stats suite-traffic suite-programs"
	kernels=${XDPCHAIN_VM_KERNELS:-"newest 6.12 6.1 5.10"}
	# Longest first (measured under TCG), so that no lane is left with a
	# long job at the end; suites not listed here run last.
	slow="suite-badinput scenarios suite-crash suite-valgrind suite-stats suite-stress suite-programs"
	suites=$( { for s in $slow; do echo "$s"; done; tests/kernel/run.sh --list; } | awk '!seen[$0]++')
	# Host-only suites: what they measure is the control plane's cost
	# at scale and the tools that read it (Prometheus), the same on every
	# kernel; under TCG they would only be slow.
	host_only="suite-scale suite-metrics"
	for s in $suites; do
		# suite-virtio has jobs of its own, below.
		[ "$s" != suite-virtio ] || continue
		[[ " $host_only " != *" $s "* ]] || continue
		for k in $kernels; do
			# Valgrind checks the command's memory, not the kernel: the
			# host (tier 2) and one guest kernel, 6.12 (the freplace
			# paths), are enough; the others with XDPCHAIN_VM_ALL=1.
			if [ "$s" = suite-valgrind ] && [ "$k" != 6.12 ] && [ "${XDPCHAIN_VM_ALL:-0}" != 1 ]; then
				echo "### tier 3: VM kernel $k, $s: skipped (XDPCHAIN_VM_ALL=1 runs it)"
				skipped=$((skipped + 1))
				continue
			fi
			# Bad input is refused by the command before the kernel
			# sees it, but for what the kernel refuses: the host
			# (tier 2) and the newest guest (about 5 minutes each
			# under TCG); 6.12 too with XDPCHAIN_VM_ALL=1.
			if [ "$s" = suite-badinput ] && [ "$k" != newest ] && [ "${XDPCHAIN_VM_ALL:-0}" != 1 ]; then
				echo "### tier 3: VM kernel $k, $s: skipped (XDPCHAIN_VM_ALL=1 runs it)"
				skipped=$((skipped + 1))
				continue
			fi
			# The scenario suite (the longest, 5 to 10 minutes under
			# TCG) runs on 5.10, 6.12 and newest; 6.1, between them,
			# runs the rest of the core (crash, stats, traffic,
			# programs), and scenarios with XDPCHAIN_VM_ALL=1.
			if [ "$s" = scenarios ] && [ "$k" = 6.1 ] && [ "${XDPCHAIN_VM_ALL:-0}" != 1 ]; then
				echo "### tier 3: VM kernel $k, $s: skipped (XDPCHAIN_VM_ALL=1 runs it)"
				skipped=$((skipped + 1))
				continue
			fi
			# Adoption re-links libxdp's programs and swaps through
			# netlink, what kernels have differed in: 6.1 too (the
			# oldest kernel its issue names; 5.10 with XDPCHAIN_VM_ALL=1).
			if { [ "$k" = 5.10 ] || [ "$k" = 6.1 ]; } && [ "${XDPCHAIN_VM_ALL:-0}" != 1 ] &&
				! [[ " $core " == *" $s "* ]] &&
				! { [ "$s" = suite-adopt ] && [ "$k" = 6.1 ]; }; then
				echo "### tier 3: VM kernel $k, $s: skipped (XDPCHAIN_VM_ALL=1 runs it)"
				skipped=$((skipped + 1))
				continue
			fi
			joblist+=("vm-$k-freplace-$s job_vm $k freplace $s")
			logs+=("vm-$k-freplace-$s")
		done
	done
	# The tail-call backend is the host's (tier 2); on the VM kernels its
	# scenario suite runs too, since what tail calls from subprograms may
	# do differs between kernels (5.10 is the oldest that allows them):
	# on 5.10. Not on 6.1, 6.12 and newest, which lie near the host's
	# 6.18 or between it and 5.10 (about 4 minutes of emulated time
	# each: CI stays under 70 minutes with the arm64 and real-driver
	# tiers, which run tail calls on 6.12 and newest; XDPCHAIN_VM_ALL=1
	# runs them).
	for k in $kernels; do
		if [ "$k" != 5.10 ] && [ "${XDPCHAIN_VM_ALL:-0}" != 1 ]; then
			echo "### tier 3: VM kernel $k, tail-call scenarios: skipped (XDPCHAIN_VM_ALL=1 runs it)"
			skipped=$((skipped + 1))
			continue
		fi
		joblist+=("vm-$k-tailcall-scenarios job_vm $k tailcall scenarios")
		logs+=("vm-$k-tailcall-scenarios")
	done

	# The real-driver tier (suite-virtio: native XDP on virtio_net, packets
	# across QEMU hubs), both backends, on 6.12 and the newest kernel (6.1
	# too with XDPCHAIN_VM_ALL=1): a boot with four NICs per backend.
	for k in $kernels; do
		case $k in
		6.12 | newest) ;;
		6.1) [ "${XDPCHAIN_VM_ALL:-0}" = 1 ] || continue ;;
		*) continue ;;
		esac
		for b in freplace tailcall; do
			joblist+=("vm-$k-$b-suite-virtio job_vm $k $b suite-virtio")
			logs+=("vm-$k-$b-suite-virtio")
		done
	done
fi

# --- arm64: the cross build (what the suites run: the CLI, xdptest, the
# test BPF objects) and its jobs. Emulating arm64 costs several times what
# amd64 does (a process start: 125 ms against 17), so by default only
# the core of the scenario suite runs, on both backends: order and
# verdicts, real packets through the chain, a detach in place, an append
# in place, the programs' own tail calls.
arm64_core=t_order_by_priority,t_final_verdict,t_real_packets,t_detach_in_place,t_append_in_place,t_own_tail_calls
arm64_kernels=''
if [ "${XDPCHAIN_SKIP_VM:-0}" != 1 ] && [ "${XDPCHAIN_SKIP_ARM64:-0}" != 1 ]; then
	arm64_kernels=${XDPCHAIN_ARM64_KERNELS:-"6.12 newest"}
	a=$top/build-arm64
	# Every suite needs every test tool and suite-crash the fault hook;
	# the core only the CLI, xdptest and the test objects (30 s to build).
	a_targets=()
	[ "${XDPCHAIN_ARM64_ALL:-0}" = 1 ] || a_targets=(cli/xdpchain tests/tools/xdptest)
	if tests/packaging/cross-arm64.sh --deps-only >/dev/null &&
		if [ -f "$a/build.ninja" ]; then
			meson configure "$a" -Dfault_injection=true >/dev/null
		else
			meson setup --cross-file packaging/cross/aarch64-linux-gnu.ini -Dfault_injection=true "$a" >/dev/null
		fi &&
		{ [ ${#a_targets[@]} -eq 0 ] || mapfile -t -O 2 a_targets < <(ninja -C "$a" -t targets all |
			cut -d: -f1 | grep -E '^bpf/test/[^/]*\.o$'); } &&
		ninja -C "$a" "${a_targets[@]}" >/dev/null; then
		if [ "${XDPCHAIN_ARM64_ALL:-0}" = 1 ]; then
			arm64_jobs=$(for s in $suites; do for be in freplace tailcall; do echo "$s:$be:"; done; done)
		else
			arm64_jobs=$(for be in freplace tailcall; do echo "scenarios:$be:$arm64_core"; done)
		fi
		for k in $arm64_kernels; do
			for j in $arm64_jobs; do
				IFS=: read -r s be only <<<"$j"
				joblist+=("arm64-$k-$be-$s job_arm64 $k $be $s $only")
				logs+=("arm64-$k-$be-$s")
			done
		done
	else
		echo "### tier 3: the arm64 cross build failed: its jobs count as one failure"
		failed=$((failed + 1))
		arm64_kernels=''
	fi
else
	echo "### tier 3: arm64 skipped (XDPCHAIN_SKIP_VM=1 or XDPCHAIN_SKIP_ARM64=1)"
	skipped=$((skipped + 1))
fi

# Fetch the kernels one after the other first: a download that fails
# then shows once, not in every job of its kernel.
if [ "${XDPCHAIN_SKIP_VM:-0}" != 1 ]; then
	for k in $kernels; do
		tests/vm/run-vm.sh --kernel "$k" --nics 4 --fetch-only ||
			echo "# fetching the $k kernel failed: its jobs will fail"
	done
	for k in $arm64_kernels; do
		tests/vm/run-vm.sh --arch arm64 --kernel "$k" --fetch-only ||
			echo "# fetching the arm64 $k kernel (or building its root) failed: its jobs will fail"
	done
fi

# Lanes: each takes the next job of the list until none is left.
lanes=${XDPCHAIN_JOBS:-$(nproc)}
[[ $lanes =~ ^[1-9][0-9]*$ ]] || lanes=1
qdir=$(mktemp -d)
echo 0 >"$qdir/next"
take() { # prints the index of the next job, or fails
	local n
	{
		flock 9
		n=$(cat "$qdir/next")
		echo $((n + 1)) >"$qdir/next"
	} 9>"$qdir/lock"
	[ "$n" -lt ${#joblist[@]} ] && echo "$n"
}
lane() {
	local i name t0 rc
	while i=$(take); do
		set -- ${joblist[$i]}
		name=$1
		shift
		t0=$(date +%s)
		"$@" >"$qdir/$name.out" 2>&1
		rc=$?
		[ "$name" = host ] || cp "$qdir/$name.out" "$logdir/$name.log"
		{
			flock 9
			cat "$qdir/$name.out"
			echo "### $name: exit $rc after $(($(date +%s) - t0)) s"
		} 9>"$qdir/print"
	done
}
echo "### tiers 2-4: ${#joblist[@]} jobs in $lanes lanes"
t_all=$(date +%s)
for ((l = 0; l < lanes; l++)); do lane & done
wait
echo "### tiers 2-4: $(($(date +%s) - t_all)) s"
rm -rf "$qdir"
# Counted per tier, and what failed listed by name in
# build/test-failures.txt, with the reason each test printed under it (its
# next "# " line): CI shows only the end of its output, so .ci/run prints
# that file again just before its last line.
fails=build/test-failures.txt
grep -E '^ *[0-9]+/[0-9]+ .* (FAIL|TIMEOUT) ' "$logdir/unit.log" | sed 's/^ */unit: /' >"$fails"
echo "### per tier and kernel"
for l in "${logs[@]}"; do
	if ! [ -f "$logdir/$l.log" ]; then
		echo "# no log $l.log: counting it as one failure"
		echo "$l: no log" >>"$fails"
		failed=$((failed + 1))
		continue
	fi
	add_counts "$logdir/$l.log"
	line=$(grep -E "$summary_re" "$logdir/$l.log" | tail -n 1)
	printf '# %-40s %s\n' "$l:" "$line"
	awk -v t="$l" 'why && /^# / { print t ":   " $0 } { why = 0 } /^not ok/ { print t ": " $0; why = 1 }
		/^# retry: / { print t ": " $0 }' "$logdir/$l.log" >>"$fails"
	[ -n "$line" ] ||
		{ echo "$l: no summary line; its log ends:"; tail -n 3 "$logdir/$l.log" | sed "s/^/$l:   /"; } >>"$fails"
done
if [ -s "$fails" ]; then
	echo "### what failed"
	cat "$fails"
fi
echo "$passed $failed $skipped" > build/test-summary.txt
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
