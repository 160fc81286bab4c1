#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ward trace with a real podman (no podman service): podman runs a named container from an
# image imported from a local busybox rootfs, in a private storage root; an exec inside it must
# carry the container id, runtime podman, and the name and image ward reads from that root's
# containers/storage records (containers.podman_storage).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/runc.sh"
t_need_root
command -v jq >/dev/null || apt-get install -y -qq jq >/dev/null
if ! command -v podman >/dev/null; then
  echo "# installing podman (apt-get install -y podman)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman >"$T_TMP/apt.log" 2>&1 ||
    { tail -n 5 "$T_TMP/apt.log"; t_require "podman cannot be installed"; }
  echo "# podman $(podman --version | awk '{print $3}') installed"
fi

# eBPF must load here; anything else is a missing capability
if ! "$WARD" trace --backend bpf --duration 1 --quiet 2>"$T_TMP/probe.err"; then
  cat "$T_TMP/probe.err"
  t_require "the eBPF sensor does not load on this machine"
fi

# a private storage root: nothing of the machine's podman state is read or changed
S=$T_TMP/storage
P=(podman --root "$S" --runroot "$T_TMP/run" --tmpdir "$T_TMP/tmp" --storage-driver overlay
   --cgroup-manager cgroupfs --events-backend file --runtime runc)
NAME=ward-pm-$$
IMAGE=localhost/ward-bb:t$$
MARK=ward-podman-mark-$$
cleanup() {
  "${P[@]}" rm -f -t 0 "$NAME" >/dev/null 2>&1 || true
  "${P[@]}" rmi -f "$IMAGE" >/dev/null 2>&1 || true
  # podman leaves its storage mounts (overlay home, shm) behind: unmount before rm -rf
  findmnt -rn -o TARGET | grep "^$T_TMP/" | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  [ -n "${CID:-}" ] && ward_cgroup_cleanup "/libpod_parent/libpod-$CID"
  # podman's shared parents (conmon runs in libpod_parent/conmon): removed only when empty,
  # so another podman user's containers keep theirs
  local d
  for d in /sys/fs/cgroup/*/libpod_parent /sys/fs/cgroup/unified/libpod_parent; do
    rmdir "$d/conmon" "$d" 2>/dev/null || true
  done
}
t_on_exit cleanup

ROOTFS=${WARD_TEST_CACHE:-/var/cache/ward-test}/busybox-rootfs
ward_busybox_rootfs "$ROOTFS"
tar -C "$ROOTFS" -c . | "${P[@]}" import - "$IMAGE" >/dev/null
t_check "image imported from the busybox rootfs" "${P[@]}" image exists "$IMAGE"

CFG=$T_TMP/ward.yaml
printf 'containers:\n  podman_storage: %s\n' "$S" > "$CFG"
"$WARD" -c "$CFG" trace --json --type exec --duration 40 >"$T_TMP/ev.json" 2>"$T_TMP/trace.err" &
TPID=$!
t_on_exit "kill -INT $TPID 2>/dev/null || true"
t_wait_for "grep -q 'sensor: ' $T_TMP/trace.err" 30 || { cat "$T_TMP/trace.err"; exit 1; }

# podman needs lowered ulimits here (root lacks CAP_SYS_RESOURCE)
CID=$("${P[@]}" run -d --name "$NAME" --network none --ulimit nofile=1024:1024 \
  --ulimit nproc=4096:4096 "$IMAGE" sleep 60)
PID=$("${P[@]}" inspect -f '{{.State.Pid}}' "$NAME")
t_check "podman's cgroupfs layout" grep -q "/libpod_parent/libpod-$CID\$" "/proc/$PID/cgroup"
sleep 1
"${P[@]}" exec "$NAME" /bin/sh -c "echo $MARK >/dev/null"
t_wait_for "grep -q $MARK $T_TMP/ev.json" 10 || true
sleep 0.5
kill -INT $TPID; wait $TPID || true
cat "$T_TMP/trace.err"

# the shell podman exec starts inside the container (not the podman command on the host)
ev=$(jq -c "select(.type==\"execve\" and .proc.exe==\"/bin/sh\" and (.proc.cmdline|contains(\"$MARK\")))" "$T_TMP/ev.json" | head -n 1)
echo "event: $ev"
t_check "exec inside the container is traced" test -n "$ev"
t_check "attributed to the container id" test "$(jq -r .container.id <<<"$ev")" = "$CID"
t_check "runtime is podman" test "$(jq -r .container.runtime <<<"$ev")" = "podman"
t_check "name from containers.json" test "$(jq -r .container.name <<<"$ev")" = "$NAME"
t_check "image from containers.json" test "$(jq -r .container.image <<<"$ev")" = "$IMAGE"
t_done
