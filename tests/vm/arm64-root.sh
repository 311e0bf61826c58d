#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# The arm64 guest's root filesystem (tests/vm/run-vm.sh --arch arm64): a
# Debian 12 arm64 userland made once with mmdebstrap and cached, keyed by
# the package list below and this script. Prints the root's path.
#   tests/vm/arm64-root.sh CACHE_DIR
# The caller holds the cache lock.
#
# The host runs no arm64 code (no binfmt_misc/qemu-user needed):
# mmdebstrap's "extract" variant downloads the packages with their
# dependencies (apt resolves them) and unpacks them without running their
# maintainer scripts. What those scripts would have made and the tests
# need is made here instead: /etc/passwd and /etc/group (with tcpdump's
# user), the sh and awk links,
# and a dpkg database listing every package as installed, so that the
# guest can install the project's .debs with dpkg -i, which then checks
# their dependencies and runs their maintainer scripts on a real arm64
# kernel.
set -euo pipefail

if [ "${1:-}" = --dpkg-status ]; then
	# mmdebstrap's extract hook, while the downloaded .debs are still in
	# the root's apt cache: one status entry per package.
	r=$2
	mkdir -p "$r/var/lib/dpkg/info" "$r/var/lib/dpkg/updates"
	for d in "$r"/var/cache/apt/archives/*.deb; do
		dpkg-deb -f "$d" | grep -v '^Status:'
		echo "Status: install ok installed"
		echo
		p=$(dpkg-deb -f "$d" Package)
		# The file list: dpkg -i of a package that shares a directory
		# with one of these does not need it, but dpkg -L and -S do.
		dpkg-deb -c "$d" | awk '{ sub(/^\.\//, "/", $6); sub(/\/$/, "", $6); print ($6 == "" ? "/." : $6) }' \
			>"$r/var/lib/dpkg/info/$p.list"
	done >"$r/var/lib/dpkg/status"
	: >"$r/var/lib/dpkg/available"
	exit 0
fi

cache=$1
# What the kernel suites and the installed packages need, besides the
# dependencies apt adds: the runtime libraries the cross-built programs
# link (readelf -d: libbpf1, libelf1, zlib1g, libjansson4, libpcap0.8,
# libxdp1), the suites' tools (bash, coreutils, iproute2, jq, bpftool,
# tcpdump, procps, util-linux), dpkg and libc-bin (dpkg -i wants
# start-stop-daemon and ldconfig), what debian/tests/demo depends on
# (iputils-ping, mount), python3-minimal for tests/tools/pcapng_comments.py
# (scenarios' t_dump), base-passwd for the user database, and
# busybox-static for the initramfs.
pkgs=(base-files base-passwd bash coreutils diffutils findutils grep sed mawk gzip
	dash debianutils procps util-linux mount iproute2 iputils-ping jq bpftool tcpdump dpkg libc-bin python3-minimal
	busybox-static libbpf1 libelf1 zlib1g libjansson4 libpcap0.8 libxdp1)
key=$( { printf '%s\n' "${pkgs[@]}"; cat "$0"; } | sha256sum | cut -c1-16)
dir=$cache/arm64-root
root=$dir/$key
if [ -x "$root/bin/bash" ]; then
	touch "$root"
	echo "$root"
	exit 0
fi
command -v mmdebstrap >/dev/null || {
	echo "run-vm: installing mmdebstrap" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >&2
}
echo "run-vm: building the arm64 root ($key) with mmdebstrap" >&2
# Other roots (another package list, another checkout's script) go once
# unused for a day: a guest may be running on one now.
mkdir -p "$dir"
rm -rf "$dir/.tmp"
find "$dir" -mindepth 1 -maxdepth 1 -type d -mtime +0 -exec rm -rf {} +
self=$(cd "$(dirname "$0")" && pwd)/${0##*/}
# The mirror and keyring of tests/vm's other apt configurations.
mmdebstrap --quiet --variant=extract --architectures=arm64 \
	--include="$(IFS=,; echo "${pkgs[*]}")" \
	--extract-hook="\"$self\" --dpkg-status \"\$1\"" \
	bookworm "$dir/.tmp" \
	"deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main" \
	"deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main" >&2
r=$dir/.tmp
cp "$r/usr/share/base-passwd/passwd.master" "$r/etc/passwd"
cp "$r/usr/share/base-passwd/group.master" "$r/etc/group"
# tcpdump drops root for this user (its postinst makes it), also when it
# only reads a file: without it scenarios' t_dump reads no packet.
echo 'tcpdump:x:101:101::/nonexistent:/usr/sbin/nologin' >>"$r/etc/passwd"
echo 'tcpdump:x:101:' >>"$r/etc/group"
# update-alternatives' links that the suites use.
ln -sf /usr/bin/mawk "$r/usr/bin/awk"
[ -e "$r/bin/sh" ] || ln -s dash "$r/bin/sh"
echo arm64 >"$r/var/lib/dpkg/arch"
mv "$r" "$root"
echo "$root"
