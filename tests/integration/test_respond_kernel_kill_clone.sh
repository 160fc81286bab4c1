#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# In-kernel kill of process creation with namespace flags (issue 4): a rule on
# `evt.type in (clone, clone3) and evt.arg.flags contains CLONE_NEWUTS` kills the caller at
# sys_enter of clone/clone3. The SIGKILL is pending before copy_process runs, so the kernel
# refuses to fork: the child never runs (its marker never appears). The same program doing a
# plain fork (clone without namespace flags) lives, and so does its child.
# Marker program: respond/kkprobe.c, copied under pid-suffixed names (the only comms the
# rule matches).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/agent_lib.sh"
t_need_root
command -v cc >/dev/null || t_require "no C compiler"
command -v jq >/dev/null || t_require "jq is not installed"
"$WARD" trace --backend bpf --duration 1 --quiet 2>/dev/null || t_require "the eBPF sensor does not load"

cc -O2 -o "$T_TMP/kkprobe" "$(dirname "$0")/respond/kkprobe.c" || t_require "cannot build the probe"
S=$$
N=kkn$S
cp "$T_TMP/kkprobe" "$T_TMP/$N"

R=$T_TMP/rules; mkdir -p "$R"
cat >"$R/kk.yaml" <<Y
- rule: KK clone ns
  desc: marker program creates a process in a new UTS namespace
  condition: evt.type in (clone, clone3) and evt.arg.flags contains CLONE_NEWUTS and proc.name = $N
  output: kk clone (%proc.name %evt.arg.flags)
  priority: CRITICAL
  actions: [kill]
Y
printf 'rules:\n  mode: enforce\n' >"$T_TMP/ward.yaml"
WARD_AGENT_OUT=$T_TMP/a.json
WARD_AGENT_ERR=$T_TMP/a.err
"$WARD" -c "$T_TMP/ward.yaml" agent --json --pidfile "$T_TMP/agent.pid" -r "$R" \
  >"$WARD_AGENT_OUT" 2>"$WARD_AGENT_ERR" &
WARD_AGENT_PID=$!
t_on_exit "ward_agent_stop"
t_wait_for "grep -q 'kill in the kernel at exec' '$WARD_AGENT_ERR'" 60 || { cat "$WARD_AGENT_ERR"; exit 1; }
sleep 1
t_check "clone policy installed" grep -q "rule(s) kill in the kernel at syscalls (clone 1)" "$WARD_AGENT_ERR"

for m in ns ns3; do
  rc=0; "$T_TMP/$N" $m "$T_TMP/m-$m" || rc=$?
  t_check "$m: the caller died of SIGKILL (status $rc)" test "$rc" = 137
  t_check "$m: the caller never returned to user space" test ! -e "$T_TMP/m-$m"
  sleep 0.3
  t_check "$m: no child ran (the kernel refused to fork)" test ! -e "$T_TMP/m-$m.child"
done
rc=0; "$T_TMP/$N" fork "$T_TMP/m-fork" || rc=$?
t_check "fork without namespace flags: lives (status $rc)" test "$rc" = 0
t_check "fork: the caller's marker" grep -q "^fork$" "$T_TMP/m-fork"
t_check "fork: the child ran" grep -q "^child$" "$T_TMP/m-fork.child"
ward_agent_settle 1
ward_agent_stop
t_check "two kill alerts (clone, clone3)" test \
  "$(jq -c 'select(.rule=="KK clone ns") | .ward.actions[] | select(.action=="kill" and .result=="ok")' "$T_TMP/a.json" | grep -c 'killed in kernel at clone')" = 2
t_check "the alert shows the flags" test \
  "$(jq -r 'select(.rule=="KK clone ns") | .output' "$T_TMP/a.json" | grep -c CLONE_NEWUTS)" = 2
t_check "the alert says no child was created" \
  bash -c "jq -r 'select(.rule==\"KK clone ns\") | .ward.actions[].detail' '$T_TMP/a.json' | grep -q 'no child was created'"
t_check "no alert for the plain fork" test \
  "$(jq -r 'select(.rule=="KK clone ns") | .output' "$T_TMP/a.json" | grep -vc CLONE_NEWUTS)" = 0
t_check "no user-space kill was attempted" bash -c "! grep -q 'user-space SIGKILL' '$T_TMP/a.json'"
t_done
