#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Alert outputs end to end through the real binary: record a capture of a real sensitive
# file read with `ward trace --write`, replay it with `ward agent --replay` configured for
# stdout JSON, the rotating file, a webhook (tests/integration/alert/receiver.py) and the
# metrics file, and check that every output carries the same Falco-compatible alert.
. "$(dirname "$0")/lib.sh"
t_need_root
if "$WARD" rules --help 2>&1 | grep -q "not available in this build"; then
  t_require "ward agent/rules not built yet"
fi

W=$T_TMP/work; mkdir -p "$W"
CAP=$T_TMP/events.cap

# record in its own session: the sensor ignores the session it runs in
setsid "$WARD" trace --write "$CAP" --quiet --duration 30 2>"$T_TMP/trace.err" &
TPID=$!
t_on_exit "kill $TPID 2>/dev/null"
t_wait_for "grep -q 'sensor:' $T_TMP/trace.err" 30 || t_require "the eBPF sensor did not start"
grep -q ebpf "$T_TMP/trace.err" || t_require "no eBPF backend: $(cat "$T_TMP/trace.err")"
(cd "$W" && cat /etc/shadow >/dev/null && true ward-alert-outputs-marker)
# the recorder stops at SIGINT without draining what is still in the ring buffers: give its
# 100 ms poll loop a few rounds first (not an assertion: the check below says what went wrong)
sleep 0.5
kill -INT $TPID; wait $TPID 2>/dev/null || true
t_check "capture holds the recorded read" bash -c \
  "'$WARD' trace --read '$CAP' --json 2>/dev/null | grep -q '\"cwd\":\"$W\".*\"name\":\"/etc/shadow\"'"

python3 "$WARD_SRC/tests/integration/alert/receiver.py" --out "$T_TMP/hook.txt" \
  --portfile "$T_TMP/hook.port" &
RPID=$!
t_on_exit "kill $RPID 2>/dev/null"
t_wait_for "[ -s $T_TMP/hook.port ]" 30
HPORT=$(cat "$T_TMP/hook.port")

cat >"$T_TMP/ward.yaml" <<YAML
rules:
  min_priority: warning
  rate_limit_per_min: 0
outputs:
  stdout:
    enabled: true
    json: true
  file:
    path: $T_TMP/alerts.json
    max_mb: 1
    keep: 2
  webhook:
    url: http://127.0.0.1:$HPORT/ward
metrics:
  file: $T_TMP/ward.prom
YAML

"$WARD" -c "$T_TMP/ward.yaml" agent --replay "$CAP" -r "$WARD_SRC/rules" \
  >"$T_TMP/stdout.json" 2>"$T_TMP/agent.err" && rc=0 || rc=$?
t_check "agent --replay exits 0" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || cat "$T_TMP/agent.err"

RULE="Sensitive Authentication File Read"
# the alert for our read (the capture holds other processes too: select by the file read)
pick='select(.rule == $r and .output_fields["fd.name"] == "/etc/shadow" and .output_fields["proc.name"] == "cat")'
have_jq=1; command -v jq >/dev/null || have_jq=0
check_json() { # file label
  local f=$1 what=$2
  if [ $have_jq = 1 ]; then
    t_check "$what: alert present with Falco keys and ward extras" bash -c '
      jq -e --arg r "$1" "$2"" | (.time|test(\"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\\\.[0-9]{9}Z$\")) and .priority==\"Warning\" and .source==\"syscall\" and (.hostname|length>0) and (.tags|index(\"T1003.008\")!=null) and (.output|contains(\"/etc/shadow\")) and .ward.container.id==\"host\" and (.ward.ancestry|length>=1) and (.ward.events_dropped|type==\"boolean\")" "$3" | grep -q true' _ "$RULE" "$pick" "$f"
  else
    t_check "$what: alert present" grep -q "\"rule\":\"$RULE\"" "$f"
  fi
}
check_json "$T_TMP/stdout.json" "stdout"
check_json "$T_TMP/alerts.json" "file output"
t_wait_for "grep -q '$RULE' $T_TMP/hook.txt 2>/dev/null" 30 || true
cut -f2- "$T_TMP/hook.txt" >"$T_TMP/hook.json"
check_json "$T_TMP/hook.json" "webhook"
t_check "webhook content type is JSON" bash -c "cut -f1 $T_TMP/hook.txt | sort -u | grep -qx application/json"
t_check "metrics file counts the rule" grep -q "^ward_alerts_total{rule=\"$RULE\",priority=\"Warning\"} [1-9]" "$T_TMP/ward.prom"
t_check "metrics file counts events" grep -qE '^ward_events_total [1-9][0-9]*$' "$T_TMP/ward.prom"
t_check "same number of alerts on stdout, file and webhook" bash -c \
  "[ \$(wc -l <$T_TMP/stdout.json) -eq \$(wc -l <$T_TMP/alerts.json) ] && [ \$(wc -l <$T_TMP/alerts.json) -eq \$(wc -l <$T_TMP/hook.txt) ]"
t_check "min_priority keeps Notice alerts out" bash -c "! grep -q '\"priority\":\"Notice\"' $T_TMP/alerts.json"
t_done
