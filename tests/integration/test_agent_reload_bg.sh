#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A SIGHUP reload compiles on the reloader's thread while the event thread keeps alerting
# with the running rules (docs/rules.md, "Reloading"). The test hook WARD_TEST_RELOAD_GATE
# holds every compile until the gate file exists, so "the reload is still compiling" is a
# fact of the test, not a race (the worker logs when it waits there): alerts that arrive while the gate is shut were evaluated
# during the reload. Checks, in order: alerts keep arriving during a held reload and the new
# rule is not yet in force; SIGHUPs during a compile coalesce into one more compile; the new
# rules take effect after the swap; a reload with errors (held, then rejected) keeps the old
# rules; stopping the agent during a held reload exits 0 at once (no leak under ASan, no race
# under TSan: label threads).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/agent_lib.sh"
t_need_root
"$WARD" trace --backend bpf --duration 1 --quiet 2>/dev/null || t_require "the eBPF sensor does not load"

R=$T_TMP/rules; mkdir -p "$R"
GATE=$T_TMP/gate
cat > "$R/10-a.yaml" <<'Y'
- rule: Marker A Executed
  desc: the running rule
  condition: evt.type in (execve, execveat) and proc.name = ward-mark-a
  output: marker a ran (%proc.exepath)
  priority: WARNING
Y
cp /bin/true "$T_TMP/ward-mark-a"; cp /bin/true "$T_TMP/ward-mark-b"
ERR=$T_TMP/agent.err
nlines() { grep -c -- "$1" "$ERR" 2>/dev/null || true; }
count_a() { ward_alert_count "Marker A Executed"; }

export WARD_TEST_RELOAD_GATE=$GATE
ward_agent_start "$T_TMP/alerts.json" -r "$R" || exit 1
"$T_TMP/ward-mark-a"
t_check "rule A fires before any reload" t_wait_for "ward_alerted 'Marker A Executed'" 20

# 1. a reload held in its compile: the running rules keep alerting
cat > "$R/20-b.yaml" <<'Y'
- rule: Marker B Executed
  desc: added while running
  condition: evt.type in (execve, execveat) and proc.name = ward-mark-b
  output: marker b ran (%proc.exepath)
  priority: WARNING
Y
kill -HUP "$WARD_AGENT_PID"
t_check "the agent says the reload compiles in the background" \
  t_wait_for "grep -q 'rules: reloading in the background' $ERR" 20
before=$(count_a)
"$T_TMP/ward-mark-a"; "$T_TMP/ward-mark-b"
t_check "an alert of the running rules arrives while the reload is compiling" \
  t_wait_for "[ \$(count_a) -gt $before ]" 20
t_check "the reload has not finished (the gate is shut)" test "$(nlines 'rules: reloaded')" -eq 0
t_check "the new rule is not in force before the swap" ward_not_alerted "Marker B Executed"

# 2. two more SIGHUPs while it compiles (the worker is at the gate): one more compile, not two
t_wait_for "[ \$(nlines 'test hook: the reload compile waits') -ge 1 ]" 20
for i in 1 2; do
  kill -HUP "$WARD_AGENT_PID"
  t_wait_for "[ \$(nlines 'reload requested while one is compiling') -ge $i ]" 20
done
t_check "both SIGHUPs during the compile were seen" test "$(nlines 'reload requested while one is compiling')" -eq 2

# 3. open the gate: the set compiles, is swapped in, then the coalesced request compiles once
touch "$GATE"
t_check "the reload finishes, then the coalesced one" t_wait_for "[ \$(nlines 'rules: reloaded') -ge 2 ]" 20
"$T_TMP/ward-mark-b"
t_check "the new rule fires after the swap" t_wait_for "ward_alerted 'Marker B Executed'" 20
t_check "three SIGHUPs made exactly two compiles" test "$(nlines 'rules: reloaded')" -eq 2
t_check "and two '2 rules' summaries after the first load's one" test "$(nlines 'rules: 2 rules (2 compiled)')" -eq 2

# 4. a reload with errors, held then rejected: the old rules stay, and alert meanwhile
rm -f "$GATE"
cat > "$R/30-broken.yaml" <<'Y'
- rule: Broken
  desc: refers to a field that does not exist
  condition: proc.no_such_field = 1
  output: never
  priority: WARNING
Y
kill -HUP "$WARD_AGENT_PID"
t_wait_for "[ \$(nlines 'rules: reloading in the background') -ge 2 ]" 20
before=$(count_a)
"$T_TMP/ward-mark-a"
t_check "alerts arrive while the broken set compiles" t_wait_for "[ \$(count_a) -gt $before ]" 20
touch "$GATE"
t_check "the broken set is rejected" t_wait_for "grep -q 'reload rejected' $ERR" 20
t_check "the rejection names the file and line" grep -q "30-broken.yaml:3:.*no_such_field" "$ERR"
t_check "it says the running rules stay" grep -q "reload rejected: .*the running rules stay in force" "$ERR"
before=$(count_a); beforeb=$(ward_alert_count "Marker B Executed")
"$T_TMP/ward-mark-a"; "$T_TMP/ward-mark-b"
t_check "rule A still fires after the rejected reload" t_wait_for "[ \$(count_a) -gt $before ]" 20
t_check "rule B still fires after the rejected reload" \
  t_wait_for "[ \$(ward_alert_count 'Marker B Executed') -gt $beforeb ]" 20

# 5. stop while a reload is held: the agent exits 0 promptly (the worker is joined, the
# unfinished reload dropped); under ASan a leak, under TSan a race, would fail the exit
rm -f "$GATE" "$R/30-broken.yaml"
kill -HUP "$WARD_AGENT_PID"
t_wait_for "[ \$(nlines 'test hook: the reload compile waits') -ge 4 ]" 20
pid=$WARD_AGENT_PID; WARD_AGENT_PID=
kill -INT "$pid"
rc=0; wait "$pid" || rc=$?
[ "$rc" -eq 0 ] || tail -n 40 "$ERR"
t_check "stopping during a held reload exits 0 (rc=$rc)" test "$rc" -eq 0
t_check "it says the reload was cancelled" grep -q "cancelling the reload being compiled" "$ERR"
t_check "it still prints the exit summary" grep -q "events evaluated" "$ERR"
t_done
