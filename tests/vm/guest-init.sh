#!/bin/busybox sh
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# /init of the guest booted by tests/vm/run-vm.sh. Runs as PID 1 under
# busybox sh from the initramfs. It loads the kernel modules, mounts the
# host's root (shared read-only over 9p) under a writable overlay, chroots
# into it to run the job script with the host's own bash, writes the job's
# exit status to the "xdpchain.status" port and powers off.
#
# The job's stdout/stderr go to the "xdpchain.out" virtio port, which the
# host streams to its stdout; everything this script says goes to the
# serial console (a log file on the host), so kernel and init messages never
# mix with the job's output.

PATH=/bin
export PATH
/bin/busybox mkdir -p /bin /proc /sys /dev /lower /rw /newroot
/bin/busybox --install -s /bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/null >/dev/console 2>&1

log() { echo "xdpchain-vm init: $*"; }
die() {
	log "FATAL: $*"
	# No status is written: the host treats that as a failed boot and shows
	# the end of this console log.
	poweroff -f
	sleep 60
}

log "loading modules"
# Load order: dependencies first (computed by run-vm.sh from modules.dep).
while read -r m; do
	insmod "/lib/modules/$m" || die "insmod $m failed"
done </lib/modules/load-order

log "mounting the host root"
# The host root. cache=loose lets the guest cache host files (a few per
# cent faster for exec-heavy tests); safe because the export is read-only
# and the host tree is not expected to change under a running test.
tries=0
until mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose \
	hostroot /lower 2>/dev/null; do
	tries=$((tries + 1))
	[ "$tries" -lt 50 ] || die "cannot mount the 9p host root"
	sleep 0.1
done

# A writable root: the host tree as overlay lower layer, guest RAM as upper
# layer. Anything the job writes (build logs, /tmp files, /etc edits) works
# and is thrown away at power-off; the host is never written to. If overlayfs
# refuses the 9p lower layer, fall back to a read-only root with tmpfs on the
# usual scratch directories.
log "setting up the root"
mount -t tmpfs -o mode=0755 rw /rw
mkdir -p /rw/upper /rw/work
if ! mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work \
	overlay /newroot; then
	log "overlayfs over 9p failed, using a read-only root with tmpfs scratch dirs"
	mount -o bind /lower /newroot
	for d in /tmp /var/tmp /root; do
		mount -t tmpfs -o mode=1777 tmpfs "/newroot$d"
	done
fi

# More 9p shares (run-vm.sh --arch arm64: the host's --cwd beside the
# guest's own root), one "TAG DIR" a line: each at DIR in the new root,
# writable through an overlay as the root is.
if [ -f /job/mounts ]; then
	while read -r tag dir; do
		mkdir -p "/share/$tag" "/rw/$tag/upper" "/rw/$tag/work" "/newroot$dir" &&
			mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose "$tag" "/share/$tag" &&
			mount -t overlay -o "lowerdir=/share/$tag,upperdir=/rw/$tag/upper,workdir=/rw/$tag/work" \
				overlay "/newroot$dir" || die "cannot mount the 9p share $tag at $dir"
	done </job/mounts
fi

# Let tools that read the kernel config (bpftool feature probe) find it.
cp /config "/newroot/boot/config-$(uname -r)" 2>/dev/null || log "no /boot/config-$(uname -r) (read-only root)"

# Fresh kernel filesystems: the host's /proc, /sys, /dev and /run (which
# holds the host's netns files, pid files, ...) must not show through.
mount -t proc proc /newroot/proc
mount -t sysfs sysfs /newroot/sys
mount -t devtmpfs devtmpfs /newroot/dev
mkdir -p /newroot/dev/pts /newroot/dev/shm
mount -t devpts -o ptmxmode=0666 devpts /newroot/dev/pts
mount -t tmpfs -o mode=1777 tmpfs /newroot/dev/shm
mount -t tmpfs -o mode=0755 tmpfs /newroot/run
mkdir -p /newroot/run/lock /newroot/run/netns
mount -t bpf bpf /newroot/sys/fs/bpf
mount -t tracefs tracefs /newroot/sys/kernel/tracing 2>/dev/null
mount -t debugfs debugfs /newroot/sys/kernel/debug 2>/dev/null
# 'ip netns add' makes /run/netns a shared mount; a shared root keeps that
# propagation well-defined, as on a systemd host.
mount --make-rshared /newroot

hostname xdpchain-vm
ip link set lo up

# virtio-serial ports are announced asynchronously by the host after the
# driver binds: wait until both named ports exist.
out='' st='' tries=0
while :; do
	for p in /sys/class/virtio-ports/*; do
		[ -r "$p/name" ] || continue
		case $(cat "$p/name") in
		xdpchain.out) out=/dev/${p##*/} ;;
		xdpchain.status) st=/dev/${p##*/} ;;
		esac
	done
	[ -n "$out" ] && [ -n "$st" ] && [ -c "$out" ] && [ -c "$st" ] && break
	tries=$((tries + 1))
	[ "$tries" -lt 100 ] || die "virtio-serial ports did not show up"
	sleep 0.05
done

log "running the job"
cp /job/run.sh /newroot/run/xdpchain-job.sh
# env -i: the job starts from the environment run.sh sets, not from the
# kernel's init environment.
env -i chroot /newroot /bin/bash /run/xdpchain-job.sh </dev/null >"$out" 2>&1
rc=$?
log "job exited with status $rc"
# A write to a virtio port returns once the host has taken the data, so the
# status (and all output before it) has reached the host before power-off.
echo "$rc" >"$st"
poweroff -f
sleep 60
