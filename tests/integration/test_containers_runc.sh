#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Container attribution for every runtime's cgroup layout, with real runc containers whose
# cgroupsPath copies each layout (Docker, Kubernetes cgroupfs and systemd with containerd,
# CRI-O, podman, containerd's ctr, plain runc, and a podman conmon scope that is not a
# container). ward trace (fallback backend, which reads /proc/<pid>/cgroup) must attribute each
# container's exec to the right id, runtime and pod UID.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/runc.sh"
t_need_root
command -v runc >/dev/null || t_require "runc is not installed"
command -v jq >/dev/null || t_require "jq is not installed"

ROOTFS=$T_TMP/rootfs
ward_busybox_rootfs "$ROOTFS"
hex64() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
# Removes the directories of a cgroupsPath, leaf first, in every hierarchy. runc delete may
# already have removed the leaf, so a missing level is skipped rather than ending the walk;
# rmdir refuses (harmlessly) a level still in use.
cg_remove() {
  local cg=$1 d p
  for d in /sys/fs/cgroup/*/ /sys/fs/cgroup/unified/; do
    p="$d${cg#/}"
    while [ "${#p}" -gt "${#d}" ]; do
      [ -d "$p" ] && { rmdir "$p" 2>/dev/null || break; }
      p=$(dirname "$p")/
      p=${p%/}
    done
  done
}

UID1=$(cat /proc/sys/kernel/random/uuid); UID2=$(cat /proc/sys/kernel/random/uuid)
UID3=$(cat /proc/sys/kernel/random/uuid)
# name | cgroupsPath | expected container id ("host" = none) | runtime | pod uid
ROWS=()
add() { ROWS+=("$1|$2|$3|$4|$5"); }
# Under a private parent (the parser looks at components, not at the root), so tests on this
# machine that share /kubepods or /docker never race on each other's cgroup directories;
# ctr's rule needs exactly /<namespace>/<id>, so that one stays at the top.
P=/ward-rt-$$
I=$(hex64); add docker "$P/docker/$I" "$I" docker ""
I=$(hex64); add kube-cgroupfs "$P/kubepods/besteffort/pod$UID1/$I" "$I" kubepods "$UID1"
I=$(hex64); add kube-systemd-containerd \
  "$P/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID2//-/_}.slice/cri-containerd-$I.scope" \
  "$I" containerd "$UID2"
I=$(hex64); add kube-crio "$P/kubepods/pod$UID3/crio-$I" "$I" cri-o "$UID3"
I=$(hex64); add podman "$P/libpod_parent/libpod-$I" "$I" podman ""
I=$(hex64); add ctr "/default/$I" "$I" containerd ""
I=$(hex64); add runc "$P/$I" "$I" runc ""
I=$(hex64); add conmon "$P/machine.slice/libpod-conmon-$I.scope" host "" ""

"$WARD" trace --backend fallback --json --type exec --duration 180 \
  >"$T_TMP/ev.json" 2>"$T_TMP/trace.err" &
TPID=$!
t_on_exit "kill -INT $TPID 2>/dev/null || true"
t_wait_for "grep -q 'sensor: fallback' $T_TMP/trace.err" 20 || { cat "$T_TMP/trace.err"; exit 1; }

declare -A PIDS
for row in "${ROWS[@]}"; do
  IFS='|' read -r name cg _ _ _ <<<"$row"
  n=ward-rt-$$-$name
  t_on_exit "ward_runc_stop $n; cg_remove '$cg'"
  # sleep 1 first: the second exec is read from /proc while the first has long been seen
  ward_runc_start "$n" "$cg" "$ROOTFS" sh -c "sleep 1; sleep 30" || { t_fail "runc start $name"; continue; }
  PIDS[$name]=$RUNC_PID
done
# wait for each container's second exec (other tests on the machine run sleep 30 too)
PIDLIST=$(IFS=,; echo "${PIDS[*]}")
want=${#PIDS[@]}
# fromjson? skips the line ward may be in the middle of writing
t_wait_for "[ \$(jq -cR 'fromjson? | select(.type==\"execve\" and .args.argv==[\"sleep\",\"30\"] and (.proc.pid|IN($PIDLIST))) | .proc.pid' $T_TMP/ev.json | sort -u | wc -l) -ge $want ]" 60 || true
kill -INT $TPID 2>/dev/null || true; wait $TPID || true

for row in "${ROWS[@]}"; do
  IFS='|' read -r name cg id rt pod <<<"$row"
  pid=${PIDS[$name]:-0}
  # the shell execs its last command in place: same pid as the container's init
  ev=$(jq -c "select(.type==\"execve\" and .proc.pid==$pid and .args.argv==[\"sleep\",\"30\"])" "$T_TMP/ev.json" | head -n 1)
  got="$(jq -r '[.container.id, .container.runtime // "", .container.pod_uid // ""] | join("|")' <<<"$ev")"
  if [ "$id" = host ]; then wantv="host||"; else wantv="$id|$rt|$pod"; fi
  if [ -n "$ev" ] && [ "$got" = "$wantv" ]; then
    t_ok "$name: $cg -> ${rt:-host}"
  else
    t_fail "$name: $cg: got '$got', want '$wantv'"
  fi
done
t_done
