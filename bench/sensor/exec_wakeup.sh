#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# What waking the reader at every exec record costs (sensor.exec_wakeup). `ward trace
# --quiet` runs with exec_wakeup true (the default) and false, alternating ROUNDS times; in
# each a fork + execve(/bin/true) + waitpid loop runs ITERS times (bench/respond/exec_kill.c
# `loop`, median of 5 batches), and the kernel's BPF statistics give the run time per call
# of the sensor's sched_exec, sched_fork and sched_exit programs. No agent, no peer: the
# comparison is ward against itself; `none` (no sensor) is the floor.
# Usage: bench/sensor/exec_wakeup.sh [ITERS] [ROUNDS]; env BUILD = build dir with `ward`
# (default build-rel, configured and built here if missing). Needs root.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$SRC/build-rel}
ITERS=${1:-2000}
ROUNDS=${2:-3}
if [ ! -x "$BUILD/ward" ]; then
  CC=clang cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD" -j2 --target ward >/dev/null
fi
OUT=$(mktemp -d /tmp/ward-bench-wakeup.XXXXXX)
. "$SRC/bench/sensor/bpf_stats.sh"
trap bench_cleanup EXIT
clang -O2 -o "$OUT/exec_kill" "$SRC/bench/respond/exec_kill.c"
bpf_stats_on

start_wakeup() { # EXEC_WAKEUP
  printf 'sensor:\n  exec_wakeup: %s\n' "$1" >"$OUT/ward.yaml"
  start_trace "$BUILD/ward" "$OUT/ward.yaml"
}

uname -r; nproc; cat /proc/loadavg
for round in $(seq "$ROUNDS"); do
  echo "== round $round: none ($(cut -d' ' -f1 /proc/loadavg))"
  "$OUT/exec_kill" loop /bin/true "$ITERS"
  for w in true false; do
    echo "== round $round: ward trace, exec_wakeup $w ($(cut -d' ' -f1 /proc/loadavg))"
    start_wakeup "$w"
    "$OUT/exec_kill" loop /bin/true "$ITERS"
    echo "programs: $(prog_ns sched_exec sched_fork sched_exit)"
    stop_trace
    grep -o 'events=[0-9]* drops=[0-9]*' "$OUT/trace.err" | tail -n1
  done
done
