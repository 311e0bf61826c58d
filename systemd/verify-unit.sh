#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# verify-unit.sh UNIT WRAPPER XDPCHAIN [SOCKET SERVICE]: "systemd-analyze
# verify" of the unit, with its ExecStart pointing at this build; the
# wrapper's shell syntax; the same for the metrics socket and its
# per-connection service; exit 77 (skip) where systemd-analyze is missing.
set -euo pipefail
unit=$1 wrapper=$2 xc=$3
sh -n "$wrapper" || { echo "FAIL: $wrapper: shell syntax"; exit 1; }
if ! command -v systemd-analyze >/dev/null; then
	echo "SKIP: systemd-analyze is not installed (no systemd on this machine)"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$wrapper" "$tmp/xdpchain-apply-all"
chmod +x "$tmp/xdpchain-apply-all"
sed "s|^\(Exec[A-Za-z]*=\)[^ ]*xdpchain-apply-all|\1$tmp/xdpchain-apply-all|" "$unit" \
	>"$tmp/xdpchain-apply.service"
grep -q "^ExecStart=$tmp/" "$tmp/xdpchain-apply.service" || { echo "FAIL: no ExecStart"; exit 1; }
# --man=no: the man page is not installed here.
out=$(systemd-analyze verify --man=no "$tmp/xdpchain-apply.service" 2>&1) || {
	echo "FAIL: systemd-analyze verify:"; echo "$out"; exit 1; }
# verify only warns about some problems: any line naming our unit is one.
if grep -i "xdpchain-apply" <<<"$out"; then
	echo "FAIL: systemd-analyze verify warns"; exit 1
fi
if [ $# -ge 5 ]; then
	cp "$4" "$tmp/xdpchain-metrics.socket"
	sed "s|^ExecStart=[^ ]*xdpchain |ExecStart=$xc |" "$5" >"$tmp/xdpchain-metrics@.service"
	grep -q "^ExecStart=$xc metrics" "$tmp/xdpchain-metrics@.service" ||
		{ echo "FAIL: no ExecStart in $5"; exit 1; }
	out=$(systemd-analyze verify --man=no "$tmp/xdpchain-metrics.socket" \
		"$tmp/xdpchain-metrics@.service" 2>&1) || {
		echo "FAIL: systemd-analyze verify (metrics):"; echo "$out"; exit 1; }
	if grep -i "xdpchain-metrics" <<<"$out"; then
		echo "FAIL: systemd-analyze verify warns (metrics)"; exit 1
	fi
fi
echo "systemd unit: ok"
