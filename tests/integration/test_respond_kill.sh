#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# ward respond kill: a container's processes all die; a single pid dies via pidfd; protected
# targets (host pid 1, ward's own ancestors, a name on respond.protected, a protected
# container) are refused with exit 1 and a reason, and survive.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/respond/runc.sh"
r_need_runc

ROOTFS=$T_TMP/rootfs
r_rootfs "$ROOTFS"
CFG=$T_TMP/ward.yaml
cat >"$CFG" <<YAML
respond:
  key: $T_TMP/keys/host.key
  protected: [ward-precious]
YAML

# a container with a shell and two children
r_run "wk-$$" "$T_TMP/b1" "$ROOTFS" 0 sh -c 'sleep 1000 & sleep 1000 & wait'
CID=$R_ID
t_wait_for "[ \$(wc -l < /sys/fs/cgroup/unified/docker/$CID/cgroup.procs) -ge 3 ]" 10
t_check "container has 3 processes" [ "$(wc -l < /sys/fs/cgroup/unified/docker/$CID/cgroup.procs)" -ge 3 ]

# dry run changes nothing
"$WARD" -c "$CFG" respond kill --container "${CID:0:12}" --dry-run --json >"$T_TMP/dry.json"
t_check "dry run reports dry-run" grep -q '"result":"dry-run"' "$T_TMP/dry.json"
t_check "dry run kills nothing" kill -0 "$R_PID"

"$WARD" -c "$CFG" respond kill --container "${CID:0:12}" --json >"$T_TMP/kill.json"
t_check "kill event is JSON with result ok" python3 -c '
import json,sys; e=json.load(open(sys.argv[1]))
assert e["action"]=="kill" and e["result"]=="ok" and e["target"]["container_id"]==sys.argv[2], e
assert e["latency_ns"]>0' "$T_TMP/kill.json" "$CID"
t_check "container cgroup is empty" [ ! -s /sys/fs/cgroup/unified/docker/$CID/cgroup.procs ]
t_check "runc sees the container stopped" bash -c "runc state wk-$$ | grep -q '\"stopped\"'"

# a single host process by pid
sleep 1000 &
VICTIM=$!
"$WARD" -c "$CFG" respond kill --pid "$VICTIM" >"$T_TMP/pid.txt"
wait "$VICTIM" 2>/dev/null || true
t_check "pid kill reports ok" grep -q "kill pid $VICTIM: ok" "$T_TMP/pid.txt"
t_check "pid is gone" bash -c "! kill -0 $VICTIM 2>/dev/null"

# protected: host pid 1
set +e
"$WARD" -c "$CFG" respond kill --pid 1 >"$T_TMP/p1.out" 2>"$T_TMP/p1.err"; rc=$?
set -e
t_check "pid 1 refused with exit 1" [ "$rc" = 1 ]
t_check "pid 1 refusal names why" grep -q "host's init" "$T_TMP/p1.err"

# protected: ward's ancestors (this shell)
set +e
"$WARD" -c "$CFG" respond kill --pid $$ 2>"$T_TMP/self.err"; rc=$?
set -e
t_check "ward's ancestor refused" [ "$rc" = 1 ]
t_check "refusal says ancestor of ward" grep -q "ancestor of ward" "$T_TMP/self.err"

# protected: a process name from respond.protected
cp /bin/sleep "$T_TMP/ward-precious"
"$T_TMP/ward-precious" 1000 &
PRECIOUS=$!
t_on_exit "kill $PRECIOUS 2>/dev/null"
t_wait_for "grep -q ward-precious /proc/$PRECIOUS/comm 2>/dev/null" 5 || true
set +e
"$WARD" -c "$CFG" respond kill --pid "$PRECIOUS" --json >"$T_TMP/prec.json" 2>"$T_TMP/prec.err"; rc=$?
set -e
t_check "protected name refused" [ "$rc" = 1 ]
t_check "refusal names respond.protected" grep -q "respond.protected" "$T_TMP/prec.err"
t_check "refusal event says refused" grep -q '"result":"refused"' "$T_TMP/prec.json"
t_check "protected process survived" kill -0 "$PRECIOUS"

# protected container (respond.protected_containers) and a container holding a protected name
r_run "wk2-$$" "$T_TMP/b2" "$ROOTFS" 0 sleep 1000
CID2=$R_ID
cat >"$T_TMP/ward2.yaml" <<YAML
respond:
  key: $T_TMP/keys/host.key
  protected_containers: [${CID2:0:8}]
YAML
set +e
"$WARD" -c "$T_TMP/ward2.yaml" respond kill --container "$CID2" 2>"$T_TMP/pc.err"; rc=$?
set -e
t_check "protected container refused" [ "$rc" = 1 ]
t_check "refusal names protected_containers" grep -q "protected_containers" "$T_TMP/pc.err"
t_check "protected container survived" kill -0 "$R_PID"

# unknown and ambiguous targets are clear errors
set +e
"$WARD" -c "$CFG" respond kill --container ffffffffffff0000 2>"$T_TMP/nf.err"; rc=$?
set -e
t_check "unknown container: exit 1 with message" bash -c "[ $rc = 1 ] && grep -q 'no container cgroup matches' $T_TMP/nf.err"
set +e
"$WARD" respond kill --pid notanumber 2>/dev/null; rc=$?
set -e
t_check "bad --pid is a usage error" [ "$rc" = 2 ]
t_done
