#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The default ruleset compiles in ward's own engine: `ward rules validate rules/` exits 0
# with no errors, and the same directory plus a broken rule is rejected (so the check can
# fail).
. "$(dirname "$0")/lib.sh"

if "$WARD" rules --help 2>&1 | grep -q "not available in this build"; then
  t_require "ward rules validate is not built yet"
fi

out=$("$WARD" rules validate "$WARD_SRC/rules" 2>&1) && rc=0 || rc=$?
echo "$out" | tail -20
t_check "ward rules validate rules/ exits 0" [ "$rc" -eq 0 ]
t_check "summary says 0 errors, 0 warnings" grep -qE "; 0 errors, 0 warnings$" <<<"$out"
t_check "no diagnostic lines" bash -c '! grep -qE ": (error|warning): " <<<"$1"' _ "$out"
n=$(sed -n 's/^\([0-9]*\) rules,.*(\([0-9]*\) rules compiled).*/\2/p' <<<"$out")
t_check "at least 40 rules compiled (got ${n:-none})" [ "${n:-0}" -ge 40 ]

mkdir -p "$T_TMP/rules"
cp "$WARD_SRC"/rules/*.yaml "$T_TMP/rules/"
cat >"$T_TMP/rules/99-broken.yaml" <<'YAML'
- rule: Broken On Purpose
  desc: uses a field that does not exist
  condition: ward_spawned_process and proc.no_such_field = x
  output: "x %proc.name"
  priority: WARNING
YAML
bad=$("$WARD" rules validate "$T_TMP/rules" 2>&1) && brc=0 || brc=$?
t_check "a broken rule makes validate fail" [ "$brc" -ne 0 ]
t_check "the error names the file" grep -q "99-broken.yaml" <<<"$bad"
t_done
