# SPDX-License-Identifier: Apache-2.0
# A private Docker engine for integration tests. Source it after lib.sh:
#   . "$(dirname "$0")/lib.sh"; . "$(dirname "$0")/docker.sh"
#   ward_docker_start || t_require "dockerd cannot start: $WARD_DOCKER_WHY"
#   t_on_exit ward_docker_stop
#   ward_docker_image                      # local/busybox:test
#   docker run -d --network none local/busybox:test sleep 300
# Everything (data root, exec root, pidfile, socket, log) lives in one temp dir, so tests can
# run next to other engines on the same machine. No bridge, no iptables: containers use
# --network none or namespaces the test makes itself. Not a general Docker installer.
#
# Exports: DOCKER_HOST, WARD_DOCKER_DIR, WARD_DOCKER_SOCK, WARD_DOCKER_LOG.
# Functions return non-zero instead of exiting; WARD_DOCKER_WHY says what went wrong.

WARD_DOCKER_IMAGE=${WARD_DOCKER_IMAGE:-local/busybox:test}

# Installs missing Debian packages (the machine reaches the Debian mirror only).
_ward_docker_apt() {
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" \
    >/dev/null 2>&1
}

ward_docker_start() {
  WARD_DOCKER_WHY=
  if [ "$(id -u)" != 0 ]; then WARD_DOCKER_WHY="needs root"; return 1; fi
  if ! command -v dockerd >/dev/null 2>&1; then
    _ward_docker_apt docker.io || { WARD_DOCKER_WHY="apt-get install docker.io failed"; return 1; }
  fi
  # short path: the socket must fit sun_path (108 bytes) and containerd nests deeper
  WARD_DOCKER_DIR=$(mktemp -d /tmp/ward-dk.XXXXXX)
  WARD_DOCKER_SOCK=$WARD_DOCKER_DIR/docker.sock
  WARD_DOCKER_LOG=$WARD_DOCKER_DIR/dockerd.log
  export WARD_DOCKER_DIR WARD_DOCKER_SOCK WARD_DOCKER_LOG
  export DOCKER_HOST=unix://$WARD_DOCKER_SOCK
  dockerd --data-root "$WARD_DOCKER_DIR/root" --exec-root "$WARD_DOCKER_DIR/exec" \
    --pidfile "$WARD_DOCKER_DIR/dockerd.pid" -H "unix://$WARD_DOCKER_SOCK" \
    --bridge=none --iptables=false --ip6tables=false --ip-masq=false \
    --storage-driver=overlay2 >"$WARD_DOCKER_LOG" 2>&1 &
  WARD_DOCKER_PID=$!
  local i
  for ((i = 0; i < 300; i++)); do
    if docker info >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$WARD_DOCKER_PID" 2>/dev/null; then break; fi
    sleep 0.1
  done
  WARD_DOCKER_WHY="dockerd did not come up: $(tail -n 3 "$WARD_DOCKER_LOG" 2>/dev/null | tr '\n' ' ')"
  ward_docker_stop
  return 1
}

# Imports a 2 MB busybox-static root filesystem as $WARD_DOCKER_IMAGE (no registry needed).
ward_docker_image() {
  local root
  if docker image inspect "$WARD_DOCKER_IMAGE" >/dev/null 2>&1; then return 0; fi
  # the static build: the image has no libc for a dynamic one
  _ward_docker_apt busybox-static || { WARD_DOCKER_WHY="busybox-static missing"; return 1; }
  root=$WARD_DOCKER_DIR/rootfs
  mkdir -p "$root/bin" "$root/tmp" "$root/proc" "$root/sys" "$root/dev" "$root/etc"
  cp /bin/busybox "$root/bin/busybox"
  chroot "$root" /bin/busybox --install -s /bin
  tar -C "$root" -c . | docker import - "$WARD_DOCKER_IMAGE" >/dev/null ||
    { WARD_DOCKER_WHY="docker import failed"; return 1; }
}

ward_docker_stop() {
  local d=${WARD_DOCKER_DIR:-} pid="" i m id ids=""
  [ -n "$d" ] && [ -d "$d" ] || return 0
  if [ -S "$d/docker.sock" ]; then
    ids=$(docker ps -aq --no-trunc 2>/dev/null || true)
    [ -n "$ids" ] && docker rm -f $ids >/dev/null 2>&1 || true
  fi
  [ -f "$d/dockerd.pid" ] && pid=$(cat "$d/dockerd.pid" 2>/dev/null || true)
  [ -n "$pid" ] || pid=${WARD_DOCKER_PID:-}
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  # the engine's netns bind mounts, overlay and shm mounts, deepest first
  for m in $(awk -v d="$d" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
  rm -rf "$d"
  # Cgroups: our containers' (the runtime removes them a moment after the container ends,
  # so retry briefly), then the parents. rmdir refuses, harmlessly, a cgroup still in use,
  # e.g. by another engine on this machine; other engines' containers are never touched.
  for ((i = 0; i < 30; i++)); do
    for id in $ids; do rmdir /sys/fs/cgroup/*/docker/"$id" 2>/dev/null || true; done
    rmdir /sys/fs/cgroup/*/docker 2>/dev/null || true
    ls -d /sys/fs/cgroup/*/docker >/dev/null 2>&1 || break
    sleep 0.1
  done
  WARD_DOCKER_DIR=
}
