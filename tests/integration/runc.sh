# SPDX-License-Identifier: Apache-2.0
# Sourceable helpers to run real containers with runc from a busybox-static root filesystem.
#   ward_busybox_rootfs DIR          build (or reuse) a busybox rootfs
#   ward_runc_start NAME CGPATH ROOTFS CMD...   start a detached container; sets RUNC_PID
#   ward_runc_exec NAME CMD...       run a command inside it
#   ward_runc_stop NAME              kill and delete it, remove its empty cgroup dirs
# CGPATH is runc's cgroupsPath: /docker/<64hex> gives Docker's layout,
# /kubepods/besteffort/pod<uid>/<64hex> a Kubernetes one.

ward_busybox_rootfs() {
  local dir=$1 bb
  [ -x "$dir/bin/busybox" ] && return 0
  bb=$(command -v busybox || true)
  if [ -z "$bb" ] || ! file "$bb" 2>/dev/null | grep -q static; then
    bb=/bin/busybox
    [ -x "$bb" ] || { apt-get install -y -qq busybox-static >/dev/null; }
  fi
  mkdir -p "$dir/bin" "$dir/etc" "$dir/tmp" "$dir/proc" "$dir/sys" "$dir/dev"
  cp /bin/busybox "$dir/bin/busybox"
  chroot "$dir" /bin/busybox --install -s /bin
  echo "root:x:0:0:root:/root:/bin/sh" > "$dir/etc/passwd"
}

# Bundles live under RUNC_ROOT (default: the test's temp dir).
ward_runc_start() {
  local name=$1 cg=$2 rootfs=$3; shift 3
  local bundle=${RUNC_ROOT:-$T_TMP}/bundle-$name args
  mkdir -p "$bundle"
  args=$(printf '%s\n' "$@" | python3 -c 'import json,sys; print(json.dumps([l.rstrip("\n") for l in sys.stdin]))')
  (cd "$bundle" && rm -f config.json && runc spec)
  python3 - "$bundle/config.json" "$rootfs" "$cg" "$args" <<'PY'
import json, sys
path, rootfs, cg, args = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
c = json.load(open(path))
c["root"] = {"path": rootfs, "readonly": False}
c["process"]["args"] = args
c["process"]["terminal"] = False
c["linux"]["cgroupsPath"] = cg
# share the host network so loopback services are reachable
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "network"]
json.dump(c, open(path, "w"))
PY
  (cd "$bundle" && runc run -d "$name" >/dev/null 2>"$bundle/runc.err" </dev/null) || {
    cat "$bundle/runc.err" >&2; return 1; }
  RUNC_PID=$(runc state "$name" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
}

ward_runc_exec() {
  local name=$1; shift
  runc exec "$name" "$@"
}

ward_runc_stop() {
  local name=$1
  runc kill "$name" KILL >/dev/null 2>&1 || true
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    runc delete -f "$name" >/dev/null 2>&1 && break
    sleep 0.2
  done
}

# Removes empty cgroup directories a runc cgroupsPath left in every hierarchy.
ward_cgroup_cleanup() {
  local cg=$1 d p
  for d in /sys/fs/cgroup/*/ /sys/fs/cgroup/unified/; do
    p="${d%/}/${cg#/}"
    # walk up from the leaf even when runc already removed it; stop at the first busy dir
    while [ "$p" != "${d%/}" ]; do
      if [ -d "$p" ]; then rmdir "$p" 2>/dev/null || break; fi
      p=$(dirname "$p")
    done
  done
}
