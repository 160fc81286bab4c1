#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# In-kernel kill latency at connect and open (see sys_kill.c): the real agent (release
# build) in detect mode with two rules carrying `mode: enforce`:
#   evt.type = connect and fd.sip = 127.0.0.1 and fd.sport = PORT and proc.name = wkbsys
#   evt.type in (open, openat) and fd.name = FILE and proc.name = wkbsys
# Usage: bench/respond/sys_kill.sh [TRIALS]; env BUILD = build dir with `ward` (default
# build). Needs root.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$SRC/build}
TRIALS=${1:-1000}
OUT=$(mktemp -d /tmp/ward-bench-syskill.XXXXXX)
AGENT=
stop_agent() { [ -n "$AGENT" ] && kill -INT "$AGENT" 2>/dev/null && wait "$AGENT" 2>/dev/null; AGENT=; }
trap 'stop_agent; rm -rf "$OUT"' EXIT
clang -O2 -o "$OUT/wkbsys" "$SRC/bench/respond/sys_kill.c"
PORT=$((30000 + $$ % 20000))
echo x >"$OUT/secret"
cat >"$OUT/rules.yaml" <<Y
- rule: Bench connect kill
  desc: bench
  condition: evt.type = connect and fd.sip = 127.0.0.1 and fd.sport = $PORT and proc.name = wkbsys
  output: bench %fd.name
  priority: CRITICAL
  actions: [kill]
  mode: enforce
- rule: Bench open kill
  desc: bench
  condition: evt.type in (open, openat) and fd.name = $OUT/secret and proc.name = wkbsys
  output: bench %fd.name
  priority: CRITICAL
  actions: [kill]
  mode: enforce
Y
printf 'rules:\n  mode: detect\n  rate_limit_per_min: 1000000\nrespond:\n  rate_limit_per_min: 0\n' >"$OUT/ward.yaml"
uname -r; nproc; cat /proc/loadavg
"$BUILD/ward" -c "$OUT/ward.yaml" agent --json --pidfile "$OUT/agent.pid" -r "$OUT/rules.yaml" \
  >"$OUT/alerts.json" 2>"$OUT/agent.err" &
AGENT=$!
for _ in $(seq 600); do grep -q 'kill in the kernel at syscalls' "$OUT/agent.err" && break; sleep 0.1; done
grep 'kill in the kernel' "$OUT/agent.err"
sleep 1
"$OUT/wkbsys" connect 127.0.0.1 "$PORT" "$TRIALS"
"$OUT/wkbsys" open "$OUT/secret" "$TRIALS"
stop_agent
echo "== without the agent (the syscall returns)"
"$OUT/wkbsys" connect 127.0.0.1 "$PORT" 100
"$OUT/wkbsys" open "$OUT/secret" 100
