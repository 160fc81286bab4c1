#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Scan time and peak RSS of `ward scan image` on a ~200 MB and a ~1 GB image, against the
# floor of only reading the same archive: `tar -xOf` of the archive and of every gzip layer
# (decompressed) to /dev/null. Images are docker-save tars with gzip layers, built from a
# debootstrap'd Debian root plus real content (npm tree; JDK jars and Python from this host).
# Usage: WARD=path/to/release/ward bench/scan/run.sh [OUTDIR]   (prints a Markdown table)
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
: "${WARD:=$SRC/build-scan-rel/ward}"
OUT=${1:-/var/cache/ward-test/scan/bench}
. "$SRC/tests/integration/scan/fixtures.sh"
mkdir -p "$OUT"

ROOT=$(fx_debian_root); NPM=$(fx_npm_tree)

# mk_gz_image OUT.tar DIR...: like mk_docker_archive, but each layer gzip-compressed.
mk_gz_image() {
  local out=$1; shift
  [ -f "$out" ] && return 0
  local w layers=() i=0 d h
  w=$(mktemp -d "$OUT/mk.XXXXXX")
  for d in "$@"; do
    tar --sort=name --owner=0 --group=0 --numeric-owner -C "$d" -cf - . | gzip -6 >"$w/l$i.tgz"
    h=$(sha256sum "$w/l$i.tgz" | cut -d' ' -f1)
    mv "$w/l$i.tgz" "$w/$h.tar.gz"; layers+=("\"$h.tar.gz\""); i=$((i+1))
  done
  local lj; lj=$(IFS=,; echo "${layers[*]}")
  printf '{"rootfs":{"type":"layers","diff_ids":[]}}' >"$w/config.json"
  printf '[{"Config":"config.json","RepoTags":["bench:1"],"Layers":[%s]}]' "$lj" >"$w/manifest.json"
  (cd "$w" && tar -cf "$out.tmp" *.tar.gz config.json manifest.json) && mv "$out.tmp" "$out"
  rm -rf "$w"
}

EXTRA=$OUT/extra
if [ ! -d "$EXTRA" ]; then
  mkdir -p "$EXTRA/big/usr/lib" "$EXTRA/app/srv"
  cp -a "$NPM" "$EXTRA/app/srv/"
  cp -a /usr/lib/jvm "$EXTRA/big/usr/lib/"
  cp -a /usr/lib/python3 /usr/lib/python3.11 "$EXTRA/big/usr/lib/"
fi
mk_gz_image "$OUT/img-200m.tar" "$ROOT" "$EXTRA/app"
mk_gz_image "$OUT/img-1g.tar" "$ROOT" "$EXTRA/app" "$EXTRA/big"

secs() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }
floor() {
  local img=$1 l
  tar -xOf "$img" >/dev/null
  for l in $(tar -tf "$img" | grep '\.tar\.gz$'); do tar -xOf "$img" "$l" | tar -xzOf - >/dev/null; done
}
echo "| image | archive MB | unpacked MB | floor s | ward s | ratio | ward peak RSS MB | packages | files |"
echo "|---|---|---|---|---|---|---|---|---|"
for img in img-200m img-1g; do
  f=$OUT/$img.tar
  floor "$f" # warm the page cache for both
  fl=$(secs floor "$f")
  /usr/bin/time -f %M -o "$OUT/rss" "$WARD" scan image "$f" --json -q -o "$OUT/$img.json" --db /nonexistent 2>/dev/null || true
  s=$(date +%s.%N); "$WARD" scan image "$f" --json -q -o "$OUT/$img.json" --db /nonexistent 2>/dev/null; e=$(date +%s.%N)
  ws=$(echo "$e - $s" | bc)
  un=$(for l in $(tar -tf "$f" | grep '\.tar\.gz$'); do tar -xOf "$f" "$l" | gzip -dc | wc -c; done | awk '{s+=$1} END {printf "%d", s/1048576}')
  printf '| %s | %d | %s | %.2f | %.2f | %.2f | %d | %d | %d |\n' "$img" "$(( $(stat -c %s "$f") / 1048576 ))" "$un" "$fl" "$ws" \
    "$(echo "$ws / $fl" | bc -l)" "$(( $(tail -1 "$OUT/rss") / 1024 ))" \
    "$(jq '.packages|length' "$OUT/$img.json")" "$(jq '.summary.files' "$OUT/$img.json")"
done
