#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# The arm64 Debian packages, cross-built here and tried on an arm64 kernel:
#   tests/packaging/deb-arm64.sh [--kernel 6.12|6.1|newest]   (root)
# Builds libxdpchain0 and xdpchain for arm64 with "dpkg-buildpackage
# -aarm64" (debhelper's meson build with the project's cross file,
# packaging/cross/aarch64-linux-gnu.ini; nocheck: no arm64 program runs
# here) into build-arm64-deb/, then boots the arm64 guest of
# tests/vm/run-vm.sh (default kernel 6.12), where dpkg -i installs them
# in its Debian 12 arm64 root (checking their dependencies and running
# their maintainer scripts), debian/tests' cli and demo run against the
# installed files (version; one attach, then two programs in priority
# order with ping and UDP through the chain, per XDP mode), and dpkg
# --purge removes them. tests/packaging/deb.sh does the same for amd64,
# with lintian and the -dev package's consumer (which would need an arm64
# compiler in the guest). Installs the cross toolchain with
# tests/packaging/cross-arm64.sh's list. Prints "N passed, N failed" last.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
top=$PWD
out=$top/build-arm64-deb
pkgs=(libxdpchain0 xdpchain)

passed=0 failed=0
ok() { echo "ok: $*"; passed=$((passed + 1)); }
ko() { echo "FAIL: $*"; failed=$((failed + 1)); }
finish() { echo "$passed passed, $failed failed"; exit $((failed > 0)); }

if [ "${1:-}" = --guest ]; then
	# In the guest, from --cwd (this tree): install, try, purge.
	if dpkg -i "${@:2}" >/tmp/dpkg.log 2>&1; then
		ok "dpkg -i ${*:2}"
	else
		cat /tmp/dpkg.log
		ko "dpkg -i"
		finish
	fi
	for t in cli demo; do
		if "debian/tests/$t" >"/tmp/$t.log" 2>&1; then
			ok "debian/tests/$t: $(grep -c '^ok' "/tmp/$t.log") checks"
		else
			cat "/tmp/$t.log"
			ko "debian/tests/$t"
		fi
	done
	if dpkg --purge "${pkgs[@]}" >/tmp/purge.log 2>&1 && [ ! -e /usr/sbin/xdpchain ]; then
		ok "dpkg --purge"
	else
		cat /tmp/purge.log
		ko "dpkg --purge"
	fi
	finish
fi

[ "$(id -u)" -eq 0 ] || { echo "Error: run as root (apt-get, the VM)" >&2; exit 2; }
kernel=6.12
[ "${1:-}" != --kernel ] || kernel=${2:?--kernel needs a value}
# The cross toolchain and arm64 libraries: cross-arm64.sh's list, which
# also adds the arm64 architecture to dpkg.
tests/packaging/cross-arm64.sh --deps-only >/dev/null || { ko "cross build dependencies"; finish; }
missing=()
for p in dpkg-dev debhelper; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	"${missing[@]}" >/dev/null || { ko "apt-get install ${missing[*]}"; finish; }

# A copy of the files git knows, named as dpkg-source expects (the
# checkout stays clean); the .debs land beside it.
version=$(dpkg-parsechangelog -S Version)
work=$(mktemp -d /tmp/xdpchain-deb-arm64.XXXXXX)
trap 'rm -rf "$work"' EXIT
src=$work/xdpchain-${version%-*}
mkdir "$src"
git ls-files -z --cached --others --exclude-standard | tar --null -T - --ignore-failed-read -cf - 2>/dev/null |
	tar -C "$src" -xf -
t0=$SECONDS
if (cd "$src" && DH_MESON_CROSS_FILE=$src/packaging/cross/aarch64-linux-gnu.ini \
	DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -aarm64 -Pnocheck -d -us -uc -b) >"$work/build.log" 2>&1; then
	ok "dpkg-buildpackage -aarm64 ($((SECONDS - t0)) s)"
else
	tail -n 40 "$work/build.log"
	ko "dpkg-buildpackage -aarm64"
	finish
fi
rm -rf "$out"
mkdir -p "$out"
debs=()
for p in "${pkgs[@]}"; do
	f=$(ls "$work/${p}_${version}_arm64.deb" 2>/dev/null)
	if [ -n "$f" ] && cp "$f" "$out/"; then
		debs+=("build-arm64-deb/${f##*/}")
	else
		ko "no ${p}_${version}_arm64.deb"
	fi
done
[ ${#debs[@]} -eq ${#pkgs[@]} ] || finish
dpkg-deb --fsys-tarfile "$out/xdpchain_${version}_arm64.deb" | tar -xO ./usr/sbin/xdpchain >"$work/xc"
desc=$(file -b "$work/xc")
if grep -q 'ARM aarch64' <<<"$desc"; then
	ok "/usr/sbin/xdpchain in the .deb: ${desc%%, BuildID*}"
else
	ko "/usr/sbin/xdpchain in the .deb: $desc"
fi

# The guest's own output carries its checks and counts.
log=$work/guest.log
t0=$SECONDS
tests/vm/run-vm.sh --arch arm64 --kernel "$kernel" --timeout 600 --cwd "$top" -- \
	tests/packaging/deb-arm64.sh --guest "${debs[@]}" >"$log" 2>&1
rc=$?
cat "$log"
echo "# guest: exit $rc after $((SECONDS - t0)) s"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
if [ -n "$line" ]; then
	read -r gp gf <<<"$(tr -dc '0-9 ' <<<"$line")"
	passed=$((passed + gp))
	failed=$((failed + gf))
else
	ko "the arm64 guest (kernel $kernel) reported nothing (exit $rc)"
fi
finish
