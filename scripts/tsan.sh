#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs the tests labelled "threads" in a ThreadSanitizer build (make tsan, docs/testing.md).
# Every TSan report of every process the tests start (cmocka binaries, and ward itself run
# in the background by integration tests, whose exit status a test may not look at) goes to
# its own file under BUILD/tsan-reports: one report there fails the run even when the test
# that caused it passed.
set -euo pipefail
build=$1; shift
reports=$(cd "$build" && pwd)/tsan-reports
rm -rf "$reports"; mkdir -p "$reports"
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 log_path=$reports/report ${TSAN_OPTIONS:-}"
rc=0
(cd "$build" && ctest --output-on-failure -L threads "$@") || rc=$?
found=$(find "$reports" -type f -name 'report*' | sort)
if [ -n "$found" ]; then
  for f in $found; do echo "==> $f"; head -n 60 "$f"; done
  echo "FAIL: ThreadSanitizer reported $(echo "$found" | wc -l) process(es) (reports in $reports)"
  exit 1
fi
exit $rc
