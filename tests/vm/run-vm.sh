#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Runs a command inside a QEMU guest booted on one of Debian's kernels (5.10
# from bullseye, 6.1 and 6.12 from bookworm, the newest one of sid and
# trixie-backports), with the host's root filesystem as the guest's
# (read-only 9p share under a RAM overlay), so the guest runs the host's
# binaries and the project's build tree. See tests/vm/README.md.
# --arch arm64 boots Debian's arm64 kernel under qemu-system-aarch64 on an
# arm64 Debian root (tests/vm/arm64-root.sh) instead, with --cwd shared
# beside it: the arm64 build (build-arm64/) runs there.
#
#   tests/vm/run-vm.sh [--arch amd64|arm64] --kernel 5.10|6.1|6.12|newest [--timeout SECS] [--cwd DIR] [--nics N] -- COMMAND [ARGS...]
#   tests/vm/run-vm.sh [--arch amd64|arm64] --kernel K [--nics N] --fetch-only    (fill the cache, boot nothing)
#
# --nics N (N even, up to 8) gives the guest N virtio-net NICs, eth0 to
# eth(N-1), a real driver with native XDP: each pair eth(2i), eth(2i+1)
# sits alone on QEMU hub i, so a frame sent out of one arrives at the
# other and nowhere else (a cable; tests/kernel/suite-virtio.sh).
#
# COMMAND's stdout and stderr stream to this script's stdout; the script
# exits with COMMAND's status, 124 if the guest ran past --timeout, 125 if
# the harness or the guest's boot failed, 141 if our stdout closed early, 2
# on a usage error.
# XDPCHAIN_VM_DEBUG=1 also prints the guest's serial console to stderr.
# XDPCHAIN_VM_ASLR=1 keeps address space layout randomisation on in the
# guest (off by default: see the job script below).
# XDPCHAIN_VM_ICOUNT=1 runs the guest with one emulated vCPU thread and
# guest time derived from the instructions executed (QEMU -icount
# shift=0): the guest's clocks then measure instructions, not the host's
# load, and BPF_PROG_TEST_RUN figures repeat exactly (bench/run.sh
# --icount). Slower than the default; no effect on what runs.
set -euo pipefail
# The whole script is one compound command that bash reads completely
# before running it, so editing this file cannot break a run in progress.
{

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${XDPCHAIN_VM_CACHE:-/var/cache/xdpchain-vm}
# Top-level modules the guest needs; dependencies are added from modules.dep
# and built-in ones are skipped, so one list serves both kernels.
#   virtio_pci, virtio_console: the PCI transport and the virtio-serial
#     ports carrying the job's output and exit status;
#   9pnet_virtio, 9p: the host root share;
#   overlay: the writable layer over it;
#   veth: the test interfaces (ip netns, bpffs and XDP are built in);
#   dummy: an interface without native XDP (tests/kernel/lib.sh nonative_if).
modules=(virtio_pci virtio_console 9pnet_virtio 9p overlay veth dummy)
# Modules of --nics, kept apart from the boot set (the initramfs and its
# cache key stay as they are for runs without NICs): virtio_net, with its
# dependencies failover and net_failover. The job loads them from the
# cache, which the guest sees through the host root.
net_modules=(virtio_net)
guest_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

say() { echo "run-vm: $*" >&2; }
die() {
	say "error: $*"
	exit 125
}
usage() {
	cat >&2 <<EOF
usage: $0 [--arch amd64|arm64] --kernel 5.10|6.1|6.12|newest [--timeout SECS] [--cwd DIR] [--nics N] -- COMMAND [ARGS...]
       $0 [--arch amd64|arm64] --kernel 5.10|6.1|6.12|newest [--nics N] --fetch-only
Cache: \${XDPCHAIN_VM_CACHE:-/var/cache/xdpchain-vm} (now $cache).
EOF
	exit 2
}

series='' timeout=900 cwd=$PWD fetch_only=0 nics=0 arch=amd64
while [ $# -gt 0 ]; do
	case $1 in
	--arch) [ $# -ge 2 ] || usage; arch=$2; shift 2 ;;
	--arch=*) arch=${1#*=}; shift ;;
	--kernel) [ $# -ge 2 ] || usage; series=$2; shift 2 ;;
	--kernel=*) series=${1#*=}; shift ;;
	--timeout) [ $# -ge 2 ] || usage; timeout=$2; shift 2 ;;
	--timeout=*) timeout=${1#*=}; shift ;;
	--cwd) [ $# -ge 2 ] || usage; cwd=$2; shift 2 ;;
	--cwd=*) cwd=${1#*=}; shift ;;
	--nics) [ $# -ge 2 ] || usage; nics=$2; shift 2 ;;
	--nics=*) nics=${1#*=}; shift ;;
	--fetch-only) fetch_only=1; shift ;;
	-h | --help) usage ;;
	--) shift; break ;;
	*) say "unknown argument: $1"; usage ;;
	esac
done
[ $# -ge 1 ] || [ "$fetch_only" = 1 ] || usage
# pkg_re: the kernel package's name; suites: where apt finds it. Debian 12's
# own sources serve 6.1 and 6.12. The others come from a private apt
# configuration under the cache (never the system's sources): bullseye's
# 5.10 (the oldest kernel README promises), and for "newest" the highest
# version in sid and trixie-backports, found by name at run time so the
# tier follows new releases. Since 6.17 or so Debian splits the image into
# linux-binary-unsigned-V (vmlinuz), linux-modules-V and linux-base-V
# (config, modules.builtin), all under usr/lib/modules/V.
suites=''
case $series in
5.10)
	pkg_re='^linux-image-5\.10\.0-[0-9]+-amd64-unsigned$'
	suites='bullseye bullseye-security'
	;;
6.1) pkg_re="^linux-image-6\\.1\\.0-[0-9]+-$arch-unsigned\$" ;;
6.12) pkg_re="^linux-image-6\\.12\\.[0-9]+\\+deb12-$arch-unsigned\$" ;;
newest)
	pkg_re="^linux-binary-unsigned-[0-9]+\\.[0-9]+\\.[0-9]+\\+deb[0-9]+-$arch\$"
	suites='sid trixie-backports'
	;;
*) say "--kernel must be 5.10, 6.1, 6.12 or newest"; usage ;;
esac
[[ $timeout =~ ^[1-9][0-9]*$ ]] || { say "--timeout must be a positive number of seconds"; usage; }
[[ $nics =~ ^[02468]$ ]] || { say "--nics must be 0, 2, 4, 6 or 8"; usage; }
# --- the guest's architecture: what differs between amd64 and arm64.
#   qemu_pkg, qemu, machine: the emulator and its machine;
#   console: the serial port's device in the guest;
#   rootdir: the guest's root, shared read-only over 9p (amd64: the
#     host's own; arm64: tests/vm/arm64-root.sh's, with --cwd shared too);
#   busybox: the static busybox of the initramfs.
case $arch in
amd64)
	qemu_pkg=qemu-system-x86 qemu=qemu-system-x86_64 machine=(-cpu max)
	console=ttyS0 rootdir=/ busybox=/bin/busybox
	;;
arm64)
	# freplace needs BPF trampolines, which arm64 has since Linux 6.0;
	# bullseye's 5.10 is not offered. -cpu max without pointer
	# authentication's QARMA cipher (pauth-impdef: an
	# implementation-defined hash TCG computes far faster) and
	# mitigations=off, as on amd64, for speed.
	[ "$series" != 5.10 ] || { say "--arch arm64 boots 6.1, 6.12 or newest (freplace needs Linux 6.0 on arm64)"; usage; }
	qemu_pkg=qemu-system-arm qemu=qemu-system-aarch64
	machine=(-M virt -cpu "max,pauth-impdef=on")
	console=ttyAMA0 rootdir='' busybox=''
	;;
*) say "--arch must be amd64 or arm64"; usage ;;
esac
[ -d "$cwd" ] || { say "--cwd $cwd is not a directory"; exit 2; }
cwd=$(cd "$cwd" && pwd -P)
[ "$(id -u)" -eq 0 ] || die "run as root (apt-get, the cache dir and the 9p export of / need it)"

# --- host tools: CI starts from a fresh Debian 12, so install what's missing.
need_pkgs() {
	local p missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	say "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2 || true
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 ||
		die "apt-get install ${missing[*]} failed"
}
# busybox-static (not busybox): the initramfs has no libc. kmod: depmod,
# because Debian's kernel packages do not ship modules.dep.
need_pkgs "$qemu_pkg" busybox-static cpio xz-utils kmod

mkdir -p "$cache"
# One harness at a time fills the cache; later runs only read it.
exec 9>"$cache/.lock"
flock 9
# Leftovers of a harness killed while filling the cache.
rm -rf "$cache"/.fetch.* "$cache"/.initramfs.*
if [ "$arch" = arm64 ]; then
	rootdir=$("$here/arm64-root.sh" "$cache") || die "could not build the arm64 root"
	busybox=$rootdir/bin/busybox
fi

# --- apt: the system's configuration, or a private one for other suites.
apt_opts=()
apt_refresh() {
	apt-get "${apt_opts[@]}" update -qq >&2 || say "warning: apt-get update failed"
}
if [ -n "$suites" ]; then
	adir=$cache/apt/$series
	# Lists of another architecture in lists of their own.
	[ "$arch" = amd64 ] || adir=$adir-$arch
	mkdir -p "$adir/lists/partial" "$adir/archives/partial"
	for s in $suites; do
		case $s in *-security) url=http://deb.debian.org/debian-security ;; *) url=http://deb.debian.org/debian ;; esac
		# The keyring of Debian 12's debian-archive-keyring signs every
		# suite used here (bullseye's keys and trixie's are in it).
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $url $s main"
	done >"$adir/sources.list"
	apt_opts=(-o "Dir::Etc::SourceList=$adir/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State::Lists=$adir/lists" -o "Dir::Cache=$adir" -o Dir::Cache::pkgcache=
		-o Dir::Cache::srcpkgcache= -o "APT::Architecture=$arch")
	# Lists older than a day (or none): refresh, so "newest" follows the
	# archive. Debian 12's lists are left to the system, as before.
	if [ -z "$(find "$adir/lists" -maxdepth 1 -name '*_Packages' -mmin -1440 -print -quit)" ]; then
		apt_refresh
	fi
fi

# --- pick the kernel package: the newest in the apt lists for the series.
newest_pkg() { # prints nothing when apt knows no such package
	{ apt-cache "${apt_opts[@]}" search --names-only "$pkg_re" 2>/dev/null || true; } |
		awk '{ print $1 }' | { grep -E "$pkg_re" || true; } | sort -V | tail -n 1
}
pkg=$(newest_pkg)
if [ -z "$pkg" ]; then
	# Empty or stale apt lists (fresh machine): refresh once.
	apt_refresh
	pkg=$(newest_pkg)
fi
kver_of() { # package name -> kernel release (the modules dir name)
	local k=${1#linux-image-}
	k=${k#linux-binary-unsigned-}
	echo "${k%-unsigned}"
}
pkg_of() { # kernel release -> package name (the inverse of kver_of)
	case $series in
	newest) echo "linux-binary-unsigned-$1" ;;
	*) echo "linux-image-$1-unsigned" ;;
	esac
}
series_dirs() { # cached kernel dirs of this series, oldest first
	local d
	for d in "$cache"/*/vmlinuz; do
		[ -e "$d" ] || continue
		d=${d%/vmlinuz}
		d=${d##*/}
		# A 6.12 kernel's name (6.12.N+debM-ARCH) also fits newest's
		# pattern: the series recorded at fetch time tells them apart
		# (without it, newest's cleanup removed the cached 6.12).
		if [ -f "$cache/$d/series" ] && [ "$(cat "$cache/$d/series")" != "$series" ]; then continue; fi
		if [[ $(pkg_of "$d") =~ $pkg_re ]]; then echo "$d"; fi
	done | sort -V
}
if [ -z "$pkg" ]; then
	# apt knows no such package (offline, lists gone): use the cache if any.
	kver=$(series_dirs | tail -n 1)
	[ -n "$kver" ] || die "no package matching $pkg_re in apt-cache and nothing cached in $cache"
	say "warning: apt-cache has no $series kernel, using cached $kver"
else
	kver=$(kver_of "$pkg")
fi
kdir=$cache/$kver

# Cache keys: the module set keys the extracted modules; it plus
# guest-init.sh and the busybox binary key the initramfs. A change to any of
# them rebuilds.
hash_of() { sha256sum | cut -c1-16; }
mkey=$(printf '%s\n' "${modules[@]}" | hash_of)
ikey=$( { echo "$mkey"; cat "$here/guest-init.sh" "$busybox"; } | hash_of)
initramfs=$kdir/initramfs-$ikey.cpio.gz
moddir=$kdir/modules-$mkey
netmoddir=$kdir/netmods-$(printf '%s\n' "${net_modules[@]}" | hash_of)

# Fetches and unpacks the kernel package, keeping only vmlinuz, its config,
# the modules in ${modules[@]} plus dependencies and, apart, those of
# ${net_modules[@]} (the full tree is up to 400 MB).
fetch_kernel() {
	local work deb root mdir line path name m f vmlinuz config
	local -a order=() pkgs
	[ -n "$pkg" ] || die "cache for $kver is incomplete and apt-cache has no package to refetch"
	pkgs=("$pkg")
	# The split packages of newer kernels: modules and config live apart.
	[ "$series" != newest ] || pkgs+=("linux-modules-$kver" "linux-base-$kver")
	# Foreign (arm64) packages by their qualified name.
	pkgs=("${pkgs[@]/%/:$arch}")
	work=$(mktemp -d "$cache/.fetch.XXXXXX")
	say "fetching ${pkgs[*]}"
	# _apt cannot write to a root-only dir: download as root, quietly. A
	# failure may be stale lists (the package was superseded): refresh and
	# try once more.
	if ! (cd "$work" && apt-get "${apt_opts[@]}" download -q -o APT::Sandbox::User=root "${pkgs[@]}") >"$work/apt.log" 2>&1 &&
		! { apt_refresh && (cd "$work" && apt-get "${apt_opts[@]}" download -q -o APT::Sandbox::User=root "${pkgs[@]}") >"$work/apt.log" 2>&1; }; then
		cat "$work/apt.log" >&2
		rm -rf "$work"
		die "apt-get download ${pkgs[*]} failed"
	fi
	root=$work/root
	for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$root"; done
	# Older packages: boot/vmlinuz-V, boot/config-V, lib/modules/V; the
	# split ones: usr/lib/modules/V/{vmlinuz.unsigned,config}.
	mdir=$root/lib/modules/$kver
	[ -d "$mdir" ] || mdir=$root/usr/lib/modules/$kver
	vmlinuz='' config=''
	for f in "$root/boot/vmlinuz-$kver" "$mdir/vmlinuz.unsigned" "$mdir/vmlinuz"; do
		[ -f "$f" ] && { vmlinuz=$f; break; }
	done
	for f in "$root/boot/config-$kver" "$mdir/config"; do
		[ -f "$f" ] && { config=$f; break; }
	done
	[ -n "$vmlinuz" ] || die "${pkgs[*]}: no vmlinuz for $kver"
	[ -n "$config" ] || die "${pkgs[*]}: no config for $kver"
	[ -d "$mdir/kernel" ] || die "${pkgs[*]}: no modules for $kver"
	# Debian generates modules.dep in the package's postinst, so the .deb
	# has none: make it.
	if [ ! -f "$mdir/modules.dep" ]; then
		# depmod -b looks in BASE/lib/modules: point it at usr/lib/modules.
		[ -d "$root/lib/modules/$kver" ] || { mkdir -p "$root/lib" && ln -s ../usr/lib/modules "$root/lib/modules"; }
		depmod -b "$root" "$kver"
	fi

	declare -A path_of=() deps_of=() builtin=() seen=()
	while IFS= read -r line; do
		path=${line%%:*}
		name=${path##*/}
		name=${name%%.ko*}
		path_of[${name//-/_}]=$path
		deps_of[$path]=${line#*:}
	done <"$mdir/modules.dep"
	while IFS= read -r line; do
		name=${line##*/}
		name=${name%%.ko*}
		builtin[${name//-/_}]=1
	done <"$mdir/modules.builtin"
	visit() { # depth-first: a module's dependencies come before it
		local p=$1 d
		[ -z "${seen[$p]:-}" ] || return 0
		seen[$p]=1
		for d in ${deps_of[$p]}; do visit "$d"; done
		order+=("$p")
	}
	# copy_set DIR MODULE...: the modules and their dependencies not yet
	# copied by an earlier set, decompressed, into DIR with its load-order.
	copy_set() {
		local dir=$1 p
		shift
		order=()
		for m in "$@"; do
			if [ -n "${path_of[$m]:-}" ]; then
				visit "${path_of[$m]}"
			elif [ -z "${builtin[$m]:-}" ]; then
				die "module $m is neither in modules.dep nor built into $kver"
			fi
		done
		rm -rf "$dir.tmp"
		mkdir -p "$dir.tmp"
		: >"$dir.tmp/load-order"
		for p in "${order[@]}"; do
			f=${p##*/}
			# busybox insmod cannot read compressed modules (6.12 ships .ko.xz).
			case $f in
			*.ko.xz) xz -dc "$mdir/$p" >"$dir.tmp/${f%.xz}"; f=${f%.xz} ;;
			*.ko.zst) zstd -qdc "$mdir/$p" >"$dir.tmp/${f%.zst}"; f=${f%.zst} ;;
			*.ko.gz) gzip -dc "$mdir/$p" >"$dir.tmp/${f%.gz}"; f=${f%.gz} ;;
			*) cp "$mdir/$p" "$dir.tmp/$f" ;;
			esac
			echo "$f" >>"$dir.tmp/load-order"
		done
	}
	copy_set "$moddir" "${modules[@]}"
	copy_set "$netmoddir" "${net_modules[@]}"
	mkdir -p "$kdir"
	cp "$vmlinuz" "$kdir/vmlinuz.tmp"
	cp "$config" "$kdir/config"
	echo "$series" >"$kdir/series"
	rm -rf "$moddir" "$netmoddir"
	mv "$moddir.tmp" "$moddir"
	mv "$netmoddir.tmp" "$netmoddir"
	mv "$kdir/vmlinuz.tmp" "$kdir/vmlinuz"
	rm -rf "$work"
}

build_initramfs() {
	local st
	st=$(mktemp -d "$cache/.initramfs.XXXXXX")
	mkdir -p "$st/bin" "$st/dev" "$st/lib/modules"
	cp "$busybox" "$st/bin/busybox"
	cp "$here/guest-init.sh" "$st/init"
	chmod 755 "$st/init"
	# The kernel opens /dev/console for init before anything is mounted.
	mknod -m 600 "$st/dev/console" c 5 1
	cp "$moddir"/* "$st/lib/modules/"
	# For the guest's /boot/config-$(uname -r), which bpftool feature probe
	# and similar tools read.
	cp "$kdir/config" "$st/config"
	(cd "$st" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
		gzip -6 >"$initramfs.tmp"
	mv "$initramfs.tmp" "$initramfs"
	rm -rf "$st"
}

if [ ! -f "$kdir/vmlinuz" ] || [ ! -f "$kdir/config" ] || [ ! -f "$moddir/load-order" ] ||
	{ [ "$nics" -gt 0 ] && [ ! -f "$netmoddir/load-order" ]; }; then
	fetch_kernel
fi
# Kernels cached before the series was recorded: record it on first use.
[ -f "$kdir/series" ] || echo "$series" >"$kdir/series"
if [ ! -f "$initramfs" ]; then
	build_initramfs
	# Drop what the new build superseded: other initramfs and module sets of
	# this kernel, and older kernels of the same series.
	find "$kdir" -mindepth 1 -maxdepth 1 \( -name 'initramfs-*' ! -name "${initramfs##*/}" \
		-o -name 'modules-*' ! -name "${moddir##*/}" -o -name 'netmods-*' ! -name "${netmoddir##*/}" \) \
		-exec rm -rf {} +
	while IFS= read -r old; do
		[ "$old" = "$kver" ] || rm -rf "${cache:?}/$old"
	done < <(series_dirs)
fi
if [ "$fetch_only" = 1 ]; then
	say "cached: Linux $kver in $kdir"
	exit 0
fi
# --- per-run files
tmp=$(mktemp -d "${TMPDIR:-/tmp}/xdpchain-vm.XXXXXX")
tpid='' cpid=''
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	local p
	for p in $tpid $cpid; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# The job: a bash script run in the guest after chroot into the host root.
# Passed through: XDPCHAIN_* and the variables tests/kernel/run.sh
# reads (XDPCHAIN, XDPTEST, TEST_BPF_DIR, SUITES, ONLY).
mkdir -p "$tmp/job/job"
{
	echo "export PATH=$guest_path"
	echo "export HOME=/tmp"
	while IFS= read -r v; do
		printf 'export %s=%q\n' "$v" "${!v}"
	done < <(compgen -e | grep -E '^(XDPCHAIN_[A-Za-z0-9_]*|XDPCHAIN|XDPTEST|TEST_BPF_DIR|SUITES|ONLY)$' || true)
	# QEMU's TCG keys the code it has translated by the guest's virtual
	# addresses: with address space layout randomisation every process
	# maps libc, libbpf and the rest elsewhere and has all of them
	# translated again. Without it the guest runs a process 2 to 3 times
	# faster (measured on 6.12: /bin/true 43 -> 17 ms, xdpchain version
	# 115 -> 43-60 ms), and the suites exec thousands. A throwaway guest
	# loses nothing by it; XDPCHAIN_VM_ASLR=1 keeps the kernel's default.
	if [ "${XDPCHAIN_VM_ASLR:-0}" != 1 ]; then
		echo 'echo 0 >/proc/sys/kernel/randomize_va_space || exit 125'
	fi
	# What the suites read to know the NICs are there (suite-virtio.sh).
	echo "export XDPCHAIN_VM_NICS=$nics"
	if [ "$nics" -gt 0 ]; then
		# The NICs' driver, from the cache (the guest sees the host root),
		# then wait for the interfaces: probing ends after insmod returns.
		while IFS= read -r m; do
			printf 'insmod %q || exit 125\n' "$netmoddir/$m"
		done <"$netmoddir/load-order"
		printf 'for i in $(seq 100); do [ -e /sys/class/net/eth%d ] && break; sleep 0.05; done\n' $((nics - 1))
		printf '[ -e /sys/class/net/eth%d ] || { echo "run-vm: eth%d did not show up" >&2; exit 125; }\n' \
			$((nics - 1)) $((nics - 1))
	fi
	printf 'cd -- %q || exit 125\n' "$cwd"
	printf 'exec'
	printf ' %q' "$@"
	printf '\n'
} >"$tmp/job/job/run.sh"
# arm64: the guest's root is not the host's, so --cwd comes as a second
# 9p share, which guest-init.sh mounts at the same path (job/mounts).
share=()
if [ "$rootdir" != / ]; then
	echo "cwd $cwd" >"$tmp/job/job/mounts"
	share=(-fsdev "local,id=cwd,path=$cwd,security_model=none,readonly=on,multidevs=remap"
		-device "virtio-9p-pci,fsdev=cwd,mount_tag=cwd")
fi
# The kernel unpacks concatenated cpio archives in order, so the per-run
# job rides on top of the cached initramfs without rebuilding it.
{
	cat "$initramfs"
	(cd "$tmp/job" && find job | cpio -o -H newc -R 0:0 --quiet | gzip -1)
} >"$tmp/initrd"
# Release the cache lock only now: a run with a newer guest-init.sh may
# replace the initramfs we just copied.
exec 9>&-

boot() { # one boot of the guest; sets qrc, or exits early
	# The job's output leaves QEMU through a FIFO that cat copies to our stdout.
	# (A "stdio" chardev does not work with stdin at EOF, as in CI: QEMU then
	# marks the port disconnected and the guest's writes block forever.) We
	# hold a write end open ourselves so cat's open() does not wait for QEMU and
	# cat sees EOF only once both QEMU and we are done. out.in is the port's
	# unused input side.
	rm -f "$tmp/out.in" "$tmp/out.out" "$tmp/console.log"
	: >"$tmp/status"
	mkfifo "$tmp/out.in" "$tmp/out.out"
	cat "$tmp/out.out" &
	cpid=$!
	exec 8>"$tmp/out.out"
	# -nodefaults: no NIC/VGA/monitor; the serial console goes to a log file,
	# the job's output to one virtio-serial port, its exit status to another
	# backed by a file. -no-reboot + panic=-1: a kernel panic ends QEMU.
	# multidevs=remap: the host root spans several filesystems; remap keeps
	# inode numbers unique in the guest. -cpu max: the kernel sees TCG's
	# newest CPU model as not vulnerable to Meltdown (no page-table isolation,
	# costly under TCG); mitigations=off drops the remaining retpolines. An
	# exec-heavy loop ran about 1.5x faster than on the default qemu64 CPU.
	accel=(-accel tcg)
	if [ "${XDPCHAIN_VM_ICOUNT:-0}" = 1 ]; then
		# align=off, sleep=off: the guest's clock never waits for the
		# host's, so an idle guest does not pace real time either.
		accel=(-accel tcg,thread=single -icount shift=0,align=off,sleep=off)
	fi
	# --nics: NIC i on hub i/2 (a pair per hub: a cable), fixed MACs;
	# romfile= : no PXE option ROM (the kernel is booted directly).
	# iommu_platform=on offers VIRTIO_F_ACCESS_PLATFORM, so that the guest
	# drives the rings through the DMA API: virtio_net's AF_XDP zero-copy
	# needs a DMA device (virtnet_xsk_pool_enable: no virtqueue_dma_dev
	# -> EINVAL), which virtio_ring gives only with that feature (no
	# vIOMMU here: the DMA API maps directly). QEMU allows the feature on
	# modern devices only: disable-legacy=on (PCIe slots, arm64's virt,
	# are modern-only anyway). queue_reset (VIRTIO_F_RING_RESET, which
	# binding a pool resets the queue with) is on by default since 7.2.
	local i nic=()
	for ((i = 0; i < nics; i++)); do
		nic+=(-netdev "hubport,id=n$i,hubid=$((i / 2))"
			-device "virtio-net-pci,netdev=n$i,mac=52:54:00:00:00:1$i,romfile=,disable-legacy=on,iommu_platform=on")
	done
	timeout -k 10 "$timeout" "$qemu" \
		-nodefaults -no-user-config -nographic -no-reboot \
		"${accel[@]}" "${machine[@]}" -m 2048 -smp "${XDPCHAIN_VM_SMP:-2}" \
		-kernel "$kdir/vmlinuz" -initrd "$tmp/initrd" \
		-append "console=$console quiet loglevel=1 panic=-1 mitigations=off rdinit=/init" \
		-serial "file:$tmp/console.log" \
		-fsdev "local,id=hostroot,path=$rootdir,security_model=none,readonly=on,multidevs=remap" \
		-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot "${share[@]}" \
		-device virtio-serial-pci \
		-chardev "pipe,id=out,path=$tmp/out" \
		-device virtserialport,chardev=out,name=xdpchain.out \
		-chardev "file,id=status,path=$tmp/status" \
		-device virtserialport,chardev=status,name=xdpchain.status \
		"${nic[@]}" \
		</dev/null >/dev/null 2>"$tmp/qemu.err" &
	tpid=$!
	set +e
	wait -n -p first "$tpid" "$cpid"
	qrc=$?
	set -e
	if [ "${first:-}" = "$cpid" ]; then
		# cat ended before QEMU: our stdout is gone (say, a reader that quit
		# early). Stop the guest, whose writes would otherwise block until the
		# timeout.
		cpid=''
		kill "$tpid" 2>/dev/null || true
		wait "$tpid" 2>/dev/null || true
		tpid=''
		say "error: stdout was closed, stopped the guest"
		exit 141
	fi
	tpid=''
	# Let cat drain the FIFO, so all output precedes our own messages.
	exec 8>&-
	wait "$cpid" || true
	cpid=''
}

console() { # the serial console log without the BIOS's terminal escapes
	sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1bc//g' "$tmp/console.log" | tr -d '\r'
}
show_console() {
	say "last console lines:"
	console | tail -n 40 >&2 || true
	if [ -s "$tmp/qemu.err" ]; then
		say "qemu stderr:"
		tail -n 20 "$tmp/qemu.err" >&2
	fi
}
# A kernel that panics while booting (seen once in 7.3 under TCG with two
# vCPUs: a live-patched instruction executed mid-patch) never started
# the job, so nothing of it was streamed yet: boot again, twice at most.
attempt=1
while :; do
	say "booting Linux $kver (TCG)"
	boot
	[ "$qrc" -ne 124 ] && [ "$qrc" -ne 137 ] || break
	[ -z "$(tr -d '\r\n' <"$tmp/status")" ] || break
	console | grep -q "xdpchain-vm init: running the job" && break
	[ "$attempt" -lt 3 ] || break
	say "warning: the guest died before the job started (attempt $attempt); end of its console:"
	console | tail -n 8 >&2 || true
	attempt=$((attempt + 1))
done
if [ "${XDPCHAIN_VM_DEBUG:-0}" = 1 ]; then
	say "console:"
	console >&2 || true
fi
if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
	say "error: timed out after ${timeout}s, killed the guest (kernel $kver)"
	show_console
	exit 124
fi
status=$(tr -d '\r\n' <"$tmp/status")
if ! [[ $status =~ ^[0-9]+$ ]]; then
	say "error: the guest (kernel $kver) ended without reporting an exit status (qemu exit $qrc)"
	show_console
	exit 125
fi
exit "$status"
}
