#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# ward respond quarantine/release: a container in the host network namespace cannot connect
# to a loopback HTTP server while quarantined (EPERM from cgroup/connect4), while the host and
# another container still can; an --allow peer stays reachable; the quarantine is pinned in
# bpffs and outlives the command; after release the container connects again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/respond/runc.sh"
r_need_runc

ROOTFS=$T_TMP/rootfs
r_rootfs "$ROOTFS"
echo "quarantine-test-payload" >"$T_TMP/www.txt"
PORT=$((20000 + $$ % 20000))
APORT=$((PORT + 1))
python3 -m http.server --bind 127.0.0.1 "$PORT" --directory "$T_TMP" >/dev/null 2>&1 &
SRV=$!
python3 -m http.server --bind 127.0.0.1 "$APORT" --directory "$T_TMP" >/dev/null 2>&1 &
SRV2=$!
t_on_exit "kill $SRV $SRV2"
t_wait_for "curl -sf http://127.0.0.1:$PORT/www.txt >/dev/null && curl -sf http://127.0.0.1:$APORT/www.txt >/dev/null" 10 \
  || t_require "cannot start a loopback HTTP server"

r_run "wq1-$$" "$T_TMP/b1" "$ROOTFS" 1 sleep 1000
Q=$R_ID; QN="wq1-$$"
r_run "wq2-$$" "$T_TMP/b2" "$ROOTFS" 1 sleep 1000
ON="wq2-$$"
t_on_exit "'$WARD' respond release --container $Q >/dev/null 2>&1"

reaches() { # NAME PORT: true when container NAME fetches the payload over loopback
  local out
  # (busybox 1.35 wget crashes with -T: bound the wait from outside)
  out=$(timeout 15 runc exec "$1" wget -q -O - "http://127.0.0.1:$2/www.txt" 2>/dev/null) || true
  grep -q payload <<<"$out"
}
refused_eperm() { # NAME PORT: true when connect fails with "Operation not permitted"
  local out
  out=$(runc exec "$1" nc -w 3 127.0.0.1 "$2" </dev/null 2>&1) || true
  echo "    nc: $out"
  grep -q 'Operation not permitted' <<<"$out"
}
host_reaches() { local out; out=$(curl -sf "http://127.0.0.1:$1/www.txt") || true; grep -q payload <<<"$out"; }
not() { ! "$@"; }

t_check "before: container reaches the server" reaches $QN $PORT

"$WARD" respond quarantine --container "${Q:0:12}" --allow "127.0.0.1:$APORT" --json >"$T_TMP/q.json"
t_check "quarantine event ok" grep -q '"action":"quarantine".*"result":"ok"' "$T_TMP/q.json"
CGID=$(stat -c %i "/sys/fs/cgroup/unified/docker/$Q")
t_check "links pinned under bpffs" test -e "/sys/fs/bpf/ward/quarantine/$CGID/connect4"
t_check "four programs attached to the cgroup" bash -c \
  "[ \$(bpftool cgroup show /sys/fs/cgroup/unified/docker/$Q | grep -cE 'cgroup_inet4_connect|cgroup_inet6_connect|cgroup_inet_egress|cgroup_inet_ingress') -eq 4 ]"

t_check "quarantined: connect refused with EPERM" refused_eperm "$QN" "$PORT"
t_check "quarantined: HTTP fetch fails" not reaches $QN $PORT
t_check "quarantined: allowed peer still reachable" reaches $QN $APORT
t_check "host still reaches the server" host_reaches "$PORT"
t_check "other container still reaches the server" reaches $ON $PORT

set +e
"$WARD" respond quarantine --container "$Q" >/dev/null 2>&1; rc=$?
set -e
t_check "second quarantine fails (already quarantined)" [ "$rc" = 1 ]

"$WARD" respond release --container "$Q" >"$T_TMP/r.txt"
t_check "release reports ok" grep -q "release container ${Q:0:12}: ok" "$T_TMP/r.txt"
t_check "pins removed" test ! -e "/sys/fs/bpf/ward/quarantine/$CGID"
t_check "programs detached" bash -c "[ \$(bpftool cgroup show /sys/fs/cgroup/unified/docker/$Q | grep -c cgroup_inet) -eq 0 ]"
t_check "after release: container reaches the server" reaches $QN $PORT

set +e
"$WARD" respond release --container "$Q" >/dev/null 2>&1; rc=$?
"$WARD" respond quarantine --pid $$ >/dev/null 2>"$T_TMP/root.err"; rc2=$?
set -e
t_check "releasing twice fails" [ "$rc" = 1 ]
t_check "quarantining a host-root-cgroup process is refused" bash -c "[ $rc2 = 1 ] && grep -qi 'root cgroup\|ancestor' $T_TMP/root.err"
t_done
