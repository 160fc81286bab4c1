#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Container attribution against a real Docker engine: a private dockerd runs a container with
# Kubernetes pod labels and one with every capability, and test_container_docker checks what
# ward's container table learns about them (cgroup path -> id, then name, image, labels, pod).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/docker.sh"

t_need_root
BIN=${WARD_BUILD:-build}/test_container_docker
[ -x "$BIN" ] || { echo "FAIL: $BIN not built"; exit 1; }

ward_docker_start || t_require "dockerd cannot start here: $WARD_DOCKER_WHY"
t_on_exit ward_docker_stop
t_check "busybox image imported" ward_docker_image

docker run -d --name ward-web --network none \
  --label io.kubernetes.pod.name=web-1 --label io.kubernetes.pod.namespace=prod \
  "$WARD_DOCKER_IMAGE" sleep 300 >/dev/null
# --privileged needs CAP_SYS_RESOURCE, which root lacks here (docs/containers.md)
docker run -d --name ward-caps --network none --cap-add ALL --cap-drop SYS_RESOURCE \
  "$WARD_DOCKER_IMAGE" sleep 300 >/dev/null

WEB_ID=$(docker inspect -f '{{.Id}}' ward-web)
WEB_PID=$(docker inspect -f '{{.State.Pid}}' ward-web)
CAPS_PID=$(docker inspect -f '{{.State.Pid}}' ward-caps)
t_check "container is running" test "$WEB_PID" -gt 0
t_check "Docker cgroup layout" grep -q "/docker/$WEB_ID\$" "/proc/$WEB_PID/cgroup"

if WARD_TEST_DOCKER_SOCK=$WARD_DOCKER_SOCK WARD_TEST_DOCKER_WEB_PID=$WEB_PID \
   WARD_TEST_DOCKER_WEB_ID=$WEB_ID WARD_TEST_DOCKER_CAPS_PID=$CAPS_PID \
   "$BIN" >"$T_TMP/out" 2>&1 && ! grep -q SKIPPED "$T_TMP/out"; then
  t_ok "container table reads name, image, labels and pod from the engine"
else
  cat "$T_TMP/out"
  t_fail "container table reads name, image, labels and pod from the engine"
fi
grep -E '^\[ +(OK|FAILED|SKIPPED) +\]' "$T_TMP/out" || true

t_done
