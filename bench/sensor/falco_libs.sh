#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds Falco's libs (falcosecurity/libs) for the side-by-side sensor benchmark: the modern
# eBPF probe with its two example programs, scap-open (the capture library alone) and
# sinsp-example (the capture library, the state engine and a filter). The source checkout
# stays untouched: configure and build happen out of tree in a cache directory, and a second
# call only rebuilds what changed. Nothing of Falco's is copied into ward's tree.
#
# Usage: FALCO_LIBS_SRC=DIR bench/sensor/falco_libs.sh [OUT_DIR]
#   OUT_DIR defaults to $FALCO_LIBS_BUILD, else build/bench-falco in this repository.
# On success the last three lines of stdout are these paths:
#   scap-open=PATH
#   sinsp-example=PATH
#   falco-shim=PATH     (an LD_PRELOAD library, see falco_shim.c)
#
# System libraries instead of bundled ones (the bundled ones are downloaded at build time,
# and a benchmark should not depend on the network). Debian 12 packages (scripts/deps.sh
# bench installs them): libelf-dev zlib1g-dev libbpf-dev bpftool clang llvm libtbb-dev
# libjsoncpp-dev uthash-dev libre2-dev libvalijson-dev libcxxopts-dev libssl-dev
# libcurl4-openssl-dev g++.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

log() { printf '==> falco libs: %s\n' "$*" >&2; }
die() { printf 'falco libs: %s\n' "$*" >&2; exit 1; }

src=${FALCO_LIBS_SRC:-}
[ -n "$src" ] || die "set FALCO_LIBS_SRC to a checkout of https://github.com/falcosecurity/libs"
[ -d "$src" ] || die "FALCO_LIBS_SRC=$src: no such directory"
src=$(cd "$src" && pwd)
[ -f "$src/CMakeLists.txt" ] && [ -d "$src/driver/modern_bpf" ] && [ -d "$src/userspace/libsinsp" ] ||
  die "FALCO_LIBS_SRC=$src is not a falcosecurity/libs checkout (no CMakeLists.txt, driver/modern_bpf or userspace/libsinsp)"

out=${1:-${FALCO_LIBS_BUILD:-$repo/build/bench-falco}}
mkdir -p "$out"
out=$(cd "$out" && pwd)

need=(cmake make g++ clang llvm-strip bpftool pkg-config)
for t in "${need[@]}"; do
  command -v "$t" >/dev/null || die "$t not found (scripts/deps.sh bench installs what this needs)"
done
for h in libelf.h zlib.h bpf/libbpf.h tbb/tbb.h json/json.h uthash.h re2/re2.h \
  valijson/schema.hpp cxxopts.hpp openssl/ssl.h curl/curl.h; do
  [ -e "/usr/include/$h" ] || [ -e "/usr/include/jsoncpp/$h" ] ||
    [ -e "/usr/include/$(uname -m)-linux-gnu/$h" ] ||
    die "header $h not found (scripts/deps.sh bench installs the packages this needs)"
done

# the commit, for the record and to reconfigure when the checkout moves
commit=$(git -C "$src" rev-parse HEAD 2>/dev/null || echo unknown)
describe=$(git -C "$src" describe --tags --always 2>/dev/null || echo unknown)
stamp="$commit $(cmake --version | head -1)"
# -DUSE_BUNDLED_DEPS=OFF: system libraries, no download.
# -DBUILD_DRIVER=OFF -DENABLE_ENGINE_KMOD=OFF: no kernel module (this kernel refuses modules).
# -DCREATE_TEST_TARGETS=OFF: no gtest.
# -DMODERN_BPF_EXCLUDE_PROGS: tail-called programs left out of the probe. recvmmsg_x and sendmmsg_x, built
#   by clang 14, go over the verifier's 1,000,000 instructions on this kernel build (the
#   whole probe then fails to load); neither ward's syscall set nor Falco's default set
#   (I/O syscalls off) uses them. FALCO_LIBS_EXCLUDE overrides the regex ("" keeps all).
exclude=${FALCO_LIBS_EXCLUDE-^(recvmmsg|sendmmsg)\$}
cfg=(-DCMAKE_BUILD_TYPE=Release -DUSE_BUNDLED_DEPS=OFF -DBUILD_LIBSCAP_MODERN_BPF=ON
  -DBUILD_DRIVER=OFF -DENABLE_ENGINE_KMOD=OFF -DCREATE_TEST_TARGETS=OFF
  -DBUILD_LIBSCAP_EXAMPLES=ON -DBUILD_LIBSINSP_EXAMPLES=ON
  "-DMODERN_BPF_EXCLUDE_PROGS=$exclude")
stamp="$stamp exclude=$exclude"

# libbpf headers before 1.3 lack PT_REGS_PARM6_CORE_SYSCALL, which the modern
# probe uses since libs 0.17 (it carried its own definition until then). Rather than patch
# Falco's sources, the probe is compiled through a clang wrapper that defines the macro the
# way libbpf 1.3 does: the syscall's 6th argument register, read with CO-RE.
# libbpf: libpman reads libbpf's ring buffer manager through its private layout (its rings
# became an array of pointers in libbpf 1.3), so with Debian 12's libbpf 1.1 the capture
# crashes at its first read. Falco's libs bundle libbpf 1.3.0; with FALCO_LIBBPF_SRC (a
# libbpf checkout at v1.3.0) it is built here and used instead of the system's; shared, so
# that falco_shim.so can stand between libpman and its bpf_object__load_skeleton.
libbpf_inc=/usr/include
if [ -n "${FALCO_LIBBPF_SRC:-}" ]; then
  [ -f "$FALCO_LIBBPF_SRC/src/libbpf.c" ] || die "FALCO_LIBBPF_SRC=$FALCO_LIBBPF_SRC is not a libbpf checkout (no src/libbpf.c)"
  lb=$out/libbpf
  lb_commit=$(git -C "$FALCO_LIBBPF_SRC" describe --tags --always 2>/dev/null || echo unknown)
  if [ ! -f "$lb/root/usr/lib/libbpf.so" ] || [ "$(cat "$lb/.ward-stamp" 2>/dev/null)" != "$lb_commit" ]; then
    log "building libbpf $lb_commit from $FALCO_LIBBPF_SRC"
    rm -rf "$lb"; mkdir -p "$lb/obj"
    make -s -C "$FALCO_LIBBPF_SRC/src" OBJDIR="$lb/obj" DESTDIR="$lb/root" \
      PREFIX=/usr LIBDIR=/usr/lib install -j2 >"$lb/build.log" 2>&1 ||
      die "building libbpf failed; see $lb/build.log"
    echo "$lb_commit" >"$lb/.ward-stamp"
  fi
  libbpf_inc=$lb/root/usr/include
  cfg+=(-DLIBBPF_INCLUDE="$libbpf_inc" -DLIBBPF_LIB="$lb/root/usr/lib/libbpf.so")
  stamp="$stamp libbpf=$lb_commit"
elif ! grep -q ring_buffer__ring /usr/include/bpf/libbpf.h; then
  die "the system libbpf is older than 1.3, which Falco's libs need (they read its ring buffer layout);
set FALCO_LIBBPF_SRC to a checkout of https://github.com/libbpf/libbpf at tag v1.3.0"
fi
cfg+=(-DMODERN_CLANG_EXE="$(command -v clang)")
stamp="$stamp clang=$(command -v clang)"
tracing_h=$libbpf_inc/bpf/bpf_tracing.h
if ! grep -q PT_REGS_PARM6_CORE_SYSCALL "$tracing_h"; then
  case "$(uname -m)" in
    x86_64) reg=r9 ;;
    aarch64) reg='regs[5]' ;;
    *) die "libbpf in $tracing_h lacks PT_REGS_PARM6_CORE_SYSCALL and no register is known for $(uname -m)" ;;
  esac
  mkdir -p "$out/compat"
  printf '#!/bin/sh\n# libbpf < 1.3 compatibility for the modern probe (bench/sensor/falco_libs.sh)\nexec %s "-DPT_REGS_PARM6_CORE_SYSCALL(x)=BPF_CORE_READ(__PT_REGS_CAST(x), %s)" "$@"\n' \
    "$(command -v clang)" "$reg" >"$out/compat/clang"
  chmod 0755 "$out/compat/clang"
  cfg+=(-DMODERN_CLANG_EXE="$out/compat/clang")
  stamp="$stamp compat-parm6"
  log "system libbpf lacks PT_REGS_PARM6_CORE_SYSCALL: compiling the probe through $out/compat/clang"
fi

# an LD_PRELOAD shim (falco_shim.c says what and why): libpman's RLIMIT_MEMLOCK raise and the
# probe's signal_deliver program, which this machine refuses, and for sinsp-example the
# syscall selection its filter should have made
mkdir -p "$out/compat"
if [ ! -f "$out/compat/falco_shim.so" ] || [ "$here/falco_shim.c" -nt "$out/compat/falco_shim.so" ]; then
  cc -O2 -Wall -Wextra -shared -fPIC -o "$out/compat/falco_shim.so" "$here/falco_shim.c" -ldl ||
    die "could not build $here/falco_shim.c"
fi

stamp="$stamp ${cfg[*]}"
if [ ! -f "$out/CMakeCache.txt" ] || [ "$(cat "$out/.ward-stamp" 2>/dev/null)" != "$stamp" ]; then
  log "configuring $src ($describe) in $out"
  rm -f "$out/.ward-stamp"
  cmake -S "$src" -B "$out" "${cfg[@]}" >"$out/configure.log" 2>&1 ||
    die "cmake configure failed; last lines of $out/configure.log:
$(tail -20 "$out/configure.log")"
  echo "$stamp" >"$out/.ward-stamp"
else
  log "already configured in $out ($describe)"
fi

jobs=${FALCO_LIBS_JOBS:-2}
for target in scap-open sinsp-example; do
  log "building $target (-j$jobs; the first build takes several minutes)"
  cmake --build "$out" --target "$target" -j "$jobs" >"$out/build-$target.log" 2>&1 ||
    die "building $target failed; first errors in $out/build-$target.log:
$(grep -m10 -E 'error|Error' "$out/build-$target.log")"
done

scap_open=$out/libscap/examples/01-open/scap-open
sinsp_example=$out/libsinsp/examples/sinsp-example
[ -x "$scap_open" ] || die "no scap-open at $scap_open after the build"
[ -x "$sinsp_example" ] || die "no sinsp-example at $sinsp_example after the build"
printf '%s %s\n' "$commit" "$describe" >"$out/falco-libs.commit"
log "built from $describe ($commit)"
echo "scap-open=$scap_open"
echo "sinsp-example=$sinsp_example"
echo "falco-shim=$out/compat/falco_shim.so"
