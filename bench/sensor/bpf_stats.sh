# SPDX-License-Identifier: Apache-2.0
# Sourced by bench/sensor/exec_wakeup.sh and prog_cost.sh: the kernel's BPF run-time
# statistics around a `ward trace --quiet` run. Needs OUT (a scratch dir) and root.

TRACE=
STATS_WAS=$(cat /proc/sys/kernel/bpf_stats_enabled)

# Statistics on for the run; call bench_cleanup from the EXIT trap to restore them.
bpf_stats_on() { echo 1 >/proc/sys/kernel/bpf_stats_enabled; }

start_trace() { # WARD_BINARY [CONFIG]: ward trace --quiet, back once its sensor is up
  if [ -n "${2:-}" ]; then
    "$1" -c "$2" trace --quiet >/dev/null 2>"$OUT/trace.err" &
  else
    "$1" trace --quiet >/dev/null 2>"$OUT/trace.err" &
  fi
  TRACE=$!
  for _ in $(seq 600); do grep -q 'sensor: ' "$OUT/trace.err" && break; sleep 0.1; done
  sleep 1
}

stop_trace() { [ -n "$TRACE" ] && kill -INT "$TRACE" 2>/dev/null && wait "$TRACE" 2>/dev/null; TRACE=; }

bench_cleanup() { stop_trace; echo "$STATS_WAS" >/proc/sys/kernel/bpf_stats_enabled; rm -rf "$OUT"; }

prog_ns() { # NAME...: ns per call of the newest loaded program of each name (the trace just started)
  bpftool prog show --json 2>/dev/null | python3 -c '
import json,sys
want = set(sys.argv[1:])
last = {}
for p in json.load(sys.stdin):
    if p.get("name") in want:
        last[p["name"]] = p
print(", ".join("%s %.0f ns x %d" % (n, p.get("run_time_ns", 0) / max(p.get("run_cnt", 0), 1), p.get("run_cnt", 0))
                for n, p in sorted(last.items())))' "$@"
}
