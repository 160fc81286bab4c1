#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs every benchmark under bench/ (each bench/<name>/run.sh), passing the build directory.
# Each benchmark prints its own tables and writes its results; this only dispatches and
# reports which ones failed.
# Usage: bench/run.sh BUILD_DIR
set -uo pipefail
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
failed=()
ran=0
for b in "$here"/*/run.sh; do
  [ -x "$b" ] || continue
  name=$(basename "$(dirname "$b")")
  echo "==> bench: $name"
  ran=$((ran + 1))
  "$b" "$1" || failed+=("$name")
done
[ $ran -gt 0 ] || { echo "bench: no bench/*/run.sh found" >&2; exit 1; }
if [ ${#failed[@]} -gt 0 ]; then
  echo "bench: failed: ${failed[*]}" >&2
  exit 1
fi
