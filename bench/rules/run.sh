#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Rules engine throughput (see bench_rules.c), single thread, against an optimized wardcore:
# the benchmark ruleset (41 rules), the Falco stable ruleset, and the default ruleset when
# present. Usage: bench/rules/run.sh [BUILD_DIR] ; env EVENTS (default 5000000).
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-${BUILD:-$SRC/build-rules-rel}}
EVENTS=${EVENTS:-5000000}
if [ ! -f "$BUILD/libwardcore.a" ]; then
  CC=clang cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD" -j2 --target wardcore >/dev/null
fi
OUT=$(mktemp -d /tmp/ward-bench-rules.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
LIBS=$(pkg-config --libs libbpf yaml-0.1 jansson libarchive sqlite3 libcrypto zlib libzstd \
  libpcre2-8 libmicrohttpd libcurl yara libnftables libpq)
clang -O2 -D_GNU_SOURCE -I"$SRC/src" -I"$SRC/bpf" -I"$BUILD/gen" "$SRC/bench/rules/bench_rules.c" \
  "$BUILD/libwardcore.a" $LIBS -lpthread -lm -o "$OUT/bench_rules"
echo "kernel $(uname -r), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "-- bench ruleset (bench/rules/bench_rules.yaml)"
"$OUT/bench_rules" "$EVENTS" "$SRC/bench/rules/bench_rules.yaml"
FALCO="$SRC/../shared/compat/falco_rules.yaml"
if [ -f "$FALCO" ]; then
  echo "-- Falco stable ruleset"
  "$OUT/bench_rules" "$EVENTS" "$FALCO"
  echo "-- bench + Falco rulesets together"
  "$OUT/bench_rules" "$EVENTS" "$SRC/bench/rules/bench_rules.yaml" "$FALCO"
fi
if [ -d "$SRC/rules" ] && ls "$SRC"/rules/*.yaml >/dev/null 2>&1; then
  echo "-- default ruleset (rules/)"
  "$OUT/bench_rules" "$EVENTS" "$SRC/rules" || echo "(default ruleset did not load cleanly)"
fi
