#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# In-kernel vs user-space kill latency at exec, and the cost of kill policies on a fork+exec
# workload (see exec_kill.c). Runs the real agent (release build) in enforce mode:
#   kernel:     evt.type in (execve, execveat) and proc.name = ward-kk-target
#               -> kernel-decidable: SIGKILL from sched_process_exec
#   kernel by path: evt.type in (execve, execveat) and proc.exepath = <the target's path>
#               -> kernel-decidable: the exec-path policy, same hook, after the path walk
#   user space: the same plus `proc.exepath startswith /` (always true for this target, but
#               not a test the kernel decides) -> pidfd kill after the event arrives
#   cost:       33 kernel-decidable kill rules (one on the comm "true" with a parent that
#               never matches, so every exec of /bin/true does the full map check) loaded
#               (enforce) vs the same rules in detect mode (no policies), and no agent.
# Usage: bench/respond/kernel_kill.sh [TRIALS] [ITERS]; env BUILD = build dir with `ward`
# (default build-kkill-rel, configured and built here if missing). Needs root.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$SRC/build-kkill-rel}
TRIALS=${1:-1000}
ITERS=${2:-5000}
if [ ! -x "$BUILD/ward" ]; then
  CC=clang cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD" -j2 --target ward >/dev/null
fi
OUT=$(mktemp -d /tmp/ward-bench-kkill.XXXXXX)
AGENT=
stop_agent() { [ -n "$AGENT" ] && kill -INT "$AGENT" 2>/dev/null && wait "$AGENT" 2>/dev/null; AGENT=; }
trap 'stop_agent; rm -rf "$OUT"' EXIT
clang -O2 -o "$OUT/exec_kill" "$SRC/bench/respond/exec_kill.c"
# the target: writes a byte to fd 3 as soon as its main() runs, then sleeps
printf '#include <unistd.h>\nint main(void){(void)!write(3, "x", 1); sleep(5); return 0;}\n' >"$OUT/target.c"
clang -O2 -static -o "$OUT/ward-kk-target" "$OUT/target.c"

rule() { # NAME CONDITION
  printf -- '- rule: %s\n  desc: bench\n  condition: %s\n  output: bench %%proc.name\n  priority: CRITICAL\n  actions: [kill]\n' "$1" "$2"
}
start_agent() { # MODE RULES
  printf 'rules:\n  mode: %s\n  rate_limit_per_min: 1000000\nrespond:\n  rate_limit_per_min: 0\n' "$1" >"$OUT/ward.yaml"
  "$BUILD/ward" -c "$OUT/ward.yaml" agent --json --pidfile "$OUT/agent.pid" -r "$2" \
    >"$OUT/alerts.json" 2>"$OUT/agent.err" &
  AGENT=$!
  for _ in $(seq 600); do grep -q 'sensor: ' "$OUT/agent.err" && break; sleep 0.1; done
  sleep 1
  grep 'kill in the kernel' "$OUT/agent.err" || true
}

uname -r; nproc; cat /proc/loadavg
rule "Bench Kernel Kill" "evt.type in (execve, execveat) and proc.name = ward-kk-target" >"$OUT/kernel.yaml"
rule "Bench Path Kill" "evt.type in (execve, execveat) and proc.exepath = $OUT/ward-kk-target" >"$OUT/path.yaml"
rule "Bench User Kill" "evt.type in (execve, execveat) and proc.name = ward-kk-target and proc.exepath startswith /" >"$OUT/user.yaml"
{
  for i in $(seq -w 0 31); do rule "Bench Cost $i" "evt.type in (execve, execveat) and proc.name = wk-none-$i and proc.pname in (a$i, b$i)"; done
  rule "Bench Cost true" "evt.type in (execve, execveat) and proc.name = true and proc.pname = ward-nobody"
} >"$OUT/cost.yaml"

echo "== baseline: exec of a static program that exits at once (no agent)"
printf '#include <unistd.h>\nint main(void){(void)!write(3, "x", 1); return 0;}\n' >"$OUT/quick.c"
clang -O2 -static -o "$OUT/quick" "$OUT/quick.c"
"$OUT/exec_kill" baseline "$OUT/quick" "$TRIALS"
echo "== in-kernel kill (enforce, kernel-decidable rule)"
start_agent enforce "$OUT/kernel.yaml"
"$OUT/exec_kill" latency "$OUT/ward-kk-target" "$TRIALS"
stop_agent
echo "== in-kernel kill by path (enforce, proc.exepath = the target)"
start_agent enforce "$OUT/path.yaml"
"$OUT/exec_kill" latency "$OUT/ward-kk-target" "$TRIALS"
stop_agent
echo "== user-space kill (enforce, rule not kernel-decidable)"
start_agent enforce "$OUT/user.yaml"
"$OUT/exec_kill" latency "$OUT/ward-kk-target" "$TRIALS"
stop_agent

# The sched_process_exec program's own run time per exec, from the kernel's BPF run-time
# statistics (enabled for the measurement, restored afterwards), then the wall-clock cost of
# a fork+exec loop; detect (no policies) and enforce (33 policies) alternate ROUNDS times.
prog_ns() { # average ns per run of the agent's sched_exec program
  bpftool prog show --json 2>/dev/null | python3 -c '
import json,sys
for p in json.load(sys.stdin):
    if p.get("name")=="sched_exec" and p.get("run_cnt"):
        print("%.0f ns/exec over %d execs" % (p["run_time_ns"]/p["run_cnt"], p["run_cnt"]))'
}
STATS_WAS=$(cat /proc/sys/kernel/bpf_stats_enabled)
trap 'stop_agent; echo "$STATS_WAS" >/proc/sys/kernel/bpf_stats_enabled; rm -rf "$OUT"' EXIT
echo 1 >/proc/sys/kernel/bpf_stats_enabled
for round in 1 2 3; do
  for mode in detect enforce; do
    echo "== round $round, fork+exec cost: agent, 33 kill rules, $mode ($(cut -d' ' -f1 /proc/loadavg))"
    start_agent $mode "$OUT/cost.yaml"
    "$OUT/exec_kill" loop /bin/true "$ITERS"
    echo "sched_exec: $(prog_ns)"
    stop_agent
  done
done
