#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The malformed-archive corpus (built by scan/mk_hostile.py): path traversal, absolute
# names, deep nesting, a manifest pointing outside or at a missing layer, an absurd header
# size, a truncated gzip layer, a decompression bomb, a symlinked blob and an index loop.
# Each must fail with exit 1 and a message naming the entry, never crash or write outside.
. "$(dirname "$0")/lib.sh"
. "$WARD_SRC/tests/integration/scan/fixtures.sh"

BB=$(fx_busybox_root) || { t_fail "busybox root"; t_done; exit 1; }
tar -C "$BB" -czf "$T_TMP/good.tgz" .
python3 "$WARD_SRC/tests/integration/scan/mk_hostile.py" "$T_TMP/c" "$T_TMP/good.tgz"
rm -f /tmp/ward-evil

expect_fail() { # name pattern
  local name=$1 pat=$2 rc=0
  "$WARD" scan image "$T_TMP/c/$name" -q -o "$T_TMP/$name.out" 2>"$T_TMP/$name.err" || rc=$?
  if [ "$rc" = 1 ] && grep -qE -- "$pat" "$T_TMP/$name.err" && ! grep -qE "Sanitizer|runtime error" "$T_TMP/$name.err"; then
    t_ok "$name: exit 1, '$(head -c 160 "$T_TMP/$name.err" | tr '\n' ' ')'"
  else
    t_fail "$name: rc=$rc, stderr: $(head -c 400 "$T_TMP/$name.err")"
  fi
}
expect_fail traversal.tar "entry '\.\./\.\./\.\./tmp/ward-evil'.*escapes"
expect_fail absolute.tar "entry '/etc/shadow'.*absolute"
expect_fail deep.tar "entry 'a/a/.*nested too deep"
expect_fail manifest-outside.tar "Layers\[0\] '\.\./\.\./\.\./\.\./etc/passwd' is not a path inside"
expect_fail manifest-missing.tar "lists layer '0{64}/layer.tar' but the archive has no such layer"
expect_fail huge-size.tar "entry 'huge.bin' claims 1099511627776 bytes"
expect_fail truncated-gzip.tar "layer.tar: (entry|after entry) '.*'"
expect_fail bomb.tar "entry 'zeros.bin'.*ratio limit \(decompression bomb\?\)"
expect_fail symlink-blob "blobs/sha256/(ab){32}: layer blob missing, not a regular file, or a symlink"
expect_fail index-loop "image indexes nested deeper than"
expect_fail not-an-image.tar "$T_TMP/c/not-an-image.tar"
t_check "nothing written outside" test ! -e /tmp/ward-evil

# Bounded memory on the bomb: peak RSS stays far below what inflating it would need.
/usr/bin/time -f "%M" -o "$T_TMP/rss" "$WARD" scan image "$T_TMP/c/bomb.tar" -q -o /dev/null 2>/dev/null || true
t_check "bomb: peak RSS $(tail -1 "$T_TMP/rss") KB < 200 MB" test "$(tail -1 "$T_TMP/rss")" -lt 204800
t_done
