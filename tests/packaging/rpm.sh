#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# packaging/rpm/xdpchain.spec, built on Debian 12 with Debian's rpm:
#   tests/packaging/rpm.sh
# The source tarball is "git archive" of HEAD, or of the working tree when
# it has changes (git stash create: tracked files only, so "git add" new
# files first). rpmbuild -bb runs the spec's %check (the unit suite) too.
# Then the binary RPMs: three, each with exactly its files, the library's
# soname provided and required, the scriptlets wired, no crash hook.
# Installs rpm and the build dependencies with apt-get if missing. About
# 2.5 minutes on an idle 2-core machine (a full build and the unit suite),
# several times that beside the QEMU tiers. Prints "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
src=$PWD

pkgs=(rpm rpm2cpio git meson ninja-build gcc clang llvm bpftool libbpf-dev libelf-dev
      zlib1g-dev libjansson-dev libpcap0.8-dev libxdp-dev pkg-config systemd python3 groff-base
      binutils)
source tests/lib/missing-pkgs.sh
mapfile -t missing < <(missing_pkgs "${pkgs[@]}")
if [ ${#missing[@]} -gt 0 ]; then
	echo "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get -o DPkg::Lock::Timeout=600 update -qq &&
		apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
			"${missing[@]}" >/dev/null || exit 1
fi

passed=0 failed=0
ok() { echo "ok: $*"; passed=$((passed + 1)); }
ko() { echo "FAIL: $*"; failed=$((failed + 1)); }
finish() { echo "$passed passed, $failed failed"; exit $((failed > 0)); }

spec=packaging/rpm/xdpchain.spec
macros=tests/packaging/rpm-debian.macros
version=$(sed -n "s/^ *version *: *'\([^']*\)'.*/\1/p" meson.build | head -n1)
spec_version=$(awk '$1 == "Version:" { print $2 }' "$spec")
[ "$version" = "$spec_version" ] && ok "spec version $spec_version is meson.build's" ||
	ko "spec version '$spec_version', meson.build has '$version'"

top=$(mktemp -d /tmp/xdpchain-rpm.XXXXXX)
trap 'rm -rf "$top"' EXIT
mkdir -p "$top/SOURCES"
tree=$(git stash create) || exit 1
git archive --format=tar.gz --prefix="xdpchain-$version/" \
	-o "$top/SOURCES/xdpchain-$version.tar.gz" "${tree:-HEAD}" || exit 1

# --nodeps: the BuildRequires are Fedora's names (libbpf-devel, ...),
# which Debian's rpm database does not know; apt-get installed the
# Debian equivalents above. --load: the Fedora macros Debian lacks.
rpmq() { rpm --load "$macros" "$@"; }
if rpmbuild -bb --nodeps --define "_topdir $top" --load "$macros" "$spec" \
	>"$top/build.log" 2>&1; then
	ok "rpmbuild -bb (with %check: $(grep -o 'Ok: *[0-9]*' "$top/build.log" | tr -s ' '))"
else
	grep -E '^ *[0-9]+/[0-9]+ .*(FAIL|TIMEOUT)' "$top/build.log"
	tail -n 30 "$top/build.log"
	cp "$top/build.log" /tmp/xdpchain-rpmbuild.log
	ko "rpmbuild -bb failed (log: /tmp/xdpchain-rpmbuild.log)"
	finish
fi

# Debian's rpm makes no debuginfo packages (rpm-debian.macros); Fedora's
# -debuginfo and -debugsource packages are left out of the checks.
declare -A rpms=()
for f in "$top"/RPMS/*/*.rpm; do
	name=$(rpm -qp --qf '%{NAME}' "$f")
	case $name in
	*-debuginfo | *-debugsource) continue ;;
	esac
	rpms[$name]=$f
done
names=$(printf '%s\n' "${!rpms[@]}" | sort | tr '\n' ' ')
[ "$names" = "libxdpchain libxdpchain-devel xdpchain " ] && ok "three packages: $names" ||
	ko "packages: $names (want libxdpchain libxdpchain-devel xdpchain)"

# Expected file lists, in the paths this rpm's macros give. rpm adds
# /usr/lib/.build-id links itself; man pages may be compressed or not.
ev() { rpmq --eval "$1"; }
libdir=$(ev '%{_libdir}') mandir=$(ev '%{_mandir}') incdir=$(ev '%{_includedir}')
datadir=$(ev '%{_datadir}') lic=$(ev '%{_defaultlicensedir}') doc=$(ev '%{_defaultdocdir}')
expect_xdpchain="$(ev '%{_sbindir}')/xdpchain
$(ev '%{_libexecdir}')/xdpchain-apply-all
$(ev '%{_unitdir}')/xdpchain-apply.service
$(ev '%{_unitdir}')/xdpchain-metrics.socket
$(ev '%{_unitdir}')/xdpchain-metrics@.service
$mandir/man8/xdpchain.8
$datadir/bash-completion/completions/xdpchain
$libdir/bpf
$libdir/bpf/xdpchain_dispatcher.o
$libdir/bpf/xdpchain_dispatcher_inst.o
$libdir/bpf/xdp_count.o
$libdir/bpf/xdp_firewall.o
$libdir/bpf/xdp_reflect.o
$lic/xdpchain
$lic/xdpchain/LICENSE
$doc/xdpchain
$doc/xdpchain/README.md"
expect_libxdpchain="$libdir/libxdpchain.so.0
$libdir/libxdpchain.so.$version
$lic/libxdpchain
$lic/libxdpchain/LICENSE"
expect_libxdpchain_devel="$incdir/xdpchain
$incdir/xdpchain/xdpchain.h
$incdir/xdpchain/prog.h
$libdir/libxdpchain.so
$libdir/pkgconfig/libxdpchain.pc
$mandir/man3/libxdpchain.3"
for name in xdpchain libxdpchain libxdpchain-devel; do
	f=${rpms[$name]:-}
	[ -n "$f" ] || continue
	var=expect_${name//-/_}
	want=$(sort <<<"${!var}")
	got=$(rpm -qlp "$f" | grep -v '^/usr/lib/\.build-id' | sed 's/\.\([38]\)\.gz$/.\1/' | sort)
	if [ "$got" = "$want" ]; then
		ok "$name: files ($(wc -l <<<"$got"))"
	else
		ko "$name: files differ (< expected, > in the package):"
		diff <(echo "$want") <(echo "$got") | grep '^[<>]'
	fi
done

lib=${rpms[libxdpchain]:-/nonexistent} dev=${rpms[libxdpchain-devel]:-/nonexistent}
cli=${rpms[xdpchain]:-/nonexistent}
soname='libxdpchain.so.0()(64bit)'
rpm -qp --provides "$lib" 2>/dev/null | grep -qxF "$soname" &&
	ok "libxdpchain provides $soname" || ko "libxdpchain does not provide $soname"
rpm -qp --requires "$dev" 2>/dev/null | grep -qx "libxdpchain(.*) = $version-.*" &&
	ok "libxdpchain-devel requires libxdpchain of the same version" ||
	ko "libxdpchain-devel does not require libxdpchain = $version"
# The command links the library's objects statically (it uses the
# internal API of lib/api/internal.h), as the Debian package does: it
# must not pull in the shared library.
if rpm -qp --requires "$cli" 2>/dev/null | grep -q '^libxdpchain'; then
	ko "xdpchain requires libxdpchain, though the command links it statically"
else
	ok "xdpchain does not require libxdpchain (the command links it statically)"
fi
rpm -qp --scripts "$cli" 2>/dev/null | grep -q 'systemd_post xdpchain-apply.service' &&
	ok "xdpchain: systemd scriptlets" || ko "xdpchain: no systemd scriptlets"
rpm -qp --scripts "$lib" 2>/dev/null | grep -q 'postinstall program: /sbin/ldconfig' &&
	ok "libxdpchain: ldconfig scriptlets" || ko "libxdpchain: no ldconfig scriptlets"

# fault_injection off: the packaged library has no $XDPCHAIN_FAULT hook.
mkdir "$top/x" && rpm2archive - <"$lib" | tar -xzf - -C "$top/x" 2>/dev/null
so=$top/x$libdir/libxdpchain.so.$version
if [ ! -f "$so" ]; then
	ko "could not unpack $so"
elif grep -qa XDPCHAIN_FAULT "$so"; then
	ko "the packaged library has the crash-injection hook (fault_injection on)"
else
	ok "no crash-injection hook in the packaged library"
fi
finish
