#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# The OCI image that docs/kubernetes/xdpchain-daemonset.yaml runs: a Debian
# 12 root made with mmdebstrap (no registry is needed, only Debian's
# archive), the project's own .debs installed in it with dpkg, imported
# into podman's store as localhost/xdpchain:VERSION (and :latest).
#   packaging/oci/build.sh [DEB_DIR]     (root)
# DEB_DIR holds libxdpchain0_*.deb and xdpchain_*.deb (of this machine's
# architecture); without it they are built by tests/packaging/deb.sh
# (KEEP=1; its demo attaches XDP programs on this kernel: run this under
# the kernel-test lock then, as tests/container/run.sh is).
#
# The base (Debian's essential set plus the .debs' dependencies: libbpf1,
# libelf1, libjansson4, libpcap0.8, libxdp1, mount, ...) is cached as a
# tarball in ${XDPCHAIN_OCI_CACHE:-/var/cache/xdpchain-oci}, named by a
# hash of its package list and this recipe, and rebuilt when it is a week
# old: the second build only unpacks it, runs dpkg -i and imports. No apt,
# no apt lists or caches, no manual pages or documentation (the copyright
# files stay) are in the image.
#
# Prints the image's name, its size and the time each step took; writes
# them to $XDPCHAIN_OCI_CACHE/last-build.txt. XDPCHAIN_OCI_MIRROR sets
# Debian's mirror (default: http://deb.debian.org/debian).
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$PWD
[ "$(id -u)" -eq 0 ] || { echo "Error: oci: run as root (mmdebstrap, chroot, podman's store)" >&2; exit 2; }
cache=${XDPCHAIN_OCI_CACHE:-/var/cache/xdpchain-oci}
mirror=${XDPCHAIN_OCI_MIRROR:-http://deb.debian.org/debian}
suite=bookworm
arch=$(dpkg --print-architecture)
start=$SECONDS
step() { echo "oci: $1 ($((SECONDS - t0)) s)"; t0=$SECONDS; }
t0=$SECONDS

need=()
command -v mmdebstrap >/dev/null || need+=(mmdebstrap)
command -v podman >/dev/null || need+=(podman)
if [ ${#need[@]} -gt 0 ]; then
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -q install \
		--no-install-recommends "${need[@]}" >/dev/null
fi

work=$(mktemp -d /tmp/xdpchain-oci.XXXXXX)
chmod 755 "$work"
built=""
trap 'rm -rf "$work" ${built:+"$built"}' EXIT

debdir=${1:-}
if [ -z "$debdir" ]; then
	KEEP=1 tests/packaging/deb.sh >"$work/deb.log" 2>&1 ||
		{ tail -n 30 "$work/deb.log"; echo "Error: oci: tests/packaging/deb.sh failed" >&2; exit 1; }
	debdir=$(sed -n 's/^kept: //p' "$work/deb.log")
	built=$debdir
	step "built the .debs with tests/packaging/deb.sh ($debdir)"
fi
debs=()
for p in libxdpchain0 xdpchain; do
	f=$(ls "$debdir/${p}_"*"_${arch}.deb" 2>/dev/null | sort -V | tail -n 1)
	[ -n "$f" ] || { echo "Error: oci: no ${p}_*_${arch}.deb in $debdir" >&2; exit 2; }
	debs+=("$f")
done
version=$(dpkg-deb -f "${debs[1]}" Version)

# The .debs' dependencies, first alternatives, without versions (the
# archive's are new enough: the .debs were built against them).
deps=$(for d in "${debs[@]}"; do dpkg-deb -f "$d" Depends; done | tr ',' '\n' |
	sed 's/|.*//; s/(.*)//; s/^ *//; s/ *$//' | grep -vxE 'libxdpchain0|xdpchain|' | sort -u |
	paste -sd, -)
# What keeps documentation out (dpkg's path filters, also for the .debs).
filters=(path-exclude=/usr/share/man/* path-exclude=/usr/share/doc/*
	path-include=/usr/share/doc/*/copyright path-exclude=/usr/share/info/*
	path-exclude=/usr/share/locale/* path-exclude=/usr/share/lintian/*)
recipe="$suite $arch $mirror essential merged-usr $deps ${filters[*]}"
key=$(sha256sum <<<"$recipe" | cut -c1-16)
base=$cache/base-$suite-$arch-$key.tar
mkdir -p "$cache"
if [ -n "$(find "$base" -mtime -7 2>/dev/null)" ]; then
	step "base cached: $base"
else
	dpkgopts=()
	for f in "${filters[@]}"; do dpkgopts+=(--dpkgopt="$f"); done
	# essential: dpkg and what every Debian system has, no apt; the
	# dependencies are resolved by mmdebstrap's own apt outside. The
	# merged-usr hook makes /usr merged itself: otherwise apt satisfies
	# init-system-helpers' "usrmerge | usr-is-merged" with usrmerge,
	# which pulls in perl (70 MB).
	mmdebstrap --quiet --format=tar --variant=essential --arch="$arch" --include="$deps" \
		--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
		--aptopt='Acquire::Check-Valid-Until "false"' "${dpkgopts[@]}" \
		"$suite" "$base.tmp" \
		"deb $mirror $suite main" "deb $mirror $suite-updates main" \
		"deb ${mirror%/debian}/debian-security $suite-security main" >"$work/mmdebstrap.log" 2>&1 ||
		{ tail -n 30 "$work/mmdebstrap.log"; rm -rf "$base.tmp"; echo "Error: oci: mmdebstrap failed" >&2; exit 1; }
	mv "$base.tmp" "$base"
	# Older bases of this architecture are no longer used.
	find "$cache" -maxdepth 1 -name "base-$suite-$arch-*.tar" ! -path "$base" -delete
	step "base built: $base ($deps)"
fi

root=$work/root
mkdir "$root"
tar -C "$root" -xf "$base"
cp "${debs[@]}" "$root/tmp/"
dpkgargs=()
for f in "${filters[@]}"; do dpkgargs+=(--"$f"); done
chroot "$root" dpkg "${dpkgargs[@]}" -i "${debs[@]/#*\//\/tmp\/}" >"$work/dpkg.log" 2>&1 ||
	{ cat "$work/dpkg.log"; echo "Error: oci: dpkg -i in the image failed" >&2; exit 1; }
rm -f "$root"/tmp/*.deb
# The image's run time state: bpffs, the configuration and the ready file
# are mounts (docs/kubernetes/README.md).
mkdir -p "$root/sys/fs/bpf" "$root/etc/xdpchain" "$root/run/xdpchain"
# The example objects at one path on every architecture, for ConfigMaps.
ln -s "$(dpkg-architecture -a"$arch" -qDEB_HOST_MULTIARCH 2>/dev/null)/bpf" "$root/usr/lib/bpf"
[ -e "$root/usr/lib/bpf/xdp_firewall.o" ] || { echo "Error: oci: no /usr/lib/bpf/xdp_firewall.o in the image" >&2; exit 1; }
rm -rf "$root"/var/cache/* "$root"/var/lib/apt/lists/* "$root"/var/log/*
step "installed ${debs[*]##*/}"

image=localhost/xdpchain:$version
# The build this one replaces, removed once the tag moved (not if a
# container still uses it).
old=$(podman image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
tar -C "$root" --numeric-owner -cf - . | podman import --quiet \
	--change 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin' \
	--change 'ENTRYPOINT ["/usr/sbin/xdpchain"]' \
	--change 'CMD ["apply", "--watch", "--ready", "/run/xdpchain/ready", "/etc/xdpchain"]' \
	--change "LABEL org.opencontainers.image.version=$version" \
	--change 'LABEL org.opencontainers.image.title=xdpchain' \
	- "$image" >/dev/null
podman tag "$image" localhost/xdpchain:latest
if [ -n "$old" ] && [ "$old" != "$(podman image inspect --format '{{.Id}}' "$image")" ]; then
	podman rmi "$old" >/dev/null 2>&1 || true
fi
size=$(podman image inspect --format '{{.Size}}' "$image")
step "imported $image"
summary="image $image: $((size / 1000000)) MB ($size bytes), built in $((SECONDS - start)) s"
echo "oci: $summary"
echo "$summary" >"$cache/last-build.txt"
