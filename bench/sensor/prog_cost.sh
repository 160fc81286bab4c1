#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Per-call CPU cost of the sensor's BPF programs, two builds side by side: `ward trace
# --quiet` from build A, then from build B, alternating ROUNDS times, each under the same
# workload (a fork + execve(/bin/true) + waitpid loop of ITERS, bench/respond/exec_kill.c,
# then ITERS*10 open/close pairs of one file); the kernel's BPF run-time statistics give
# ns per call of sched_exec, sched_fork, sched_exit and sys_exit (the syscall exits ward
# captures). Used to compare a change to the programs with the tree before it.
# Usage: bench/sensor/prog_cost.sh BUILD_A BUILD_B [ITERS] [ROUNDS]; each BUILD holds `ward`.
# Needs root.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
A=${1:?build dir A}; B=${2:?build dir B}
ITERS=${3:-2000}
ROUNDS=${4:-3}
OUT=$(mktemp -d /tmp/ward-bench-progcost.XXXXXX)
. "$SRC/bench/sensor/bpf_stats.sh"
trap bench_cleanup EXIT
clang -O2 -o "$OUT/exec_kill" "$SRC/bench/respond/exec_kill.c"
cat >"$OUT/opens.c" <<'C'
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[2]) : 0;

	for (long i = 0; i < n; i++) {
		int fd = open(argv[1], O_RDONLY);

		if (fd < 0)
			return 1;
		close(fd);
	}
	return 0;
}
C
clang -O2 -o "$OUT/opens" "$OUT/opens.c"
echo x >"$OUT/file"
bpf_stats_on

uname -r; nproc; cat /proc/loadavg
for round in $(seq "$ROUNDS"); do
  for side in A B; do
    dir=$A; [ "$side" = B ] && dir=$B
    echo "== round $round: $side ($dir, load $(cut -d' ' -f1 /proc/loadavg))"
    start_trace "$dir/ward"
    "$OUT/exec_kill" loop /bin/true "$ITERS" >/dev/null
    "$OUT/opens" "$OUT/file" $((ITERS * 10))
    echo "programs: $(prog_ns sched_exec sched_fork sched_exit sys_exit)"
    stop_trace
  done
done
