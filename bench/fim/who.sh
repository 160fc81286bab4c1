#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Who-data of `ward fim watch` for short-lived writers: N processes each create one file
# (`sh -c 'echo $$ > FILE'`: the file holds the writer's pid, and the shell exits right
# after its write). Two watchers see the same changes, one with the eBPF sensor join (the
# default) and one with --no-sensor (/proc at event time). Counted per watcher: events
# whose process has the writer's pid and name "sh", and which source filled them.
# Needs root and eBPF. Usage: bench/fim/who.sh [N] (default 1000); env WARD = ward binary.
set -euo pipefail
N=${1:-1000}
WARD=${WARD:-$(cd "$(dirname "$0")/../.." && pwd)/build/ward}
W=$(mktemp -d /tmp/ward-bench-who.XXXXXX)
D=$W/tree
mkdir -p "$D"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -INT "$p" 2>/dev/null || true; done; rm -rf "$W"; }
trap cleanup EXIT

"$WARD" fim watch --path "$D" --json --window 200 >"$W/sensor.json" 2>"$W/sensor.err" &
pids+=($!)
"$WARD" fim watch --path "$D" --json --window 200 --no-sensor >"$W/proc.json" 2>"$W/proc.err" &
pids+=($!)
for _ in $(seq 600); do
	grep -q watching "$W/sensor.err" 2>/dev/null && grep -q watching "$W/proc.err" 2>/dev/null && break
	sleep 0.1
done
grep -q 'who-data from the eBPF sensor' "$W/sensor.err" || { cat "$W/sensor.err"; echo "the sensor did not start" >&2; exit 2; }

start=$(date +%s.%N)
for i in $(seq "$N"); do sh -c 'echo $$ >"$1"' sh "$D/f$i"; done
secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
sleep 2 # the last windows close
for p in "${pids[@]}"; do kill -INT "$p"; wait "$p" 2>/dev/null || true; done
pids=()

# expected: path -> pid
for i in $(seq "$N"); do printf '%s\t%s\n' "$D/f$i" "$(cat "$D/f$i")"; done >"$W/expect.tsv"
count() {
	jq -r 'select(.path | test("/f[0-9]+$")) | select(.events | index("create")) |
	       [.path, .process.pid, (.process.name // ""), .who_source] | @tsv' "$1" |
	awk -F'\t' 'NR == FNR { want[$1] = $2; next }
		    { seen++; src[$4]++ } $2 == want[$1] && $3 == "sh" { ok++ }
		    END { printf "%d events, %d with the writer'"'"'s pid and name;", seen, ok;
			  for (s in src) printf " %s %d", s, src[s]; printf "\n" }' "$W/expect.tsv" -
}
echo "$N short-lived writers in ${secs}s ($(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
echo "sensor join: $(count "$W/sensor.json")"
echo "/proc only:  $(count "$W/proc.json")"
