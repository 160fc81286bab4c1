#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `ward rules validate --json` reports each compile budget's use next to its limit
# (docs/rules.md, "Budgets"): exact counts on a file of known shape (aliases, list items,
# list values), the largest rule versus the sum over rules, growth with a deeper macro
# chain, and every limit equal to its constant in src/common/limits.h.
. "$(dirname "$0")/lib.sh"

# gen FILE DEPTH: a 1000-item anchored list aliased by 3 lists, a macro chain DEPTH deep
# (each macro uses the next twice), rule R using a list and the chain, rule S a plain test
gen() {
  python3 - "$1" "$2" <<'PY'
import sys
path, depth = sys.argv[1], int(sys.argv[2])
out = ["- list: base\n  items: &big\n"] + [f"    - i{i}\n" for i in range(1000)]
out += [f"- list: l{n}\n  items: *big\n" for n in (1, 2, 3)]
out.append(f"- macro: m{depth}\n  condition: proc.name = x\n")
for d in range(depth - 1, -1, -1):
    out.append(f"- macro: m{d}\n  condition: (m{d + 1} and m{d + 1})\n")
out.append("- rule: R\n  desc: r\n  condition: evt.type = execve and proc.name in (l1) and m0\n"
           "  output: r\n  priority: WARNING\n")
out.append("- rule: S\n  desc: s\n  condition: evt.type = execve and proc.name = s\n"
           "  output: s\n  priority: WARNING\n")
open(path, "w").write("".join(out))
PY
}
gen "$T_TMP/b3.yaml" 3; gen "$T_TMP/b4.yaml" 4
"$WARD" rules validate --json "$T_TMP/b3.yaml" >"$T_TMP/b3.json" || { cat "$T_TMP/b3.json"; exit 1; }
"$WARD" rules validate --json "$T_TMP/b4.yaml" >"$T_TMP/b4.json" || { cat "$T_TMP/b4.json"; exit 1; }
jq -c .budgets "$T_TMP/b3.json"
u() { jq -r ".budgets.$2.used" "$1"; }
l() { jq -r ".budgets.$2.limit" "$1"; }

t_check "yaml_alias_nodes: 3 aliases of a 1001-node sequence = 3003" test "$(u "$T_TMP/b3.json" yaml_alias_nodes)" -eq 3003
t_check "loaded_items: the list and its 3 copies = 4000" test "$(u "$T_TMP/b3.json" loaded_items)" -eq 4000
t_check "set_values: l1's 1000 values plus 4 scalars (execve twice, x in the shared macro once, s) = 1004" test "$(u "$T_TMP/b3.json" set_values)" -eq 1004
r3=$(u "$T_TMP/b3.json" rule_nodes); s3=$(u "$T_TMP/b3.json" set_nodes); r4=$(u "$T_TMP/b4.json" rule_nodes)
t_check "rule_nodes is the largest rule, set_nodes the sum (rule S is the difference: $s3 - $r3)" \
  test "$s3" -gt "$r3" -a "$((s3 - r3))" -lt "$r3"
t_check "one more level of the macro chain grows rule_nodes ($r3 -> $r4)" test "$r4" -gt "$r3"
t_check "compile_ms is reported" test "$(u "$T_TMP/b3.json" compile_ms)" -ge 0

# a limit's value as limits.h defines it ("(1u << 20)", "60")
val() {
  python3 - "$WARD_SRC/src/common/limits.h" "$1" <<'PY'
import re, sys
m = re.search(r"^#define %s\s+([^/\n]+)" % sys.argv[2], open(sys.argv[1]).read(), re.M)
print(eval(re.sub(r"(\d)u\b", r"\1", m.group(1))))
PY
}
t_check "yaml_alias_nodes limit = WARD_RULES_MAX_YAML_ALIAS_NODES" test "$(l "$T_TMP/b3.json" yaml_alias_nodes)" -eq "$(val WARD_RULES_MAX_YAML_ALIAS_NODES)"
t_check "loaded_items limit = WARD_RULES_MAX_LOADED_ITEMS" test "$(l "$T_TMP/b3.json" loaded_items)" -eq "$(val WARD_RULES_MAX_LOADED_ITEMS)"
t_check "rule_nodes limit = WARD_RULES_MAX_RULE_NODES" test "$(l "$T_TMP/b3.json" rule_nodes)" -eq "$(val WARD_RULES_MAX_RULE_NODES)"
t_check "set_nodes limit = WARD_RULES_MAX_SET_NODES" test "$(l "$T_TMP/b3.json" set_nodes)" -eq "$(val WARD_RULES_MAX_SET_NODES)"
t_check "set_values limit = WARD_RULES_MAX_SET_VALUES" test "$(l "$T_TMP/b3.json" set_values)" -eq "$(val WARD_RULES_MAX_SET_VALUES)"
t_check "compile_ms limit = WARD_RULES_MAX_COMPILE_SECS * 1000" test "$(l "$T_TMP/b3.json" compile_ms)" -eq "$(( $(val WARD_RULES_MAX_COMPILE_SECS) * 1000 ))"
t_done
