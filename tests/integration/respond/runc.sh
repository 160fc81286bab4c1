# SPDX-License-Identifier: Apache-2.0
# Helpers for respond integration tests: busybox-static rootfs and runc containers with a
# Docker-style cgroupsPath (/docker/<64 hex>). Source after lib.sh. Every container started
# here is deleted, and its empty cgroup dirs removed, by the EXIT hook.

r_need_runc() {
  t_need_root
  command -v runc >/dev/null || t_require "runc is not installed (apt-get install -y runc)"
  command -v python3 >/dev/null || t_require "python3 is not installed"
  [ -x /bin/busybox ] || t_require "busybox-static is not installed (apt-get install -y busybox-static)"
  [ -d /sys/fs/cgroup/unified ] || [ -f /sys/fs/cgroup/cgroup.controllers ] || t_require "no cgroup v2 hierarchy"
  t_on_exit r_cleanup
}

# r_rootfs DIR: a 2 MB root filesystem with busybox applets.
r_rootfs() {
  local dir=$1
  mkdir -p "$dir/bin" "$dir/proc" "$dir/dev" "$dir/sys" "$dir/tmp" "$dir/etc"
  cp /bin/busybox "$dir/bin/busybox"
  chroot "$dir" /bin/busybox --install -s /bin
}

R_CONTAINERS=()
r_cleanup() {
  local n id
  for n in "${R_CONTAINERS[@]}"; do
    runc kill "$n" KILL >/dev/null 2>&1 || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do runc delete -f "$n" >/dev/null 2>&1 && break; sleep 0.2; done
  done
  for id in "${R_IDS[@]}"; do
    for d in /sys/fs/cgroup/*/docker/"$id"; do [ -d "$d" ] && rmdir "$d" 2>/dev/null || true; done
  done
  rmdir /sys/fs/cgroup/*/docker 2>/dev/null || true
}
R_IDS=()

# r_run NAME BUNDLE_DIR ROOTFS HOSTNET(0|1) CMD...: starts a detached container; sets R_ID
# (its 64-hex id) and R_PID (host pid of its init).
r_run() {
  local name=$1 bundle=$2 rootfs=$3 hostnet=$4; shift 4
  local args id
  id=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
  mkdir -p "$bundle"
  args=$(printf '%s\n' "$@" | python3 -c 'import json,sys; print(json.dumps([l.rstrip("\n") for l in sys.stdin]))')
  (cd "$bundle" && rm -f config.json && runc spec)
  python3 - "$bundle/config.json" "$rootfs" "$id" "$hostnet" "$args" <<'PY'
import json, sys
path, rootfs, cid, hostnet, args = sys.argv[1:]
c = json.load(open(path))
c["root"] = {"path": rootfs, "readonly": False}
c["process"]["terminal"] = False
c["process"]["args"] = json.loads(args)
c["linux"]["cgroupsPath"] = "/docker/" + cid
if hostnet == "1":
    c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "network"]
json.dump(c, open(path, "w"), indent=1)
PY
  R_CONTAINERS+=("$name"); R_IDS+=("$id")
  runc run -d --bundle "$bundle" "$name" </dev/null >"$bundle/out.log" 2>&1 || { cat "$bundle/out.log"; return 1; }
  R_ID=$id
  R_PID=$(runc state "$name" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
}
