#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `ward rules validate` and `ward rules list` driven as a user would: the Falco stable
# ruleset loads cleanly, broken files name file:line:column and exit 1, JSON output parses,
# directories load in name order, usage errors exit 2.
. "$(dirname "$0")/lib.sh"

D="$T_TMP/rules.d"
mkdir -p "$D"

json_get() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

if t_falco_rules; then
  out=$("$WARD" rules validate "$FALCO"); rc=$?
  t_check "falco ruleset validates (exit 0)" [ "$rc" = 0 ]
  t_check "falco summary counts" grep -q "^25 rules, 87 macros, 49 lists loaded from 1 files (25 rules compiled); 0 errors" <<<"$out"
  js=$("$WARD" rules validate --json "$FALCO")
  t_check "falco --json ok" [ "$(json_get 'd["ok"], d["rules_compiled"], len(d["errors"])' <<<"$js")" = "True 25 0" ]
fi

cat > "$D/10-base.yaml" <<'Y'
- list: shells
  items: [bash, sh]
- rule: Shell spawned
  desc: a shell
  condition: evt.type = execve and proc.name in (shells)
  output: "shell %proc.name (parent %proc.pname)"
  priority: WARNING
  tags: [shell, T1059]
  actions: [kill, collect]
Y
cat > "$D/20-local.yml" <<'Y'
- list: shells
  items: [zsh]
  append: true
- rule: Shell spawned
  enabled: false
- rule: Typo
  desc: broken on purpose
  condition: evt.type = openat and fd.nmae = /etc/shadow
  output: x
  priority: ERROR
Y
echo "ignored" > "$D/README.txt"

set +e
out=$("$WARD" rules validate "$D"); rc=$?
set -e
t_check "broken dir exits 1" [ "$rc" = 1 ]
t_check "error names file:line:col" grep -q "^$D/20-local.yml:8:36: error: rule 'Typo': unknown field 'fd.nmae'" <<<"$out"
t_check "summary after error" grep -q "^2 rules, 0 macros, 1 lists loaded from 2 files (1 rules compiled); 1 errors" <<<"$out"

set +e
js=$("$WARD" rules validate --json "$D"); rc=$?
set -e
t_check "json error has position" [ "$(json_get 'd["errors"][0]["line"], d["errors"][0]["column"], d["ok"]' <<<"$js")" = "8 36 False" ]

lst=$("$WARD" rules list --json "$D/10-base.yaml")
t_check "list --json fields" [ "$(json_get 'd[0]["name"], d[0]["priority"], d[0]["enabled"], ",".join(d[0]["actions"]), ",".join(d[0]["tags"])' <<<"$lst")" = "Shell spawned Warning True kill,collect shell,T1059" ]
lst=$("$WARD" rules list "$D" 2>/dev/null)
t_check "list text shows disabled rule" grep -Eq "^Shell spawned +Warning +no +kill,collect" <<<"$lst"
t_check "list text marks the rule that failed" grep -Eq "^Typo +Error +error" <<<"$lst"

printf -- '- rule: x\n  condition: [a\n' > "$T_TMP/syntax.yaml"
set +e
out=$("$WARD" rules validate "$T_TMP/syntax.yaml"); rc=$?
set -e
t_check "YAML syntax error exits 1 with position" [ "$rc" = 1 ]
t_check "YAML syntax error message" grep -q "syntax.yaml:3:1: error: YAML syntax error" <<<"$out"

set +e
"$WARD" rules frobnicate >/dev/null 2>&1; rc1=$?
"$WARD" rules validate >/dev/null 2>&1; rc2=$?
"$WARD" rules validate "$T_TMP/does-not-exist.yaml" >/dev/null 2>&1; rc3=$?
set -e
t_check "unknown subcommand exits 2" [ "$rc1" = 2 ]
t_check "validate without files exits 2" [ "$rc2" = 2 ]
t_check "missing file exits 1" [ "$rc3" = 1 ]
t_check "help lists options and an example" bash -c "'$WARD' rules --help | grep -q -- '--json' && '$WARD' rules --help | grep -q 'Example'"
t_done
