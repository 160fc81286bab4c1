#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Rules engine on a real capture: `ward agent --replay CAP` (one thread evaluates) with the
# default rules, the Falco stable rules, and a file with zero rules (the replay floor:
# reading, decoding and the process table). Rates are events per CPU second (user + sys of
# the whole process, from /usr/bin/time); "rules only" subtracts the floor's CPU time.
# Best of RUNS runs (the least disturbed by other load). Alerts go to /dev/null.
# Usage: bench/rules/replay.sh WARD CAP ; env RUNS (default 3).
# Record a capture first (root), while a syscall-heavy workload runs:
#   ward trace --quiet --write CAP --duration 90
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
WARD=$1
CAP=$2
RUNS=${RUNS:-3}
OUT=$(mktemp -d /tmp/ward-bench-replay.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
printf -- '- list: ward_bench_no_rules\n  items: []\n' >"$OUT/empty.yaml"

# run NAME RULES...: prints "events cpu_s rss_kib alerts" of the fastest run
run() {
	local best="" args=()
	for r in "${@:2}"; do args+=(-r "$r"); done
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -v "$WARD" agent --replay "$CAP" "${args[@]}" --json >/dev/null 2>"$OUT/err"
		local ev cpu rss al
		ev=$(sed -n 's/.*agent: \([0-9]*\) events evaluated.*/\1/p' "$OUT/err")
		al=$(sed -n 's/.*events evaluated, \([0-9]*\) alerts.*/\1/p' "$OUT/err")
		cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$OUT/err")
		rss=$(awk -F': ' '/Maximum resident/ { print $2 }' "$OUT/err")
		if [ -z "$best" ] || awk -v a="$cpu" -v b="$(echo "$best" | cut -d' ' -f2)" \
			'BEGIN { exit !(a < b) }'; then
			best="$ev $cpu $rss $al"
		fi
	done
	echo "$best"
}

echo "kernel $(uname -r), $(nproc) cores, capture $CAP ($(du -h "$CAP" | cut -f1))"
read -r fev fcpu frss _ <<<"$(run floor "$OUT/empty.yaml")"
printf '%-28s events=%s cpu=%ss rate=%.2fM/s rss=%sKiB\n' "floor (zero rules)" "$fev" "$fcpu" \
	"$(awk -v e="$fev" -v c="$fcpu" 'BEGIN { print e / c / 1e6 }')" "$frss"
report() {
	local name=$1 ev cpu rss al
	shift
	read -r ev cpu rss al <<<"$(run "$name" "$@")"
	printf '%-28s events=%s alerts=%s cpu=%ss raw=%.2fM/s rules-only=%.2fM/s rss=%sKiB\n' "$name" \
		"$ev" "$al" "$cpu" "$(awk -v e="$ev" -v c="$cpu" 'BEGIN { print e / c / 1e6 }')" \
		"$(awk -v e="$ev" -v c="$cpu" -v f="$fcpu" 'BEGIN { d = c - f; if (d <= 0) print 0; else print e / d / 1e6 }')" \
		"$rss"
}
report "default (rules/)" "$SRC/rules"
FALCO="$SRC/../shared/compat/falco_rules.yaml"
if [ -f "$FALCO" ]; then
	report "Falco stable" "$FALCO"
	report "default + Falco" "$SRC/rules" "$FALCO"
fi
