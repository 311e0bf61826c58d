#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Installs the build into a temporary DESTDIR and uses it as a third party
# would: every file lands where it should, a C program compiles and links
# with nothing but "pkg-config --cflags --libs libxdpchain" and runs against
# the installed library, a BPF program compiles against the installed
# <xdpchain/prog.h> and the installed library reads its declaration, the
# installed CLI runs. No privileges; about 2 seconds.
# Environment (set by tests/meson.build): MESON BUILD_ROOT SOURCE_ROOT CC
# SANITIZE (b_sanitize) CLANG MULTIARCH VERSION SOVERSION PREFIX LIBDIR INCLUDEDIR SBINDIR MANDIR
# COMPLETIONSDIR (absolute install paths).
set -euo pipefail
dest=$(mktemp -d /tmp/xdpchain-install.XXXXXX)
trap 'rm -rf "$dest"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

read -r -a meson_cmd <<<"$MESON"
"${meson_cmd[@]}" install -C "$BUILD_ROOT" --destdir "$dest" --no-rebuild --quiet >/dev/null

# What goes where.
for f in "$LIBDIR/libxdpchain.so.$SOVERSION" "$LIBDIR/libxdpchain.so" \
	 "$LIBDIR/pkgconfig/libxdpchain.pc" \
	 "$INCLUDEDIR/xdpchain/xdpchain.h" "$INCLUDEDIR/xdpchain/prog.h" \
	 "$LIBDIR/bpf/xdpchain_dispatcher.o" "$LIBDIR/bpf/xdp_firewall.o" \
	 "$SBINDIR/xdpchain" \
	 "$MANDIR/man8/xdpchain.8" "$MANDIR/man3/libxdpchain.3" \
	 "$COMPLETIONSDIR/xdpchain"; do
	[ -e "$dest$f" ] || fail "$f is not installed"
done
# The development symlink points at the soname'd file.
[ "$(readlink -f "$dest$LIBDIR/libxdpchain.so")" = \
  "$(readlink -f "$dest$LIBDIR/libxdpchain.so.$SOVERSION")" ] ||
	fail "libxdpchain.so does not resolve to libxdpchain.so.$SOVERSION"
# Nothing private: only the two public headers.
extra=$(cd "$dest$INCLUDEDIR" && find . -type f ! -path ./xdpchain/xdpchain.h ! -path ./xdpchain/prog.h)
[ -z "$extra" ] || fail "unexpected headers installed: $extra"

# pkg-config as a consumer sees it.
export PKG_CONFIG_PATH=$dest$LIBDIR/pkgconfig PKG_CONFIG_SYSROOT_DIR=$dest
[ "$(pkg-config --modversion libxdpchain)" = "$VERSION" ] || fail "pkg-config --modversion"
grep -q '^libbpf' <<<"$(pkg-config --print-requires-private libxdpchain)" ||
	fail "libbpf is not in Requires.private"
grep -q -- '-lbpf' <<<"$(pkg-config --static --libs libxdpchain)" ||
	fail "pkg-config --static --libs lacks -lbpf"
read -r -a flags <<<"$(pkg-config --cflags --libs libxdpchain)"
read -r -a cc_cmd <<<"$CC"
case ${SANITIZE:-none} in
none|'') ;;
*) cc_cmd+=("-fsanitize=$SANITIZE") ;;
esac
"${cc_cmd[@]}" -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
	-o "$dest/consumer" "$SOURCE_ROOT/tests/consumer/consumer.c" "${flags[@]}" ||
	fail "the consumer does not build against the installed header and .pc"

# A BPF program against the installed <xdpchain/prog.h> (and libbpf's
# headers), nothing from the source tree.
bpf_flags=(-target bpf -g -O2 -Wall -Werror -I"$dest$INCLUDEDIR")
[ -n "$MULTIARCH" ] && bpf_flags+=(-idirafter "/usr/include/$MULTIARCH")
"$CLANG" "${bpf_flags[@]}" -c "$SOURCE_ROOT/tests/consumer/declared.bpf.c" \
	-o "$dest/declared.o" || fail "a BPF program does not build against <xdpchain/prog.h>"

if [ -x "$dest/consumer" ] && [ -f "$dest/declared.o" ]; then
	LD_LIBRARY_PATH=$dest$LIBDIR "$dest/consumer" "$VERSION" "$dest/declared.o" 42 drop ||
		fail "the consumer failed"
	# And it really ran the installed library.
	deps=$(LD_LIBRARY_PATH=$dest$LIBDIR ldd "$dest/consumer")
	grep -qF "=> $dest$LIBDIR/libxdpchain.so.$SOVERSION " <<<"$deps" ||
		fail "the consumer did not load the installed library: $deps"
fi
LD_LIBRARY_PATH=$dest$LIBDIR "$dest$SBINDIR/xdpchain" help >/dev/null ||
	fail "the installed CLI does not run"

[ "$fails" -eq 0 ] && echo "install: ok ($dest)"
exit $((fails > 0))
