#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Hot reload: `ward rules reload` makes a new rule take effect in the running agent; a rule
# set with errors is rejected and the rules already running keep firing. Also: rule
# actions are reported, not run, in detect mode, and run in enforce mode (user-space kill).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/agent_lib.sh"
t_need_root
"$WARD" trace --backend bpf --duration 1 --quiet 2>/dev/null || t_require "the eBPF sensor does not load"

R=$T_TMP/rules; mkdir -p "$R"
cat > "$R/10-a.yaml" <<'Y'
- rule: Marker A Executed
  desc: first rule
  condition: evt.type in (execve, execveat) and proc.name = ward-mark-a
  output: marker a ran (%proc.exepath)
  priority: WARNING
Y
cp /bin/true "$T_TMP/ward-mark-a"; cp /bin/true "$T_TMP/ward-mark-b"
CFG=$T_TMP/ward.yaml; printf 'agent:\n  pidfile: %s\n' "$T_TMP/agent.pid" > "$CFG"
ward_agent_start "$T_TMP/alerts.json" -r "$R" || exit 1

"$T_TMP/ward-mark-a"; "$T_TMP/ward-mark-b"; ward_agent_settle 1
t_check "rule A fires before reload" ward_alerted "Marker A Executed"

cat > "$R/20-b.yaml" <<'Y'
- rule: Marker B Executed
  desc: added while running
  condition: evt.type in (execve, execveat) and proc.name = ward-mark-b
  output: marker b ran (%proc.exepath)
  priority: WARNING
Y
"$WARD" -c "$CFG" rules reload --pidfile "$T_TMP/agent.pid"
t_wait_for "grep -q 'rules: reloaded' $T_TMP/agent.err" 20
"$T_TMP/ward-mark-b"; ward_agent_settle 1
t_check "the new rule fires after reload" ward_alerted "Marker B Executed"

cat > "$R/30-broken.yaml" <<'Y'
- rule: Broken
  desc: refers to a field that does not exist
  condition: proc.no_such_field = 1
  output: never
  priority: WARNING
Y
kill -HUP "$(cat "$T_TMP/agent.pid")"
t_wait_for "grep -q 'reload rejected' $T_TMP/agent.err" 20
t_check "a broken set is rejected, naming the file" grep -q "30-broken.yaml:3" "$T_TMP/agent.err"
before=$(ward_alert_count "Marker A Executed")
"$T_TMP/ward-mark-a"; ward_agent_settle 1
t_check "the running rules keep firing after a rejected reload" test "$(ward_alert_count "Marker A Executed")" -gt "$before"
ward_agent_stop
rm -f "$R/30-broken.yaml"

# actions: reported in detect mode, run in enforce mode
cat > "$R/40-kill.yaml" <<'Y'
- rule: Kill Marker
  desc: kill a marker process
  condition: evt.type in (execve, execveat) and proc.name = ward-kill-me
  output: killing %proc.name
  priority: CRITICAL
  actions: [kill]
Y
cp /bin/sleep "$T_TMP/ward-kill-me"
ward_agent_start "$T_TMP/detect.json" -r "$R" || exit 1
rc=0; timeout 3 "$T_TMP/ward-kill-me" 2 || rc=$?; ward_agent_settle 1; ward_agent_stop
t_check "detect mode: the process lives" test "$rc" -eq 0
t_check "detect mode: the alert says the action was skipped" test \
  "$(jq -r 'select(.rule=="Kill Marker") | .ward.actions[0].result' "$T_TMP/detect.json" | head -n1)" = skipped
printf 'agent:\n  pidfile: %s\nrules:\n  mode: enforce\n' "$T_TMP/agent.pid" > "$CFG"
WARD_AGENT_OUT=$T_TMP/enforce.json
"$WARD" -c "$CFG" agent --json -r "$R" >"$WARD_AGENT_OUT" 2>"$T_TMP/agent.err" &
WARD_AGENT_PID=$!
t_wait_for "grep -q 'sensor: ' $T_TMP/agent.err" 60
# the kill rule is kernel-decidable: its policy reaches the kernel after the /proc snapshot
t_wait_for "grep -q 'kill in the kernel at exec' $T_TMP/agent.err" 60 || true
sleep 1
rc=0; "$T_TMP/ward-kill-me" 30 || rc=$?
ward_agent_settle 1; ward_agent_stop
t_check "enforce mode: the process is killed (status $rc)" test "$rc" -eq 137
t_check "enforce mode: the alert records the kill" test \
  "$(jq -r 'select(.rule=="Kill Marker") | .ward.actions[0].result' "$T_TMP/enforce.json" | head -n1)" = ok
t_done
