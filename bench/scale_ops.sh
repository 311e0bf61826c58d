# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# The control plane at scale, shared by bench/scale.sh (the table of
# docs/performance.md) and tests/kernel/suite-scale.sh (the CI check that
# no per-interface cost grows with the number of chains). Sourced; the
# caller sets XC (the CLI), SCALE_NS (a network namespace of its own),
# SCALE_ROOT (the --root, on a bpffs the caller mounted) and SCALE_OBJ,
# SCALE_PROG (one plain XDP program to attach).

# scale_xc ARGS: the CLI in the namespace, on the private root.
scale_xc() { ip netns exec "$SCALE_NS" "$XC" -r "$SCALE_ROOT" "$@"; }

# scale_veths N: veth pairs s0/p0 .. s(N-1)/p(N-1), up, in one batch.
scale_veths() {
	local i
	for ((i = 0; i < $1; i++)); do
		echo "link add s$i type veth peer name p$i"
		echo "link set s$i up"
		echo "link set p$i up"
	done | ip -n "$SCALE_NS" -batch -
}

# scale_del_veths N: removes them again (deleting one end removes both).
scale_del_veths() {
	local i
	for ((i = 0; i < $1; i++)); do
		echo "link del s$i"
	done | ip -n "$SCALE_NS" -batch -
}

# scale_ms CMD...: runs CMD (output discarded); prints its wall time in
# milliseconds, or fails with CMD's status.
scale_ms() {
	local t0 t1 rc
	t0=$(date +%s%N)
	"$@" >/dev/null 2>"$SCALE_TMP/err"
	rc=$?
	t1=$(date +%s%N)
	[ "$rc" = 0 ] || { echo "scale: $* failed ($rc): $(head -c 400 "$SCALE_TMP/err")" >&2; return "$rc"; }
	echo $(((t1 - t0) / 1000000))
}

# One command per interface: attach (or detach) s0 .. s(N-1).
scale_attach_each() {
	local i
	for ((i = 0; i < $1; i++)); do
		scale_xc attach -b tailcall "s$i" "$SCALE_OBJ" -p "$SCALE_PROG" || return
	done
}
scale_detach_each() {
	local i
	for ((i = 0; i < $1; i++)); do
		scale_xc detach "s$i" --all || return
	done
}

# scale_config N FILE: one apply file with every interface.
scale_config() {
	local i
	{
		printf '{"version": 1, "owner": "scale", "interfaces": {'
		for ((i = 0; i < $1; i++)); do
			[ "$i" = 0 ] || printf ','
			printf '"s%d": {"backend": "tailcall", "programs": [{"file": "%s", "program": "%s", "priority": 10}]}' \
				"$i" "$SCALE_OBJ" "$SCALE_PROG"
		done
		printf '}}\n'
	} >"$2"
}

# scale_status_all N: -j status of every chain, and checks it lists N.
scale_json_status() {
	local n
	n=$(scale_xc -j status | jq 'length') || return
	[ "$n" = "$1" ] || { echo "scale: -j status lists $n chains, not $1" >&2; return 1; }
}
