#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs every libFuzzer target for a while, growing its corpus in tests/fuzz/corpus/<name>.
set -euo pipefail
build=$1; secs=${2:-60}
for f in "$build"/fuzz/fuzz_*; do
  [ -x "$f" ] || continue
  name=$(basename "$f"); corpus=tests/fuzz/corpus/${name#fuzz_}
  mkdir -p "$corpus"
  echo "==> fuzz $name for ${secs}s (corpus $corpus)"
  "$f" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=1024 "$corpus"
done
