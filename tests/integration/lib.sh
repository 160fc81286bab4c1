# SPDX-License-Identifier: Apache-2.0
# Shared helpers for integration tests. Source it: . "$(dirname "$0")/lib.sh"
# Env from CTest: WARD (binary), WARD_SRC (source dir), WARD_BUILD (build dir).
set -euo pipefail
: "${WARD:=${WARD_BUILD:-build}/ward}"
: "${WARD_SRC:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
T_NAME=$(basename "$0" .sh)
T_TMP=$(mktemp -d "/tmp/ward-${T_NAME}.XXXXXX")
T_FAILS=0
T_PASSES=0

t_cleanup_hooks=()
t_on_exit() { t_cleanup_hooks+=("$1"); }
t_exit() {
  local rc=$?
  for ((i=${#t_cleanup_hooks[@]}-1; i>=0; i--)); do eval "${t_cleanup_hooks[$i]}" || true; done
  rm -rf "$T_TMP"
  exit $rc
}
trap t_exit EXIT

# Skips (exit 77) unless WARD_REQUIRE_BPF=1, in which case a missing capability fails.
t_require() {
  local why=$1
  if [ "${WARD_REQUIRE_BPF:-0}" = 1 ]; then
    echo "FAIL: required capability missing: $why"; exit 1
  fi
  echo "SKIP: $why"; exit 77
}
# The Falco stable ruleset lives outside the repository; tests take its path from
# WARD_FALCO_RULES (.ci/run sets it). Sets FALCO, or returns 1 after saying why: unset or
# missing outside CI skips that part, under CI (CI=true) it is a failure.
t_falco_rules() {
  FALCO=${WARD_FALCO_RULES:-}
  if [ -n "$FALCO" ] && [ -f "$FALCO" ]; then return 0; fi
  if [ "${CI:-}" = true ]; then
    echo "FAIL: WARD_FALCO_RULES must name Falco's falco_rules.yaml under CI (got '${FALCO}')"; exit 1
  fi
  echo "SKIP: WARD_FALCO_RULES not set or missing (path to Falco's falco_rules.yaml; got '${FALCO}')"
  return 1
}
# Every capability of the bounding set but those in $1 (comma-separated, capsh names), as
# capsh --drop wants them.
t_caps_all_but() {
  capsh --print | sed -n 's/^Bounding set =//p' | tr ',' '\n' | sed '/^$/d' |
    grep -vxF -f <(echo "$1" | tr ',' '\n') | paste -sd, -
}
t_need_root() { [ "$(id -u)" = 0 ] || t_require "needs root"; }

t_ok() { T_PASSES=$((T_PASSES+1)); echo "ok - $*"; }
t_fail() { T_FAILS=$((T_FAILS+1)); echo "not ok - $*"; }
t_check() { local what=$1; shift; if "$@"; then t_ok "$what"; else t_fail "$what"; fi; }
t_done() {
  echo "$T_PASSES passed, $T_FAILS failed"
  [ "$T_FAILS" -eq 0 ]
}
# Waits until a command succeeds (up to $2 seconds, default 10).
t_wait_for() { local cmd=$1 secs=${2:-10} i; for ((i=0;i<secs*10;i++)); do eval "$cmd" && return 0; sleep 0.1; done; return 1; }
