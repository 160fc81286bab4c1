#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Agent shutdown with a hung webhook receiver (accepts, never answers): the flush deadline
# drops what it cannot deliver, and the webhook must free each queued body exactly once (it
# freed them twice: SIGABRT under ASan, a heap corruption without). Runs on a synthetic
# capture (tests/integration/alert/burst_capture.py), no eBPF sensor needed. Every alert is
# accounted for: sent + failed + dropped = raised. The metrics file holds the final event
# and alert counts as soon as detection stops, before the slow flush, so a stop that the
# flush makes last (or that is cut short by a kill) still leaves the totals.
. "$(dirname "$0")/lib.sh"
N=20
python3 "$WARD_SRC/tests/integration/alert/burst_capture.py" "$T_TMP/b.cap" $N
python3 "$WARD_SRC/tests/integration/alert/silent_receiver.py" "$T_TMP/port" &
RPID=$!
t_on_exit "kill $RPID 2>/dev/null"
t_wait_for "[ -s $T_TMP/port ]" 30 || { echo "receiver did not start"; exit 1; }
cat >"$T_TMP/ward.yaml" <<YAML
rules:
  rate_limit_per_min: 0
outputs:
  stdout:
    enabled: false
  webhook:
    url: http://127.0.0.1:$(cat "$T_TMP/port")/hook
    timeout_s: 1
    retries: 0
metrics:
  file: $T_TMP/ward.prom
  interval_s: 3600
YAML
"$WARD" -c "$T_TMP/ward.yaml" agent --replay "$T_TMP/b.cap" -r "$WARD_SRC/rules" \
  2>"$T_TMP/agent.err" &
APID=$!
# while the agent still waits on the hung receiver (at least the 5 s flush), the file must
# already say what detection saw
t_check "metrics file has the final counts while the webhook flush is still running" \
  t_wait_for "kill -0 $APID 2>/dev/null && grep -qx 'ward_events_total $N' $T_TMP/ward.prom && kill -0 $APID" 20
rc=0; wait $APID || rc=$?
cat "$T_TMP/agent.err"
t_check "agent exits 0 after the flush deadline (rc=$rc)" test "$rc" -eq 0
t_check "no sanitizer report" bash -c "! grep -q 'AddressSanitizer\|double-free\|runtime error' $T_TMP/agent.err"
t_check "the summary counts the alerts" grep -q "$N alerts sent" "$T_TMP/agent.err"
m() { awk -v k="$1" '$1 == k { print $2 }' "$T_TMP/ward.prom"; }
sent=$(m ward_webhook_sent_total)
failed=$(m 'ward_output_errors_total{output="webhook"}')
dropped=$(m 'ward_output_dropped_total{output="webhook"}')
t_check "webhook: sent $sent + failed $failed + dropped $dropped = $N" test $((sent + failed + dropped)) -eq $N
t_check "the flush deadline dropped some (the path under test ran)" test "$dropped" -gt 0
t_done
