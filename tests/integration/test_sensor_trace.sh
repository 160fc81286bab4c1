#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ward trace against the real kernel: marker actions on the host and in runc containers
# (Docker-style and Kubernetes-style cgroups) must appear as exact events, attributed to
# the right container, with failures reported as failures; the capture replays the same.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/runc.sh"
t_need_root
command -v jq >/dev/null || apt-get install -y -qq jq >/dev/null
command -v runc >/dev/null || apt-get install -y -qq runc >/dev/null

# eBPF must load here; anything else is a missing capability
if ! "$WARD" trace --backend bpf --duration 1 --quiet 2>"$T_TMP/probe.err"; then
  cat "$T_TMP/probe.err"
  t_require "the eBPF sensor does not load on this machine"
fi

D=$T_TMP/m; mkdir -p "$D"; echo hello > "$D/marker-file"
cp /bin/true "$D/ward-mark-exec"
ROOTFS=${WARD_TEST_CACHE:-/var/cache/ward-test}/busybox-rootfs
ward_busybox_rootfs "$ROOTFS"
echo ward-secret > "$ROOTFS/etc/ward-marker"
ID1=$(head -c 32 /dev/urandom | sha256sum | cut -c1-64)
ID2=$(head -c 32 /dev/urandom | sha256sum | cut -c1-64)
POD=$(cat /proc/sys/kernel/random/uuid)
CG1=/docker/$ID1
CG2=/kubepods/besteffort/pod$POD/$ID2
N1=ward-t1-$$; N2=ward-t2-$$
t_on_exit "ward_runc_stop $N1; ward_runc_stop $N2; ward_cgroup_cleanup $CG1; ward_cgroup_cleanup $CG2"

"$WARD" trace --json --write "$T_TMP/cap" --duration 60 >"$T_TMP/ev.json" 2>"$T_TMP/trace.err" &
TPID=$!
t_wait_for "grep -q 'sensor: ebpf' $T_TMP/trace.err" 20 || { cat "$T_TMP/trace.err"; exit 1; }
sleep 1

# host markers
"$D/ward-mark-exec" alpha "beta gamma"
python3 "$WARD_SRC/tests/integration/sensor/markers.py" "$D"
MPID=$(jq -r .pid "$D/markers.json"); PORT=$(jq -r .port "$D/markers.json")
# container markers
ward_runc_start "$N1" "$CG1" "$ROOTFS" sleep 30
ward_runc_exec "$N1" cat /etc/ward-marker >/dev/null
ward_runc_start "$N2" "$CG2" "$ROOTFS" sleep 30
ward_runc_exec "$N2" /bin/sh -c 'cat /etc/ward-marker; exit 7' >/dev/null || true
sleep 1
kill -USR1 $TPID
t_wait_for "grep -q 'counters:' $T_TMP/trace.err" 10
t_check "SIGUSR1 prints the counters while running" grep -q "counters: backend=ebpf events=[0-9]* drops=[0-9]* cpu0=" "$T_TMP/trace.err"
kill -INT $TPID; wait $TPID || true
cat "$T_TMP/trace.err"
t_check "counters again at exit" test "$(grep -c 'counters:' "$T_TMP/trace.err")" -ge 2

q() { jq -c "$1" "$T_TMP/ev.json" 2>/dev/null | head -n 1; }
has() { [ -n "$(q "select($1)")" ]; }

t_check "exec of a marker binary with its argv" has \
  ".type==\"execve\" and .proc.exepath==\"$D/ward-mark-exec\" and .args.argv==[\"$D/ward-mark-exec\",\"alpha\",\"beta gamma\"] and .container.id==\"host\" and .res==0"
t_check "open of the marker file (kernel path, fd >= 0)" has \
  ".proc.pid==$MPID and .type==\"openat\" and .args.path==\"$D/marker-file\" and .res>=0 and .fd.num==.res"
t_check "failed open reported as a failure" has \
  ".proc.pid==$MPID and .type==\"openat\" and .args.path==\"$D/no-such-marker\" and .res==-2 and .failed==true"
t_check "mkdir, rename and rmdir with full paths" has \
  ".proc.pid==$MPID and .type==\"rename\" and .args.old==\"$D/mk-dir\" and .args.new==\"$D/mk-dir2\""
t_check "symlink target and link path" has \
  ".proc.pid==$MPID and .type==\"symlink\" and .args.target==\"/etc/passwd\" and .args.linkpath==\"$D/link-to-passwd\""
t_check "chmod setting the setuid bit" has \
  ".proc.pid==$MPID and .type==\"chmod\" and .args.path==\"$D/marker-file\" and .args.mode==\"4755\""
t_check "utimensat by path" has \
  ".proc.pid==$MPID and .type==\"utimensat\" and .args.path==\"$D/marker-file\" and .res==0"
t_check "futimens (utimensat on an fd): the fd's kernel path" has \
  ".proc.pid==$MPID and .type==\"utimensat\" and .args.path==\"$D/marker-file\" and .fd.num>=0"
t_check "setxattr with the attribute's name" has \
  ".proc.pid==$MPID and .type==\"setxattr\" and .args.path==\"$D/marker-file\" and .args.name==\"user.ward-marker\" and .res==0"
t_check "fsetxattr: the fd's kernel path and the name" has \
  ".proc.pid==$MPID and .type==\"fsetxattr\" and .args.path==\"$D/marker-file\" and .args.name==\"user.ward-marker-fd\""
t_check "removexattr" has \
  ".proc.pid==$MPID and .type==\"removexattr\" and .args.name==\"user.ward-marker\""
t_check "refused connect is a failure with the peer address" has \
  ".proc.pid==$MPID and .type==\"connect\" and .res==-111 and .args.addr.ip==\"127.0.0.1\" and .args.addr.port==1"
t_check "loopback connect with both ends" has \
  ".proc.pid==$MPID and .type==\"connect\" and .res==0 and .fd.remote.port==$PORT and .fd.local.ip==\"127.0.0.1\""
t_check "accept of the connection" has \
  ".proc.pid==$MPID and (.type==\"accept4\" or .type==\"accept\") and .fd.local.port==$PORT"
t_check "dup2 of a socket onto stdin" has \
  ".proc.pid==$MPID and .type==\"dup2\" and .fd.num==0 and .fd.type==\"ipv4\" and .fd.remote.port==$PORT"
t_check "memfd_create with its name" has \
  ".proc.pid==$MPID and .type==\"memfd_create\" and .args.name==\"ward-fileless\""
t_check "fileless exec from a memfd" has \
  ".type==\"execve\" and .args.argv[0]==\"ward-memfd-marker\" and .args.exe_memfd==true and (.proc.exepath|startswith(\"/memfd:ward-fileless\"))"
t_check "docker-style container: exec attributed" has \
  ".type==\"execve\" and .proc.name==\"cat\" and .container.id==\"$ID1\" and .container.runtime==\"docker\""
t_check "docker-style container: open with the container's path" has \
  ".type==\"openat\" and .container.id==\"$ID1\" and .args.path==\"/etc/ward-marker\" and .res>=0"
t_check "kubernetes-style container: pod uid and container id" has \
  ".type==\"execve\" and .container.id==\"$ID2\" and .container.pod_uid==\"$POD\""
t_check "kubernetes-style container: exit code" has \
  ".type==\"procexit\" and .container.id==\"$ID2\" and .proc.name==\"sh\" and .args.code==7"
CHILD=$(jq -r .child "$D/markers.json")
t_check "fork of a new process recorded with its clone flags (signal byte dropped)" has \
  ".type==\"clone\" and .proc.pid==$MPID and .args.child_pid==$CHILD and .args.flags==\"0x1200000\""
t_check "no events dropped" grep -q "drops=0 " "$T_TMP/trace.err"
last=$(grep 'counters:' "$T_TMP/trace.err" | tail -n 1)
kev=$(sed -nE 's/.* events=([0-9]+) .*/\1/p' <<<"$last"); dec=$(sed -nE 's/.* decoded=([0-9]+) .*/\1/p' <<<"$last")
t_check "every record the kernel delivered was decoded by exit ($dec of $kev)" test -n "$kev" -a "$kev" = "$dec"

# sensor.exec_wakeup: false: exec records no longer wake the reader, and still all arrive
printf 'sensor:\n  exec_wakeup: false\n' >"$T_TMP/batch.yaml"
"$WARD" -c "$T_TMP/batch.yaml" trace --json --type exec >"$T_TMP/batch.json" 2>"$T_TMP/batch.err" &
TPID=$!
t_wait_for "grep -q 'sensor: ebpf' $T_TMP/batch.err" 20 || { cat "$T_TMP/batch.err"; exit 1; }
sleep 1
for i in 1 2 3 4 5; do "$D/ward-mark-exec" batch$i; done
sleep 0.5
kill -INT $TPID; wait $TPID || true
n=$(jq -c "select(.type==\"execve\" and .proc.exepath==\"$D/ward-mark-exec\" and (.args.argv[1]|startswith(\"batch\")))" "$T_TMP/batch.json" | wc -l)
t_check "exec_wakeup false: all five marker execs arrive ($n)" test "$n" -eq 5

# replay: the capture holds the snapshot and every record, so the same events come back
"$WARD" trace --read "$T_TMP/cap" --json >"$T_TMP/replay.json" 2>"$T_TMP/replay.err"
n_live=$(jq -c "select(.container.id==\"$ID1\" and .type==\"openat\")" "$T_TMP/ev.json" | wc -l)
n_rep=$(jq -c "select(.container.id==\"$ID1\" and .type==\"openat\")" "$T_TMP/replay.json" | wc -l)
t_check "replay yields the container's events ($n_rep of $n_live)" test "$n_live" -gt 0 -a "$n_live" -eq "$n_rep"
t_check "replay keeps argv" test -n "$(jq -c "select(.type==\"execve\" and .args.argv==[\"$D/ward-mark-exec\",\"alpha\",\"beta gamma\"])" "$T_TMP/replay.json")"

# filters: --type and --container narrow the stream
"$WARD" trace --read "$T_TMP/cap" --json --type exec --container "${ID1:0:12}" >"$T_TMP/f.json" 2>/dev/null
t_check "--type exec --container filters" test "$(jq -r '.type' "$T_TMP/f.json" | sort -u | tr '\n' ' ')" = "execve " -a \
  "$(jq -r '.container.id' "$T_TMP/f.json" | sort -u)" = "$ID1"
t_done
