#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# The arm64 cross build on Debian 12 amd64 (README, "arm64 cross build"):
#   tests/packaging/cross-arm64.sh [--deps-only]
# Configures build-arm64/ afresh with packaging/cross/aarch64-linux-gnu.ini,
# builds every target (library, CLI, demo, bench, test tools, fuzz replay
# programs), checks that every program and library is ARM aarch64, and
# that the BPF objects are byte for byte those of a native build (in
# build-amd64/, BPF objects only) but for the build directory's name. No arm64 program runs (no exe_wrapper):
# meson skips those tests and runs the unit tests that need none.
# Installs what it needs with apt-get, arm64 packages included (dpkg
# --add-architecture arm64: the machine keeps that architecture). Their
# Multi-Arch twins must have the same version, so apt may upgrade amd64
# packages such as zlib1g to the version of the arm64 ones. Prints
# "N passed, N failed" last.
set -uo pipefail
cd "$(dirname "$0")/../.."
src=$PWD
cross=$src/build-arm64
# Same length as build-arm64: the objects hold the absolute build
# directory (DWARF, and BTF line info), compared after swapping the names.
native=$src/build-amd64

export DEBIAN_FRONTEND=noninteractive
apt_get() { apt-get -o DPkg::Lock::Timeout=600 "$@"; }
update=0
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	echo "dpkg --add-architecture arm64"
	dpkg --add-architecture arm64 || exit 1
	update=1
fi
# libjansson-dev, libpcap0.8-dev, libxdp-dev (:arm64): the CLI's readers
# (and the bench's libxdp side).
pkgs=(meson ninja-build gcc clang llvm bpftool pkg-config libbpf-dev libelf-dev zlib1g-dev
      file gcc-aarch64-linux-gnu pkgconf:arm64 libbpf-dev:arm64 libelf-dev:arm64
      zlib1g-dev:arm64 libjansson-dev:arm64 libpcap0.8-dev:arm64 libxdp-dev:arm64)
source tests/lib/missing-pkgs.sh
mapfile -t missing < <(missing_pkgs "${pkgs[@]}")
if [ ${#missing[@]} -gt 0 ]; then
	echo "installing: ${missing[*]}"
	apt_get update -qq || exit 1
	update=0
	# The sources must serve arm64 (deb.debian.org does; a mirror
	# restricted with "Architectures: amd64" would not). Read whole, not
	# piped into grep -q: with pipefail, grep's early exit makes
	# apt-cache's SIGPIPE fail the test (it did, once the version table
	# grew).
	policy=$(apt-cache policy libbpf-dev:arm64)
	if ! grep -q 'Candidate: [0-9]' <<<"$policy"; then
		echo "FAIL: no libbpf-dev:arm64 in the apt sources (do they serve arm64?)"
		echo "0 passed, 1 failed"
		exit 1
	fi
	apt_get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || exit 1
fi
[ "$update" -eq 0 ] || apt_get update -qq || exit 1
# --deps-only: the toolchain and libraries only (tests/packaging/deb-arm64.sh).
[ "${1:-}" != --deps-only ] || exit 0

passed=0 failed=0
ok() { echo "ok: $*"; passed=$((passed + 1)); }
ko() { echo "FAIL: $*"; failed=$((failed + 1)); }
finish() { echo "$passed passed, $failed failed"; exit $((failed > 0)); }

log=$(mktemp /tmp/xdpchain-cross.XXXXXX)
trap 'rm -f "$log"' EXIT
rm -rf "$cross"
if meson setup --cross-file packaging/cross/aarch64-linux-gnu.ini "$cross" >"$log" 2>&1; then
	ok "meson setup (cross)"
else
	tail -n 20 "$log"
	ko "meson setup --cross-file failed"
	finish
fi
# ninja without a target: everything meson builds by default, which is
# every target of the project (bench, examples and test tools included).
if ninja -C "$cross" >"$cross/ninja.log" 2>&1; then
	ok "ninja: $(grep -c '^\[' "$cross/ninja.log") steps"
else
	grep -A 12 '^FAILED' "$cross/ninja.log" | head -n 40
	ko "the cross build failed ($cross/ninja.log)"
	finish
fi
# A second build does nothing but regenerate the version header: meson's
# vcs_tag runs on every build (so that the version names the commit), and
# rewrites it only when it changed, so nothing that includes it rebuilds.
# (ninja -n cannot know that, and lists them.)
[ -z "$(ninja -C "$cross" | grep '^\[' | grep -v 'build_version\.h')" ] &&
	ok "nothing left to build" || ko "ninja still has work after a full build"

version=$(sed -n "s/^ *version *: *'\([^']*\)'.*/\1/p" meson.build | head -n1)
for f in "lib/libxdpchain.so.$version" cli/xdpchain; do
	desc=$(file -b "$cross/$f" 2>&1)
	grep -q 'ELF 64-bit LSB.*ARM aarch64' <<<"$desc" && ok "$f: ${desc%%, BuildID*}" ||
		ko "$f: $desc"
done
# Every other program and library too: none built for the build machine.
elves=0 wrong=()
while IFS= read -r -d '' f; do
	desc=$(file -b "$f")
	case $desc in
	*"ELF "*executable* | *"ELF "*"shared object"*) ;;
	*) continue ;;
	esac
	elves=$((elves + 1))
	grep -q 'ARM aarch64' <<<"$desc" || wrong+=("${f#"$cross"/}")
done < <(find "$cross" -type f -perm -u+x ! -path '*/meson-*' -print0)
[ "$elves" -gt 10 ] && [ ${#wrong[@]} -eq 0 ] && ok "all $elves programs and libraries are aarch64" ||
	ko "$elves programs and libraries, not aarch64: ${wrong[*]:-none}"

# The unit suite: what needs no arm64 machine runs (the ABI against the
# version map, the manifests, the layers), meson skips the programs.
if meson test -C "$cross" --suite unit --no-rebuild >"$log" 2>&1; then
	ok "meson test --suite unit: $(grep -oE '^(Ok|Skipped): *[0-9]+' "$log" | tr -s ' ' | paste -sd, -)"
else
	grep -E '^ *[0-9]+/[0-9]+ .*(FAIL|TIMEOUT)' "$log"
	ko "meson test --suite unit failed in the cross build"
fi

# The BPF objects: clang -target bpf runs on the build machine in both
# builds, so they must not depend on the host architecture.
mapfile -t objs < <(ninja -C "$cross" -t targets all | cut -d: -f1 |
	grep -E '^(dispatcher|bpf|bench)/.*\.o$' | grep -v '\.p/' | sort)
if [ ! -f "$native/build.ninja" ]; then
	meson setup "$native" >"$log" 2>&1 ||
		{ tail -n 20 "$log"; ko "native meson setup failed"; finish; }
fi
if ! ninja -C "$native" "${objs[@]}" >/dev/null; then
	ko "the native BPF objects did not build"
	finish
fi
same=0 differ=()
for o in "${objs[@]}"; do
	if N=$native C=$cross perl -0777 -pe 's{\Q$ENV{N}\E}{$ENV{C}}g' "$native/$o" |
		cmp -s - "$cross/$o"; then
		same=$((same + 1))
	else
		differ+=("$o")
	fi
done
[ "${#objs[@]}" -gt 5 ] && [ ${#differ[@]} -eq 0 ] &&
	ok "${#objs[@]} BPF objects (dispatchers included) identical to the native build's" ||
	ko "BPF objects: $same identical, differing: ${differ[*]:-none} (of ${#objs[@]})"
finish
