#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian packages ward needs to build, run and test, skipping what is present.
# Usage: scripts/deps.sh [build|test|bench]   (test and bench include build)
set -euo pipefail
want=${1:-build}

build_pkgs=(cmake make clang llvm pkg-config libbpf-dev bpftool libelf-dev zlib1g-dev
  libzstd-dev libyaml-dev libjansson-dev libarchive-dev libsqlite3-dev libssl-dev
  libmicrohttpd-dev libcurl4-openssl-dev libpcre2-dev libyara-dev libnftables-dev
  libcmocka-dev libpq-dev)
test_pkgs=(jq runc busybox-static docker.io iproute2 procps util-linux libclang-rt-14-dev
  python3 python3-yaml nodejs curl aide debootstrap rpm db5.3-util clang-16 umoci skopeo)
# the rest of bench: the peers the benchmarks compare against; the libs row builds Falco's
# libs from source for bench/sensor/falco_libs.sh
bench_pkgs=(auditd bpftrace hyperfine aide
  g++ libtbb-dev libjsoncpp-dev uthash-dev libre2-dev libvalijson-dev libcxxopts-dev)

pkgs=("${build_pkgs[@]}")
case "$want" in
  test) pkgs+=("${test_pkgs[@]}") ;;
  bench) pkgs+=("${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
  build) ;;
  *) echo "usage: $0 [build|test|bench]" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "==> deps: all ${#pkgs[@]} packages present"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "==> deps: missing ${missing[*]}; run as root or install them with apt-get" >&2
  exit 1
fi
echo "==> deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "==> deps: done"
