#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# ward respond block: on a tmpfs made here (so the fanotify mount mark touches nothing else),
# exec of a blocked path, of any file under a blocked dir and of any file with a blocked
# SHA-256 fails with EPERM and is reported as an action event; other binaries still run;
# after ward stops, the same exec works again (fail-open).
. "$(dirname "$0")/lib.sh"
t_need_root
[ -x /bin/busybox ] || t_require "busybox-static is not installed"

MNT=$T_TMP/mnt
mkdir -p "$MNT"
mount -t tmpfs -o size=16m "ward-block-$$" "$MNT" || t_require "cannot mount tmpfs"
t_on_exit "umount -l '$MNT'"
mkdir -p "$MNT/bin" "$MNT/denied" "$MNT/other"
cp /bin/busybox "$MNT/bin/echo"          # blocked by path
cp /bin/busybox "$MNT/bin/true"          # allowed
cp /bin/busybox "$MNT/denied/echo"       # blocked by dir
cp /bin/true "$MNT/other/hashme"         # blocked by hash
cp /bin/false "$MNT/other/false"         # allowed, different content
HASH=$(sha256sum "$MNT/other/hashme" | cut -d' ' -f1)

OUT=$T_TMP/block.json
"$WARD" respond block --path "$MNT/bin/echo" --dir "$MNT/denied" --sha256 "$HASH" \
  --mount "$MNT" --json >"$OUT" 2>"$T_TMP/block.err" &
BPID=$!
t_on_exit "kill $BPID 2>/dev/null; wait $BPID 2>/dev/null"
t_wait_for "grep -q 'denying exec' $T_TMP/block.err" 10 || { cat "$T_TMP/block.err"; t_fail "blocker did not start"; t_done; exit 1; }

run_says() { # EXPECTED-SUBSTRING CMD...: runs CMD, its stderr must contain the substring
  local want=$1; shift
  local msg
  msg=$( { "$@"; } 2>&1 ) && return 1
  grep -q "$want" <<<"$msg"
}
t_check "blocked path fails with EPERM" run_says "Operation not permitted" "$MNT/bin/echo" hi
t_check "other binary on the same mount runs" "$MNT/bin/true"
t_check "file under blocked dir fails with EPERM" run_says "Operation not permitted" "$MNT/denied/echo" hi
t_check "file with blocked hash fails with EPERM" run_says "Operation not permitted" "$MNT/other/hashme"
cp "$MNT/other/hashme" "$MNT/other/copy-of-hashme"
t_check "a renamed copy with the same hash fails too" run_says "Operation not permitted" "$MNT/other/copy-of-hashme"
t_check "a file with other content runs" bash -c "'$MNT/other/false'; [ \$? = 1 ]"
t_check "binaries off the marked mount run" /bin/true

kill -INT "$BPID"
wait "$BPID" || true
t_check "one event per denial (4)" [ "$(grep -c '"action":"block"' "$OUT")" = 4 ]
t_check "events name path, dir and sha256 rules" python3 -c '
import json,sys
ev=[json.loads(l) for l in open(sys.argv[1])]
d=" ".join(e["detail"] for e in ev)
assert all(e["result"]=="ok" and e["target"]["acted_pid"]>0 for e in ev), ev
assert "matched path" in d and "matched dir" in d and "matched sha256" in d, d' "$OUT"
t_check "summary printed on stop" grep -q "stopped: 4 denied" "$T_TMP/block.err"
t_check "exec works once ward stopped" bash -c "'$MNT/bin/echo' hi | grep -q hi"

# fail-open when ward dies: SIGKILL gives it no chance to clean up; the kernel drops the marks
"$WARD" respond block --path "$MNT/bin/echo" 2>"$T_TMP/block2.err" >/dev/null &
BPID2=$!
t_wait_for "grep -q 'denying exec' $T_TMP/block2.err" 10
t_check "second blocker denies" run_says "Operation not permitted" "$MNT/bin/echo" hi
kill -KILL "$BPID2"; wait "$BPID2" 2>/dev/null || true
t_check "fail-open: exec works after ward was SIGKILLed" bash -c "'$MNT/bin/echo' hi | grep -q hi"

set +e
"$WARD" respond block --sha256 nothex --mount "$MNT" 2>/dev/null; rc=$?
"$WARD" respond block --path /nonexistent/file 2>/dev/null; rc2=$?
"$WARD" respond block 2>/dev/null; rc3=$?
set -e
t_check "bad hash is an error" [ "$rc" = 1 ]
t_check "missing path is an error" [ "$rc2" = 1 ]
t_check "no rule is a usage error" [ "$rc3" = 2 ]
t_check "dry run lists rules" bash -c "'$WARD' respond block --dir '$MNT/denied' --dry-run | grep -q 'would deny exec of dir'"
t_done
