#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Least privilege: the agent runs the whole eBPF sensor with the capabilities docs/sensor.md
# lists (CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN for the cgroup connect programs, CAP_SYS_PTRACE
# and CAP_DAC_READ_SEARCH for /proc of other users) and every other capability dropped
# with capsh, CAP_SYS_ADMIN and CAP_SYS_RESOURCE included, under a 64 KiB RLIMIT_MEMLOCK.
# With only CAP_BPF + CAP_PERFMON it still runs, degraded: the connect kill is off.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/agent_lib.sh"
t_need_root
command -v jq >/dev/null || apt-get install -y -qq jq >/dev/null
command -v capsh >/dev/null || apt-get install -y -qq libcap2-bin >/dev/null
if ! "$WARD" trace --backend bpf --duration 1 --quiet 2>"$T_TMP/probe.err"; then
  cat "$T_TMP/probe.err"
  t_require "the eBPF sensor does not load on this machine"
fi
capsh --supports=cap_bpf 2>/dev/null || t_require "capsh or the kernel lacks CAP_BPF"

# runs the rest with only $1 and a 64 KiB RLIMIT_MEMLOCK (capsh and prlimit exec: the pid
# of a background run is the command's)
run_with() {
  local drop
  drop=$(t_caps_all_but "$1"); shift
  capsh --drop="$drop" -- -c 'exec prlimit --memlock=65536:65536 "$@"' -- "$@"
}
KEEP=cap_bpf,cap_perfmon,cap_net_admin,cap_sys_ptrace,cap_dac_read_search

run_with "$KEEP" "$WARD" doctor --json >"$T_TMP/d.json" 2>"$T_TMP/d.err" || true
caps=$(jq -c .capabilities "$T_TMP/d.json")
t_check "the capability set applied: no CAP_SYS_ADMIN, no CAP_SYS_RESOURCE, CAP_BPF and CAP_PERFMON (got $caps)" \
  jq -e '.capabilities | .CAP_BPF and .CAP_PERFMON and (.CAP_SYS_ADMIN|not) and (.CAP_SYS_RESOURCE|not)' "$T_TMP/d.json"
t_check "RLIMIT_MEMLOCK is 64 KiB (got $(jq -c .limits "$T_TMP/d.json"))" jq -e '.limits.memlock_bytes == 65536' "$T_TMP/d.json"
t_check "doctor: status ok with every program loaded (got $(jq -r .status "$T_TMP/d.json"); not loaded: $(jq -r '[.programs[]|select(.loaded|not)|.name]|join(",")' "$T_TMP/d.json"))" \
  jq -e '.status == "ok" and ([.programs[] | select(.loaded)] | length) == 9' "$T_TMP/d.json"

# the agent with the default rules, under the same set, alerts on a shadow read
OUT=$T_TMP/alerts.json
# some alert (the stream may hold others) is the shadow read by cat
shadow_alerted() {
  [ -n "$(jq -c 'select(.rule=="Sensitive Authentication File Read" and .output_fields["proc.name"]=="cat")' "$OUT" | head -n 1)" ]
}
WARD_AGENT_ERR=$T_TMP/agent.err
DROP=$(t_caps_all_but "$KEEP")
capsh --drop="$DROP" -- -c 'exec prlimit --memlock=65536:65536 "$@"' -- "$WARD" agent --json \
  >"$OUT" 2>"$WARD_AGENT_ERR" &
APID=$!
t_on_exit "kill -KILL $APID 2>/dev/null || true"
t_wait_for "grep -q 'sensor: ' '$WARD_AGENT_ERR'" 60 || { cat "$WARD_AGENT_ERR"; exit 1; }
sleep 1
cat /etc/shadow >/dev/null
t_wait_for "grep -q \"Sensitive Authentication File Read\" \"$OUT\"" 10 || true
kill -INT $APID
# detaching 70 tracepoint links waits for RCU grace periods: seconds, more under ASan
t_wait_for "! kill -0 $APID 2>/dev/null" 120 || { echo "agent still running after 120 s; killing it"; kill -KILL $APID; }
wait $APID || true
cat "$WARD_AGENT_ERR"
t_check "agent runs on eBPF, not degraded (got: $(grep 'sensor:' "$WARD_AGENT_ERR" | head -1 | cut -c1-140))" \
  sh -c "grep -q 'info: sensor: ebpf' '$WARD_AGENT_ERR' && ! grep -q DEGRADED '$WARD_AGENT_ERR'"
t_check "agent alerts on cat /etc/shadow (got rules: $(jq -r .rule "$OUT" 2>/dev/null | sort -u | tr '\n' ';'))" \
  shadow_alerted

# CAP_BPF + CAP_PERFMON alone: the sensor runs, the connect kill (cgroup programs) is off
run_with cap_bpf,cap_perfmon "$WARD" doctor --json >"$T_TMP/d2.json" 2>/dev/null || true
t_check "CAP_BPF+CAP_PERFMON only: degraded, connect kills off, capture programs loaded (got $(jq -c '{status,off}' "$T_TMP/d2.json"))" \
  jq -e '.status=="degraded" and (.off|contains("connect kills")) and ([.programs[]|select(.loaded and (.name|test("^sys_exit$|^sched_")))]|length)==4' "$T_TMP/d2.json"
t_done
