#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# User-space kill latency (see kill_latency.c): builds the benchmark against an optimized
# wardcore and runs it. Usage: bench/respond/run.sh [TRIALS]; env BUILD = a release build
# dir with libwardcore.a (default build-resp-rel, configured here if missing).
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$SRC/build-resp-rel}
if [ ! -f "$BUILD/libwardcore.a" ]; then
  CC=clang cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD" -j2 --target wardcore >/dev/null
fi
OUT=$(mktemp -d /tmp/ward-bench-respond.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
LIBS=$(pkg-config --libs libbpf yaml-0.1 jansson libarchive sqlite3 libcrypto zlib libzstd \
  libpcre2-8 libmicrohttpd libcurl yara libnftables libpq)
clang -O2 -D_GNU_SOURCE -I"$SRC/src" -I"$BUILD/gen" "$SRC/bench/respond/kill_latency.c" \
  "$BUILD/libwardcore.a" $LIBS -lpthread -lm -o "$OUT/kill_latency"
uname -r; nproc
"$OUT/kill_latency" "${1:-1000}"
