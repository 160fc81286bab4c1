#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The agent fails closed on its rules (docs/rules.md, "When rules fail"): a rule file that
# does not load or a rule that does not compile refuses the start with exit 1, naming the
# file and line; --allow-partial-rules (or config rules.allow_partial) starts with the rules
# that compile; a set where no rule compiles never starts. Replays a synthetic capture, so
# no eBPF sensor is needed.
. "$(dirname "$0")/lib.sh"

R=$T_TMP/rules; mkdir -p "$R/one" "$R/two" "$R/empty"
cat > "$R/one/bad.yaml" <<'Y'
- rule: Broken Field
  desc: refers to a field that does not exist
  condition: evt.type = init_module and proc.no_such_field = 1
  output: never
  priority: WARNING
Y
cat > "$R/two/10-good.yaml" <<'Y'
- rule: Module Marker
  desc: compiles
  condition: evt.type in (init_module, finit_module) and evt.dir = <
  output: module loaded by %proc.name
  priority: WARNING
Y
# a YAML syntax error: the whole file fails to load
printf -- '- rule: Unclosed\n  condition: [evt.type = open\n' > "$R/two/20-broken.yaml"
python3 "$WARD_SRC/tests/integration/alert/burst_capture.py" "$T_TMP/b.cap" 5

agent() { "$WARD" -c "${CFG:-/dev/null}" agent --pidfile '' --json --replay "$T_TMP/b.cap" "$@"; }

# 1. no rule compiles
rc=0; agent -r "$R/one" >"$T_TMP/1.out" 2>"$T_TMP/1.err" || rc=$?
cat "$T_TMP/1.err"
t_check "no rule compiles: exit 1 (rc=$rc)" test "$rc" -eq 1
t_check "it names the failed rule's file and line" grep -q "bad.yaml:3:.*Broken Field.*no_such_field" "$T_TMP/1.err"
t_check "it says no rule compiled" grep -q "refusing to start: no rule compiled" "$T_TMP/1.err"
t_check "it evaluated nothing" bash -c "! grep -q 'events evaluated' $T_TMP/1.err"
rc=0; agent --allow-partial-rules -r "$R/one" >/dev/null 2>"$T_TMP/1p.err" || rc=$?
t_check "no rule compiles: --allow-partial-rules still exits 1 (rc=$rc)" test "$rc" -eq 1
t_check "and says why" grep -q "refusing to start: no rule compiled" "$T_TMP/1p.err"

# 2. one file of two fails to load
rc=0; agent -r "$R/two" >"$T_TMP/2.out" 2>"$T_TMP/2.err" || rc=$?
cat "$T_TMP/2.err"
t_check "one file of two fails: exit 1 (rc=$rc)" test "$rc" -eq 1
t_check "it names the file that failed" grep -q "refusing to start: 1 error(s) in $R/two/20-broken.yaml (1 of 1 rules compiled)" "$T_TMP/2.err"
t_check "it names the line" grep -q "20-broken.yaml:[0-9]*:[0-9]*:" "$T_TMP/2.err"
t_check "it says how to run anyway" grep -q -- "--allow-partial-rules" "$T_TMP/2.err"
t_check "no alert was sent" test ! -s "$T_TMP/2.out"

# 3. the same with partial rules allowed: starts, warns, and the good rule alerts
rc=0; agent --allow-partial-rules -r "$R/two" >"$T_TMP/3.out" 2>"$T_TMP/3.err" || rc=$?
cat "$T_TMP/3.err"
t_check "--allow-partial-rules: exit 0 (rc=$rc)" test "$rc" -eq 0
t_check "it warns, naming the file" grep -q "warn: rules: 1 error(s) in $R/two/20-broken.yaml: running with the 1 of 1 rules" "$T_TMP/3.err"
t_check "the rule that compiled alerts on each of the 5 loads" \
  test "$(jq -r 'select(.rule=="Module Marker") | .rule' "$T_TMP/3.out" | wc -l)" -eq 5

# 4. the config key does what the flag does
printf 'rules:\n  allow_partial: true\n' >"$T_TMP/partial.yaml"
rc=0; CFG=$T_TMP/partial.yaml agent -r "$R/two" >"$T_TMP/4.out" 2>"$T_TMP/4.err" || rc=$?
t_check "config rules.allow_partial: true starts too (rc=$rc)" test "$rc" -eq 0
t_check "and alerts" test "$(jq -r 'select(.rule=="Module Marker") | .rule' "$T_TMP/4.out" | wc -l)" -eq 5

# 5. no rules at all (an empty directory) is refused as well, with or without the flag
rc=0; agent --allow-partial-rules -r "$R/empty" >/dev/null 2>"$T_TMP/5.err" || rc=$?
cat "$T_TMP/5.err"
t_check "an empty rule directory: exit 1 (rc=$rc)" test "$rc" -eq 1
t_check "it says no rule compiled" grep -q "no rule compiled (0 rule(s) in 0 file(s)" "$T_TMP/5.err"

# 6. the shipped rules start as they are (what make run, the systemd unit and the image use)
rc=0; agent -r "$WARD_SRC/rules" >"$T_TMP/6.out" 2>"$T_TMP/6.err" || rc=$?
t_check "the default rules start without --allow-partial-rules (rc=$rc)" test "$rc" -eq 0
t_check "and alert" grep -q '"Kernel Module Loaded"' "$T_TMP/6.out"
t_done
