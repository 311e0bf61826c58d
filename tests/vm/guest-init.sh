#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Guest /init (busybox): load modules, mount the host root read-only with
# writable scratch on top, run /host/cmd.sh in a chroot, report its status.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in /m/*.ko; do
	insmod "$m" 2>/dev/null || echo "init: insmod $m failed"
done
mount -t 9p -o trans=virtio,version=9p2000.L,ro hostroot /newroot || echo "init: 9p root failed"
mount -t 9p -o trans=virtio,version=9p2000.L xfer /newroot/tmp 2>/dev/null
# /tmp of the host root must not be shared: use a tmpfs and move the
# transfer share under it.
mkdir -p /xfer
umount /newroot/tmp 2>/dev/null
mount -t 9p -o trans=virtio,version=9p2000.L xfer /xfer
# Keep the host's /tmp reachable: a checkout under /tmp (as in CI's
# clean clones) is bound back into the scratch tmpfs.
mkdir -p /hosttmp
mount --bind /newroot/tmp /hosttmp
mount -t tmpfs tmpfs /newroot/tmp
cwd=$(cat /xfer/cwd 2>/dev/null)
case $cwd in
/tmp/?*)
	top=${cwd#/tmp/}
	top=${top%%/*}
	mkdir -p "/newroot/tmp/$top"
	mount --bind "/hosttmp/$top" "/newroot/tmp/$top"
	;;
esac
mount -t tmpfs tmpfs /newroot/run
mount -t tmpfs tmpfs /newroot/var/tmp 2>/dev/null
mount -t proc proc /newroot/proc
mount -t sysfs sysfs /newroot/sys
mount -t devtmpfs devtmpfs /newroot/dev
mount -t bpf bpf /newroot/sys/fs/bpf
mkdir -p /newroot/tmp/xfer
mount --bind /xfer /newroot/tmp/xfer
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp
echo XDPCHAIN-VM-BEGIN
chroot /newroot /bin/bash -c 'ip link set lo up; . /tmp/xfer/cmd.sh' 2>&1
rc=$?
echo XDPCHAIN-VM-END
echo "$rc" > /xfer/rc
umount /xfer
poweroff -f
