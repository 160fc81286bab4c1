#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# ward respond freeze/thaw: a container whose loop writes an increasing counter makes no
# progress while frozen and resumes after thaw; the cgroup reports frozen; freezing a
# process in the host's root cgroup is refused.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/respond/runc.sh"
r_need_runc

ROOTFS=$T_TMP/rootfs
r_rootfs "$ROOTFS"
r_run "wf-$$" "$T_TMP/b1" "$ROOTFS" 0 sh -c 'i=0; while true; do i=$((i+1)); echo $i > /tmp/count.new; mv /tmp/count.new /tmp/count; done'
CID=$R_ID
COUNT=$ROOTFS/tmp/count
t_on_exit "'$WARD' respond thaw --container $CID >/dev/null 2>&1"
t_wait_for "[ -s $COUNT ]" 10

# progress is judged by counter values, never by elapsed time
advances() { local a b; a=$(cat "$COUNT"); t_wait_for "[ \$(cat $COUNT) -gt $a ]" 10; }

t_check "counter advances before freeze" advances
"$WARD" respond freeze --container "${CID:0:12}" --json >"$T_TMP/f.json"
t_check "freeze event ok" grep -q '"action":"freeze".*"result":"ok"' "$T_TMP/f.json"
t_check "cgroup reports frozen" grep -q "frozen 1" "/sys/fs/cgroup/unified/docker/$CID/cgroup.events"
A=$(cat "$COUNT")
# the loop would do thousands of iterations in this time; a frozen one does none
for _ in 1 2 3 4 5; do sleep 0.2; done
B=$(cat "$COUNT")
t_check "no progress while frozen ($A -> $B)" [ "$A" = "$B" ]

"$WARD" respond thaw --container "${CID:0:12}" >"$T_TMP/t.txt"
t_check "thaw reports ok" grep -q "thaw container ${CID:0:12}: ok" "$T_TMP/t.txt"
t_check "cgroup reports thawed" grep -q "frozen 0" "/sys/fs/cgroup/unified/docker/$CID/cgroup.events"
t_check "counter advances after thaw" advances

# v1 freezer: thaw also undoes a freeze made through freezer.state
if [ -f "/sys/fs/cgroup/freezer/docker/$CID/freezer.state" ]; then
  echo FROZEN >"/sys/fs/cgroup/freezer/docker/$CID/freezer.state"
  t_wait_for "grep -q FROZEN /sys/fs/cgroup/freezer/docker/$CID/freezer.state" 10
  A=$(cat "$COUNT"); for _ in 1 2 3 4 5; do sleep 0.2; done; B=$(cat "$COUNT")
  t_check "v1 freezer holds the counter" [ "$A" = "$B" ]
  "$WARD" respond thaw --container "$CID" >/dev/null
  t_check "thaw undoes a v1 freeze" grep -q THAWED "/sys/fs/cgroup/freezer/docker/$CID/freezer.state"
  t_check "counter advances after v1 thaw" advances
fi

set +e
"$WARD" respond freeze --pid $$ 2>"$T_TMP/root.err"; rc=$?
set -e
t_check "freezing a process of the host root cgroup is refused" [ "$rc" = 1 ]
t_check "refusal explains the root cgroup" grep -q "root cgroup" "$T_TMP/root.err"
t_done
