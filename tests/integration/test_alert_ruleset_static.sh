#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The default ruleset's shape, without the engine: MITRE tags, priorities, outputs, macros
# defined before use, a docs row per rule. Also proves the checker catches a broken file.
. "$(dirname "$0")/lib.sh"

python3 -c 'import yaml' 2>/dev/null || t_require "python3-yaml is not installed"
CHECK="$WARD_SRC/tests/integration/alert/ruleset_check.py"

out=$(python3 "$CHECK" "$WARD_SRC" 2>&1) && rc=0 || rc=$?
echo "$out"
t_check "default ruleset passes the static checks" [ "$rc" -eq 0 ]
n=$(sed -n 's/^\([0-9]*\) rules,.*/\1/p' <<<"$out")
t_check "at least 40 rules (got ${n:-none})" [ "${n:-0}" -ge 40 ]

# the checker must fail on a copy with a rule lacking tags and a macro used before definition
mkdir -p "$T_TMP/src/rules" "$T_TMP/src/docs"
cp "$WARD_SRC"/rules/*.yaml "$T_TMP/src/rules/"
cp "$WARD_SRC/docs/default-rules.md" "$T_TMP/src/docs/"
cat >"$T_TMP/src/rules/05-broken.yaml" <<'YAML'
# SPDX-License-Identifier: Apache-2.0
- rule: Broken Rule
  desc: x
  condition: ward_spawned_process and ward_not_defined_yet
  output: no fields here
  priority: LOUD
  tags: [host]
YAML
bad=$(python3 "$CHECK" "$T_TMP/src" 2>&1) && brc=0 || brc=$?
t_check "checker rejects a broken rule file" [ "$brc" -eq 1 ]
for want in "uses ward_not_defined_yet" "no mitre_<tactic> tag" "bad priority" "no %field" "no row for Broken Rule"; do
  t_check "checker reports: $want" grep -qF "$want" <<<"$bad"
done
t_done
