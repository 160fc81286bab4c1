#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# What the agent says when it stops, on synthetic captures (no eBPF sensor needed):
#  - a live start that fails (here: the bpf backend with an invalid sensor.ring_kb, refused
#    before anything loads) exits 1 and does not claim replay counters
#  - alerts held back by the rate limiter after the last alert that passed are reported at
#    exit (they reached only the metrics)
#  - drops_since_last summed over the alerts equals the drop counter: an alert whose event
#    follows a loss is marked events_dropped without inventing a count
. "$(dirname "$0")/lib.sh"
R="$WARD_SRC/rules"

printf 'sensor:\n  backend: bpf\n  ring_kb: 3\n' >"$T_TMP/bad.yaml"
rc=0; "$WARD" -c "$T_TMP/bad.yaml" agent --pidfile '' -r "$R" -d 1 >/dev/null 2>"$T_TMP/live.err" || rc=$?
cat "$T_TMP/live.err"
t_check "a failed live start exits 1" test "$rc" -eq 1
t_check "it does not print replay counters" bash -c "! grep -q 'counters: replay' $T_TMP/live.err"
t_check "it says the sensor did not start" grep -q "counters: none (the sensor did not start)" "$T_TMP/live.err"

# 50 identical alerts, 10 per minute: 10 pass, 40 are held back after the last one passed
python3 "$WARD_SRC/tests/integration/alert/burst_capture.py" "$T_TMP/b.cap" 50 --drops
printf 'rules:\n  rate_limit_per_min: 10\nmetrics:\n  file: %s\n' "$T_TMP/m.prom" >"$T_TMP/rl.yaml"
"$WARD" -c "$T_TMP/rl.yaml" agent --json --replay "$T_TMP/b.cap" -r "$R" >"$T_TMP/a.json" 2>"$T_TMP/a.err"
cat "$T_TMP/a.err"
t_check "10 alerts pass the rate limiter" test "$(wc -l <"$T_TMP/a.json")" -eq 10
t_check "the metrics count 40 suppressed" grep -qx "ward_alerts_suppressed_total 40" "$T_TMP/m.prom"
t_check "the exit summary reports the 40 suppressed" grep -q "10 alerts sent, 40 suppressed by rate limiting" "$T_TMP/a.err"
t_check "the exit names the rule whose 40 were never reported in an alert" \
  grep -q "rate limiting held back 40 alert(s) of rule \"Kernel Module Loaded\" (workload /usr/bin/kmod) after its last alert" "$T_TMP/a.err"

# every event of the capture follows a loss; a replay has no kernel drop counter (0)
sum=$(jq -s 'map(.ward.drops_since_last) | add' "$T_TMP/a.json")
t_check "drops_since_last sums to the drop counter (0 in a replay), got $sum" test "$sum" -eq 0
t_check "each alert still says events were dropped before it" \
  test "$(jq -s 'map(select(.ward.events_dropped)) | length' "$T_TMP/a.json")" -eq 10
t_done
