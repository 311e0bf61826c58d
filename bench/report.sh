#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Summarises xdpchain-bench JSON files (one per kernel) as Markdown: cost
# per packet as ratios to one program attached directly, the control
# plane, and whether each target holds; draws the plot next to the first
# file (cost.svg) when gnuplot is there. Exit 0 even when a target is
# missed: the benchmark reports, tests check correctness.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: report.sh FILE.json..." >&2; exit 2; }
dir=$(dirname "$1")

verdict() { if [ "$1" = true ]; then echo "holds"; else echo "MISSED"; fi; }

for f in "$@"; do
	k=$(jq -r .kernel "$f")
	echo "## Kernel $k ($(basename "$f" .json))"
	echo
	if [ "$(jq -r '.clock // "real"' "$f")" = icount ]; then
		echo "Instruction-counted time (QEMU -icount shift=0, one vCPU): a nanosecond here is one guest instruction executed, so the per-packet figures repeat exactly from run to run and show the instructions each side runs, not cache or branch effects. Control-plane figures include what waits (RCU grace periods) at the guest timer's resolution (4 ms)."
		echo
	fi
	echo "$(jq .runs "$f") runs x $(jq .repeat "$f") packets per run. Each run is paired with a run of a reference program (one pass program attached directly to a second interface) taken right after it; a cell is the median of the per-run ratios [min-max]. The reference is the same program as the single program attached directly ($(jq '.base.med | .*100|round/100' "$f") ns per packet), so that program's own ratio, $(jq '.base.ratio.med | .*1000|round/1000' "$f")x [$(jq '.base.ratio.min | .*1000|round/1000' "$f")-$(jq '.base.ratio.max | .*1000|round/1000' "$f")], is the method's error in this run."
	echo
	sides=$(jq -r '.sides | keys_unsorted | join(" ")' "$f")
	printf '| N | direct calls |'
	for s in $sides; do printf ' %s |' "$s"; done
	printf '\n|---|---|'
	for s in $sides; do printf -- '---|'; done
	printf '\n'
	jq -r --arg sides "$sides" '
		. as $r | def r(v): v * 100 | round / 100;
		def cell(x): if x == null then "-" else
			"\(r(x.ratio.med))x [\(r(x.ratio.min))-\(r(x.ratio.max))]" end;
		range(0; .sizes | length) as $i |
		"| \(.sizes[$i]) | \(cell(.direct[$i])) |" +
		([$sides | split(" ")[] | " \(cell($r.sides[.].dataplane[$i])) |"] | join(""))' "$f"
	echo
	echo "Control plane (ms): the first attach on the empty interface in a fresh process (median [min-max] of $(jq '[.sides[].first_attach_ns.runs // 0] | max' "$f") processes per side, the sides taking turns: xdpchain's freplace probe included), attach of the k-th program in one process, detach from the middle, status."
	echo
	echo "| side | first attach | attach #1 | attach #2 | attach #3 | attach #10 | attach #last | detach of 10 | detach of 64 | status | verified insns (1 / 10 / 64) | dispatcher memlock at 1 / max |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
	jq -r '.sizes as $sz | .sides | to_entries[] | .key as $k | .value as $v |
		def ms(x): if x == null or x == 0 then "-" else (x / 1e4 | round / 100 | tostring) end;
		def at(n): ([range(0; $sz | length) | select($sz[.] == n)][0]) as $i |
			if $i == null then "-" else ($v.verified_insns[$i] | tostring) end;
		def fa: $v.first_attach_ns // {} | if .med == null then "-" else "\(ms(.med)) [\(ms(.min))-\(ms(.max))]" end;
		"| \($k) | \(fa) | \(ms($v.attach_ns[0])) | \(ms($v.attach_ns[1])) | \(ms($v.attach_ns[2])) | \(ms($v.attach_ns[9])) | #\($v.attach_ns | length): \(ms($v.attach_ns[-1])) | \(ms($v.detach_middle_of_10_ns)) | \(ms($v.detach_middle_of_64_ns)) | \(ms($v.status_ns)) | \(at(1)) / \(at(10)) / \(at(64)) | \($v.memlock[0]) / \([$v.memlock[] | select(. > 0)] | max) |"' "$f"
	echo
	if jq -e '.dispatcher_load' "$f" >/dev/null; then
		echo "The dispatcher alone, as a rebuild of N programs of one kind loads it (the smallest build that holds them and the spare slots it gets, docs/protocol.md 6b), attached nowhere (median of 5 loads: verifier and JIT):"
		echo
		echo "| slots | load ms | verified insns | xlated bytes |"
		echo "|---|---|---|---|"
		jq -r '.dispatcher_load | to_entries[] | .key as $k | .value[] |
			"| \(.slots) \($k) | \(if .load_ns == null then "-" else (.load_ns / 1e4 | round / 100 | tostring) end) | \(.verified_insns // "-") | \(.xlated_bytes // "-") |"' "$f"
		echo
	fi
	# Targets. Costs are in units of the reference program (paired ratios), per-program costs from the slope between 1 and the
	# longest chain <= 10.
	jq -r '
		.sizes as $sz | . as $r |
		def rel(x): x.ratio.med;
		def per(x; a; b): ((rel(x[b]) - rel(x[a])) / ($sz[b] - $sz[a]));
		def ns(v): v * $r.base.med * 100 | round / 100;
		([range(0; $sz | length) | select($sz[.] == 1)][0]) as $i1 |
		([range(0; $sz | length) | select($sz[.] <= 10)] | max) as $i10 |
		.sides | to_entries[] | select(.key | startswith("xdpchain")) | .key as $k | .value as $v |
		"- \($k): 1 program costs \((rel($v.dataplane[$i1]) * 100 | round) / 100)x the program attached directly (target <= 1.05x: \(if rel($v.dataplane[$i1]) <= 1.05 then "holds" else "MISSED" end)); " +
		(if $i10 > $i1 and $v.dataplane[$i10] != null then
			"each further program adds \(ns(per($v.dataplane; $i1; $i10))) ns, a direct call \(ns(per($r.direct; $i1; $i10))) ns (target <= 1.3x: \(if per($v.dataplane; $i1; $i10) <= 1.3 * per($r.direct; $i1; $i10) then "holds" else "MISSED" end))" +
			(if $r.sides.libxdp != null and $r.sides.libxdp.dataplane[$i10] != null then
				", libxdp \(ns(per($r.sides.libxdp.dataplane; $i1; $i10))) ns (target <= libxdp: \(if per($v.dataplane; $i1; $i10) <= per($r.sides.libxdp.dataplane; $i1; $i10) then "holds" else "MISSED" end))"
			else "" end)
		else "" end) +
		(if $r.sides.libxdp.first_attach_ns.med != null and $v.first_attach_ns.med != null then
			($v.first_attach_ns.med / $r.sides.libxdp.first_attach_ns.med) as $fr |
			"; the first attach takes \($fr * 100 | round / 100)x libxdp'"'"'s (target <= 1x: \(if $fr <= 1 then "holds" else "MISSED" end))"
		else "" end) +
		(if $r.sides.libxdp != null and ($r.sides.libxdp.attach_ns | length) >= 2 and ($v.attach_ns | length) >= 2 then
			($v.attach_ns[1] / $r.sides.libxdp.attach_ns[1]) as $sr |
			"; the second attach takes \($sr * 100 | round / 100)x libxdp'"'"'s"
		else "" end) +
		(if $r.sides.libxdp != null and ($r.sides.libxdp.attach_ns | length) >= 2 then
			(([$v.attach_ns[1:($r.sides.libxdp.attach_ns | length)][]] | add) / ([$r.sides.libxdp.attach_ns[1:][]] | add)) as $ar |
			"; attaching to an existing chain takes \($ar * 100 | round / 100)x libxdp'"'"'s time (target <= 0.5x: \(if $ar <= 0.5 then "holds" else "MISSED" end))" +
			(if $r.sides.libxdp.detach_middle_of_10_ns > 0 and $v.detach_middle_of_10_ns > 0 then
				($v.detach_middle_of_10_ns / $r.sides.libxdp.detach_middle_of_10_ns) as $dr |
				", detaching \($dr * 100 | round / 100)x (target <= 0.5x: \(if $dr <= 0.5 then "holds" else "MISSED" end))"
			else "" end)
		else "" end) +
		"; longest chain run: \([range(0; $sz | length) | select($v.dataplane[.] != null) | $sz[.]] | max) programs."' "$f"
	echo
done

# The plot: cost per packet (ratio to direct) against chain length.
if command -v gnuplot >/dev/null; then
	plots=()
	for f in "$@"; do
		name=$(basename "$f" .json)
		jq -r '. as $r | range(0; .sizes | length) as $i | "\(.sizes[$i]) \(.direct[$i].ratio.med)"' "$f" > "$dir/$name.direct.dat"
		plots+=("'$dir/$name.direct.dat' using 1:2 with linespoints title '$name direct calls'")
		for s in $(jq -r '.sides | keys[]' "$f"); do
			jq -r --arg s "$s" '. as $r | range(0; .sizes | length) as $i | select(.sides[$s].dataplane[$i] != null) |
				"\(.sizes[$i]) \(.sides[$s].dataplane[$i].ratio.med)"' "$f" > "$dir/$name.$s.dat"
			plots+=("'$dir/$name.$s.dat' using 1:2 with linespoints title '$name $s'")
		done
	done
	gnuplot <<GP
set terminal svg size 900,560 dynamic
set output '$dir/cost.svg'
set title 'Per-packet cost against chain length (ratio to one program attached directly)'
set xlabel 'programs in the chain'
set ylabel 'cost / direct single program'
set logscale x 2
set key left top
set grid
plot $(IFS=,; echo "${plots[*]}")
GP
	echo "Plot: $dir/cost.svg"
fi
