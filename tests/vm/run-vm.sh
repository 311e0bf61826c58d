#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
#
# Runs a command as root inside a QEMU guest booting one of Debian's own
# kernels, with this machine's root file system shared read-only over 9p:
#
#   tests/vm/run-vm.sh --kernel 6.1|6.12 [--timeout SECS] [--cwd DIR] -- COMMAND [ARGS...]
#
# The guest runs the host's userspace (chroot into the 9p root) with fresh
# tmpfs on /tmp and /run, proc, sysfs, devtmpfs and a bpffs at
# /sys/fs/bpf. The command's output streams to stdout and its exit status
# becomes ours (124: timeout; 125: the harness itself failed).
#
# Why: the host kernel refuses BPF_PROG_TYPE_EXT, so the freplace backend
# is proven in real kernels here. TCG only: /dev/kvm is unusable.
set -euo pipefail
export PATH=$PATH:/usr/sbin:/sbin

kver="" timeout=900 cwd=$PWD
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kver=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--cwd) cwd=$2; shift 2 ;;
	--) shift; break ;;
	*) echo "run-vm: unknown argument $1" >&2; exit 125 ;;
	esac
done
[ $# -gt 0 ] && [ -n "$kver" ] || {
	echo "usage: run-vm.sh --kernel 6.1|6.12 [--timeout S] [--cwd DIR] -- CMD..." >&2
	exit 125
}
here=$(cd "$(dirname "$0")" && pwd)
cache=${XDPCHAIN_VM_CACHE:-/var/cache/xdpchain-vm}
mkdir -p "$cache"

need() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]; }
if ! need qemu-system-x86_64 || [ ! -x /bin/busybox ] || ! need cpio || ! need depmod; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-system-x86 busybox-static \
		cpio xz-utils kmod >/dev/null
fi

# Newest package of the series that apt can actually download.
case $kver in
6.1) pattern='linux-image-6\.1\.0-[0-9]+-amd64-unsigned' ;;
6.12) pattern='linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned' ;;
*) echo "run-vm: unsupported kernel series $kver (6.1 or 6.12)" >&2; exit 125 ;;
esac
kdir=$cache/$kver
if [ ! -f "$kdir/ready" ]; then
	[ -n "$(apt-cache search --names-only "$pattern" 2>/dev/null)" ] || apt-get update -qq
	rm -rf "$kdir"
	mkdir -p "$kdir/deb"
	ok=""
	for pkg in $(apt-cache search --names-only "$pattern" | awk '{print $1}' | sort -V -r); do
		if (cd "$kdir/deb" && apt-get download -q "$pkg" >/dev/null 2>&1); then
			ok=$pkg
			break
		fi
	done
	[ -n "$ok" ] || { echo "run-vm: cannot download a $kver kernel package" >&2; exit 125; }
	dpkg-deb -x "$kdir"/deb/*.deb "$kdir/root"
	# The package ships no modules.dep: depmod writes it (kmod).
	ver=$(ls "$kdir/root/lib/modules")
	depmod -b "$kdir/root" "$ver"
	rm -rf "$kdir/deb"
	echo "$ok" > "$kdir/package"
	touch "$kdir/ready"
fi
vmlinuz=$(ls "$kdir"/root/boot/vmlinuz-*)
moddir=$(ls -d "$kdir"/root/lib/modules/*)

# The initramfs: busybox, our init, and the modules needed for virtio,
# 9p and veth with their dependencies, in load order (from modules.dep).
initrd=$kdir/initrd.gz
if [ ! -f "$initrd" ] || [ "$here/guest-init.sh" -nt "$initrd" ] || [ "$0" -nt "$initrd" ]; then
	stage=$(mktemp -d)
	mkdir -p "$stage"/{bin,dev,proc,sys,newroot,host,m}
	cp /bin/busybox "$stage/bin/busybox"
	for a in sh mount umount mkdir insmod chroot poweroff cat echo sleep; do
		ln -s busybox "$stage/bin/$a"
	done
	cp "$here/guest-init.sh" "$stage/init"
	chmod +x "$stage/init"
	order=()
	declare -A seen=()
	add_mod() { # resolve deps first; built-ins and unknowns are skipped
		local path=$1 dep
		[ -n "${seen[$path]:-}" ] && return
		seen[$path]=1
		for dep in $(awk -F': ' -v m="$path" '$1 == m { print $2 }' "$moddir/modules.dep"); do
			add_mod "$dep"
		done
		order+=("$path")
	}
	for m in virtio virtio_ring virtio_pci virtio_pci_modern_dev virtio_pci_legacy_dev \
		netfs 9pnet 9pnet_virtio 9p veth; do
		path=$(awk -F: -v m="$m" '{ n = $1; sub(/.*\//, "", n); sub(/\.ko(\.xz|\.zst)?$/, "", n);
			gsub(/-/, "_", n); if (n == m) { print $1; exit } }' "$moddir/modules.dep")
		[ -n "$path" ] && add_mod "$path"
	done
	i=0
	for path in "${order[@]}"; do
		name=$(printf '%02d-%s' "$i" "$(basename "$path" | sed 's/\.xz$//; s/\.zst$//')")
		case $path in
		*.xz) xz -dc "$moddir/$path" > "$stage/m/$name" ;;
		*.zst) zstd -dqc "$moddir/$path" > "$stage/m/$name" ;;
		*) cp "$moddir/$path" "$stage/m/$name" ;;
		esac
		i=$((i + 1))
	done
	(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) > "$initrd.tmp"
	mv "$initrd.tmp" "$initrd"
	rm -rf "$stage"
fi

# A writable host directory for the command and its exit status.
xfer=$(mktemp -d)
trap 'rm -rf "$xfer"' EXIT
{
	echo "cd $(printf '%q' "$cwd") || exit 125"
	env | grep -E '^XDPCHAIN[A-Z_]*=|^XDPTEST=|^TEST_BPF_DIR=' | sed 's/^/export /; s/=\(.*\)$/="\1"/' || true
	printf '%q ' "$@"
	echo
} > "$xfer/cmd.sh"

printf '%s\n' "$cwd" > "$xfer/cwd"
console=$xfer/console.log
set +e
timeout --foreground -k 10 "$timeout" qemu-system-x86_64 \
	-accel tcg -m 2048 -smp 2 -nographic -no-reboot \
	-kernel "$vmlinuz" -initrd "$initrd" \
	-append "console=ttyS0 quiet loglevel=1 panic=-1 rdinit=/init" \
	-fsdev local,id=root,path=/,security_model=none,readonly=on \
	-device virtio-9p-pci,fsdev=root,mount_tag=hostroot \
	-fsdev local,id=xfer,path="$xfer",security_model=none \
	-device virtio-9p-pci,fsdev=xfer,mount_tag=xfer \
	-nic none </dev/null 2>&1 | tee "$console" | sed -u -n '/^XDPCHAIN-VM-BEGIN/,/^XDPCHAIN-VM-END/{/^XDPCHAIN-VM-/d;p}'
qrc=${PIPESTATUS[0]}
set -e
if [ "$qrc" -eq 124 ]; then
	echo "run-vm: the guest ($kver) did not finish within ${timeout}s" >&2
	exit 124
fi
if [ ! -f "$xfer/rc" ]; then
	echo "run-vm: the guest ($kver) did not report an exit status; last console lines:" >&2
	tail -n 30 "$console" | tr -d '\r' >&2
	exit 125
fi
exit "$(cat "$xfer/rc")"
