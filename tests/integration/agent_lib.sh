# SPDX-License-Identifier: Apache-2.0
# Sourceable helpers to run `ward agent` in the background for detection tests.
#   ward_agent_start OUT_JSON [agent args...]   start with JSON alerts to OUT_JSON
#   ward_agent_stop                             stop it (SIGINT) and wait
#   ward_alerted RULE [JQ_FILTER]              true when an alert of RULE (and filter) exists
#   ward_alert_count RULE [JQ_FILTER]
# The agent's pidfile and stderr live in the test's temp dir.

ward_agent_start() {
  WARD_AGENT_OUT=$1; shift
  WARD_AGENT_ERR=$T_TMP/agent.err
  # a previous agent's log must not satisfy the waits below before this one truncates it
  rm -f "$WARD_AGENT_ERR"
  "$WARD" agent --json --pidfile "$T_TMP/agent.pid" "$@" >"$WARD_AGENT_OUT" 2>"$WARD_AGENT_ERR" &
  WARD_AGENT_PID=$!
  t_on_exit "ward_agent_stop"
  if ! t_wait_for "grep -q 'sensor: ' '$WARD_AGENT_ERR' 2>/dev/null" 60; then
    cat "$WARD_AGENT_ERR"; return 1
  fi
  # the snapshot and first poll follow the banner closely
  sleep 1
}

ward_agent_stop() {
  [ -n "${WARD_AGENT_PID:-}" ] || return 0
  kill -INT "$WARD_AGENT_PID" 2>/dev/null || true
  wait "$WARD_AGENT_PID" 2>/dev/null || true
  WARD_AGENT_PID=
}

# Lets the agent drain what the kernel already sent.
ward_agent_settle() { sleep "${1:-1}"; }

ward_alert_count() {
  local rule=$1 filter=${2:-true}
  jq -c --arg r "$rule" "select(.rule == \$r) | select($filter)" "$WARD_AGENT_OUT" 2>/dev/null | wc -l
}

ward_alerted() { [ "$(ward_alert_count "$@")" -gt 0 ]; }
ward_not_alerted() { [ "$(ward_alert_count "$@")" -eq 0 ]; }
