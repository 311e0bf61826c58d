#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# The Debian packages (debian/), from scratch as a packager would: installs
# the packaging tools and the build dependencies with apt-get, builds with
# "dpkg-buildpackage -us -uc -b" in a copy of this tree (the checkout stays
# clean; the .debs go to a temporary directory), runs lintian (any error
# or warning fails), installs the .debs on this machine and runs
# debian/tests' autopkgtest scripts against the installed files (CLI
# version, a consumer built with pkg-config, the demo's story on a veth
# pair in namespaces of its own), then purges them.
#   tests/packaging/deb.sh        (root; a few minutes; KEEP=1 keeps the
#                                  temporary directory with the .debs)
# Installs on the host rather than in a debootstrap chroot: the demo needs
# the real kernel (XDP, bpffs, namespaces) in any case, and a chroot would
# fetch a whole base system per run; the packages are purged on exit, and
# the script refuses to start if any of them is already installed (it
# would purge someone's installation). Prints "N passed, N failed" last:
# one check each for deps, build, contents, lintian, install, version,
# consumer, demo, purge.
set -uo pipefail
cd "$(dirname "$0")/../.."
top=$PWD
[ "$(id -u)" -eq 0 ] || { echo "Error: installs packages and attaches XDP programs: run it as root" >&2; exit 2; }
pkgs=(libxdpchain0 libxdpchain-dev xdpchain)
passed=0 failed=0
start=$SECONDS
step_start=$SECONDS
pass() { echo "PASS: $1 ($((SECONDS - step_start)) s)"; passed=$((passed + 1)); step_start=$SECONDS; }
fail() { echo "FAIL: $1 ($((SECONDS - step_start)) s)"; failed=$((failed + 1)); step_start=$SECONDS; }
finish() {
	echo "total: $((SECONDS - start)) s"
	echo "$passed passed, $failed failed"
	exit $((failed > 0))
}
apt() { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -q "$@"; }

# present PACKAGE: installed, or removed with its configuration left.
present() {
	local s
	s=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) && [[ $s != *not-installed ]]
}
for p in "${pkgs[@]}"; do
	if present "$p"; then
		echo "Error: $p is installed already; this script would purge it. Remove it first." >&2
		exit 2
	fi
done

work=$(mktemp -d /tmp/xdpchain-deb.XXXXXX)
# apt reads the local .debs as its sandbox user.
chmod 755 "$work"
installed=0
cleanup() {
	if [ "$installed" = 1 ]; then
		apt purge "${pkgs[@]}" >/dev/null 2>&1 || true
	fi
	if [ -n "${KEEP:-}" ]; then echo "kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# deps: the packaging tools, what debian/tests' scripts depend on (every
# Depends: there but our own packages), then Build-Depends.
tools=(dpkg-dev debhelper lintian)
read -r -a test_deps <<<"$(sed -n 's/^Depends: *//p' debian/tests/control | tr ',' '\n' |
	sed 's/^ *//; s/ *$//' | grep -vxE 'libxdpchain0|libxdpchain-dev|xdpchain|@' | sort -u | tr '\n' ' ')"
missing=()
for p in "${tools[@]}" "${test_deps[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
deps_ok=1
if [ ${#missing[@]} -gt 0 ]; then
	echo "installing: ${missing[*]}"
	apt update >/dev/null && apt install --no-install-recommends "${missing[@]}" >/dev/null || deps_ok=0
fi
if [ "$deps_ok" = 1 ] && ! dpkg-checkbuilddeps 2>/dev/null; then
	# apt-get build-dep reads debian/control of the directory it is given.
	apt update >/dev/null && apt build-dep --no-install-recommends "$top" >/dev/null || deps_ok=0
fi
if [ "$deps_ok" = 1 ] && dpkg-checkbuilddeps; then pass deps; else fail deps; finish; fi

# build: in a copy of the files git knows (tracked, or new and not
# ignored: a build directory never comes along), named as dpkg-source
# expects; the .debs land beside it, in $work.
version=$(dpkg-parsechangelog -S Version)
src=$work/xdpchain-${version%-*}
mkdir "$src"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		xargs -0 cp -a --parents -t "$src"
else
	tar -C "$top" --exclude='./build*' --exclude=./.git -cf - . | tar -C "$src" -xf -
fi
# Check level 4: a symbol the library gains or loses without a change of
# debian/libxdpchain0.symbols fails the build.
if (cd "$src" && DPKG_GENSYMBOLS_CHECK_LEVEL=4 dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1; then
	pass "build (log: $work/build.log)"
else
	tail -n 60 "$work/build.log"
	fail build
	finish
fi
debs=()
for p in "${pkgs[@]}"; do
	debs+=("$(ls "$work/${p}_${version}_"*.deb)")
done

# contents: each package has what it is for (dpkg -c in the report).
contents_ok=1
has() { # has PACKAGE PATTERN...: every PATTERN matches a path in the .deb
	local deb list pat
	deb=$(ls "$work/${1}_${version}_"*.deb)
	list=$(dpkg-deb -c "$deb" | awk '{print $6}')
	shift
	for pat in "$@"; do
		grep -qE "$pat" <<<"$list" || { echo "missing in $(basename "$deb"): $pat"; contents_ok=0; }
	done
}
has libxdpchain0 '^\./usr/lib/[^/]+/libxdpchain\.so\.0$' '^\./usr/lib/[^/]+/libxdpchain\.so\.0\.'
has libxdpchain-dev '^\./usr/include/xdpchain/xdpchain\.h$' '^\./usr/include/xdpchain/prog\.h$' \
	'^\./usr/lib/[^/]+/libxdpchain\.so$' '^\./usr/lib/[^/]+/pkgconfig/libxdpchain\.pc$' \
	'^\./usr/share/man/man3/libxdpchain\.3\.gz$'
has xdpchain '^\./usr/sbin/xdpchain$' '^\./usr/share/man/man8/xdpchain\.8\.gz$' \
	'^\./usr/share/bash-completion/completions/xdpchain$' \
	'^\./lib/systemd/system/xdpchain-apply\.service$' '^\./usr/lib/xdpchain/xdpchain-apply-all$' \
	'^\./usr/lib/[^/]+/bpf/xdpchain_dispatcher\.o$' '^\./usr/lib/[^/]+/bpf/xdp_count\.o$'
# The library only in libxdpchain0, the link only in -dev.
[ "$(dpkg-deb -c "${debs[0]}" | grep -c 'libxdpchain\.so ')" = 0 ] || { echo "libxdpchain.so in libxdpchain0"; contents_ok=0; }
if [ "$contents_ok" = 1 ]; then pass contents; else fail contents; fi

# lintian: errors and warnings fail (overrides in debian/*.lintian-overrides);
# info tags are shown, not counted.
lint=$(lintian --fail-on error,warning --display-info "$work"/*.changes 2>&1)
lint_rc=$?
grep -v "running with root privileges" <<<"$lint"
if [ "$lint_rc" = 0 ]; then pass lintian; else fail lintian; fi

# install: the .debs on this machine (their dependencies from the mirror).
if apt install --no-install-recommends "${debs[@]}" >"$work/install.log" 2>&1; then
	installed=1
	pass install
else
	installed=1 # whatever apt got in is purged on exit
	cat "$work/install.log"
	fail install
	finish
fi

# The autopkgtest scripts, from the source tree as autopkgtest runs them,
# and failing as autopkgtest fails them: a non-zero exit status, or output
# on stderr unless the test's stanza in debian/tests/control allows it.
restrictions() { # restrictions TEST: its Restrictions: line
	awk -v t="$1" 'BEGIN { RS = ""; FS = "\n" }
		{ tests = ""; r = ""
		  for (i = 1; i <= NF; i++) {
			if ($i ~ /^Tests:/) tests = $i " "
			if ($i ~ /^Restrictions:/) r = $i
		  }
		  if (tests ~ ("[ ,]" t "[ ,]")) print r }' debian/tests/control
}
run_test() { # run_test CHECK TEST
	local out=$work/test-$2.out err=$work/test-$2.err
	if (cd "$src" && unset AUTOPKGTEST_TMP && "debian/tests/$2") >"$out" 2>"$err"; then
		if [ -s "$err" ] && ! restrictions "$2" | grep -q allow-stderr; then
			cat "$out"; echo "stderr:"; cat "$err"
			fail "$1 (output on stderr)"
		else
			pass "$1"
		fi
	else
		cat "$out"; echo "stderr:"; cat "$err"
		fail "$1"
	fi
}
run_test version cli
run_test consumer consumer
run_test demo demo

# purge: nothing of the packages left behind.
installed=0
purge_ok=1
apt purge "${pkgs[@]}" >"$work/purge.log" 2>&1 || { cat "$work/purge.log"; purge_ok=0; }
for p in "${pkgs[@]}"; do
	! present "$p" || { echo "$p is still installed"; purge_ok=0; }
done
for f in /usr/sbin/xdpchain /usr/include/xdpchain /usr/lib/xdpchain /lib/systemd/system/xdpchain-apply.service; do
	[ ! -e "$f" ] || { echo "$f left behind"; purge_ok=0; }
done
if [ "$purge_ok" = 1 ]; then pass purge; else fail purge; fi
finish
