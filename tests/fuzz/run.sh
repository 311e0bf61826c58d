#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Bounded fuzzing run: builds the libFuzzer targets with clang (ASan +
# UBSan) in build-fuzz/ and runs each for SECONDS (default 60) from the
# seed corpus, committed and generated, plus past regressions:
#   tests/fuzz/run.sh [SECONDS]        TARGETS="meta elf" to select
# Prints the executions of each target (libFuzzer's final stats) and
# "N passed, N failed" (one per target). A crash, leak, timeout or
# property violation fails the target; libFuzzer writes the input to
# build-fuzz/fuzz-artifacts/<target>/: add it to regressions/<target>/
# with the fix. Grown corpora stay in build-fuzz/fuzz-corpus/<target>/.
set -uo pipefail
secs=${1:-60}
cd "$(dirname "$0")/../.."
top=$PWD
bdir=${FUZZ_BUILD_DIR:-$top/build-fuzz}
targets=${TARGETS:-$(ls tests/fuzz/fuzz_*.c | sed 's|.*/fuzz_||; s|\.c$||')}

# Two runs at once (CI splits the targets over two lanes) build one at a
# time: the second finds the targets built.
exec 9>"$bdir.lock"
flock 9
if [ ! -f "$bdir/build.ninja" ]; then
	CC=clang meson setup "$bdir" -Dfuzz=enabled >/dev/null || exit 1
fi
ninja_targets=()
for t in $targets; do
	ninja_targets+=("tests/fuzz/fuzz-$t" "tests/fuzz/fuzz-$t-replay")
done
# Generated seeds: whatever custom targets tests/fuzz defines.
ninja -C "$bdir" "${ninja_targets[@]}" $(ninja -C "$bdir" -t targets all |
	grep -o '^tests/fuzz/seeds-[a-z_]*\.list') >/dev/null ||
	{ ninja -C "$bdir" "${ninja_targets[@]}"; exit 1; }
flock -u 9

# A failed allocation returns NULL as in production, where the code must
# handle it (libbpf 1.1 asks malloc() for (size_t)-24 on some corrupt
# objects and does: regressions/elf/libbpf-malloc-negative-size); by
# default ASan would abort there. Leaks are still reported.
export ASAN_OPTIONS=${ASAN_OPTIONS:-allocator_may_return_null=1:detect_leaks=1}

passed=0 failed=0
for t in $targets; do
	corpus=$bdir/fuzz-corpus/$t
	artifacts=$bdir/fuzz-artifacts/$t
	log=$bdir/fuzz-logs/$t.log
	mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
	seeds=()
	for d in tests/fuzz/corpus/$t tests/fuzz/regressions/$t $bdir/tests/fuzz/seeds/$t; do
		[ -d "$d" ] && seeds+=("$d")
	done
	# The first directory is where libFuzzer adds new inputs; the
	# others are only read. Leaks are checked (ASan's LeakSanitizer);
	# one input taking over 10 s counts as a hang. A fixed seed makes a
	# CI run reproducible (FUZZ_SEED=0: libFuzzer picks a random one).
	"$bdir/tests/fuzz/fuzz-$t" -seed="${FUZZ_SEED:-1}" -max_total_time="$secs" \
		-timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$artifacts/" \
		"$corpus" "${seeds[@]}" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
	files=$(find "$corpus" -type f | wc -l)
	if [ "$rc" -eq 0 ]; then
		echo "ok - fuzz $t: ${execs:-?} executions in ${secs}s, ${cov:-cov: ?}, corpus $files"
		passed=$((passed + 1))
	else
		echo "not ok - fuzz $t: exit $rc after ${execs:-?} executions; log $log:"
		grep -E 'ERROR|SUMMARY|property violated|Test unit written' "$log" | head -n 20 |
			sed 's/^/#   /'
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]
