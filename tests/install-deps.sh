#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
# Installs what building and testing xdpchain needs on Debian 12, only if
# something is missing (so it is fast on a prepared machine).
set -euo pipefail
pkgs=(build-essential pkg-config meson ninja-build clang llvm libbpf-dev libelf-dev groff-base
      zlib1g-dev libjansson-dev libpcap0.8-dev libxdp-dev bpftool iproute2 jq qemu-system-x86 busybox-static cpio xz-utils kmod ethtool
      libclang-rt-14-dev valgrind python3-yaml python3-kubernetes xdp-tools util-linux tcpdump prometheus socat curl
      podman runc mmdebstrap)
# libclang-rt-14-dev: libFuzzer and the sanitizer runtimes of clang 14
# (tests/fuzz/run.sh); valgrind: tests/kernel/suite-valgrind.sh.
# python3-yaml: tests/unit/check_k8s.py (the Kubernetes manifest);
# python3-kubernetes: its check against the API's schema. podman, runc,
# mmdebstrap: the container tier (tests/container/run.sh builds the image
# with packaging/oci/build.sh and runs the DaemonSet's pod).
# xdp-tools: suite-badinput.sh (libxdp's dispatcher); util-linux: setpriv.
# prometheus, socat, curl: suite-metrics.sh (a real Prometheus scrapes
# xdpchain metrics --http served by socat).
# libjansson-dev, libpcap0.8-dev, libxdp-dev: the CLI (apply's JSON files,
# trace --pcap, libxdp's dispatchers in status).
source "$(dirname "$0")/lib/missing-pkgs.sh"
mapfile -t missing < <(missing_pkgs "${pkgs[@]}")
if [ ${#missing[@]} -gt 0 ]; then
	echo "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get -o DPkg::Lock::Timeout=600 update -qq
	apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
