#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The container image as users run it: deploy/docker/Dockerfile built from this repository
# by the real Docker engine (BASE: a Debian 12 image made here with debootstrap, since no
# registry is reachable; the build stage reaches Debian's mirror over the host network),
# then run as the DaemonSet's pod (deploy/kubernetes/ward-agent.yaml, translated to docker
# run by tests/k8s/podspec_docker.py): host PID and network, tracefs, cgroups, the Docker
# socket, its ConfigMap, a read-only root and only the capabilities docs/deploy.md lists. A
# process in another container reads a sensitive file; the agent in its container alerts,
# attributing it to that container by id, name and image; its liveness endpoint answers.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/docker.sh"
t_need_root
if ! "$WARD" trace --backend bpf --duration 1 --quiet 2>"$T_TMP/probe.err"; then
  cat "$T_TMP/probe.err"
  t_require "the eBPF sensor does not load on this machine"
fi
ward_docker_start || t_require "dockerd cannot start: $WARD_DOCKER_WHY"
t_on_exit ward_docker_stop
ward_docker_image || t_require "cannot build the test image: $WARD_DOCKER_WHY"

# a Debian 12 base image, cached between runs
CACHE=${WARD_TEST_CACHE:-/var/cache/ward-test}
ROOT=$CACHE/bookworm-rootfs
if [ ! -x "$ROOT/usr/bin/apt-get" ]; then
  command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap >/dev/null
  echo "==> debootstrap bookworm (once, cached in $ROOT)"
  rm -rf "$ROOT"
  debootstrap --variant=minbase bookworm "$ROOT" http://deb.debian.org/debian >"$T_TMP/deboot.log" 2>&1 ||
    { tail -5 "$T_TMP/deboot.log"; echo "FAIL: debootstrap"; exit 1; }
fi
tar -C "$ROOT" -c . | docker import - local/debian:bookworm >/dev/null || { echo "FAIL: docker import"; exit 1; }

echo "==> docker build (deploy/docker/Dockerfile)"
if DOCKER_BUILDKIT=0 docker build --network host --build-arg BASE=local/debian:bookworm \
    -f "$WARD_SRC/deploy/docker/Dockerfile" -t ward:test "$WARD_SRC" >"$T_TMP/build.log" 2>&1; then rc=0; else rc=$?; fi
tail -n 5 "$T_TMP/build.log"
t_check "the image builds from the repository (rc $rc)" test "$rc" = 0
[ "$rc" = 0 ] || t_done

mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing
docker tag ward:test ward:latest
AG=ward-agent-$$
# Docker 20.10 (Debian 12's docker.io) predates the names CAP_BPF and CAP_PERFMON: there the
# BPF capability is CAP_SYS_ADMIN (newer engines and podman take BPF,PERFMON)
nobpf=()
probe=$(docker run --rm --cap-add BPF "$WARD_DOCKER_IMAGE" true 2>&1 || true)
if grep -qi 'unknown capability' <<<"$probe"; then
  echo "this Docker engine ($(docker version -f '{{.Server.Version}}')) does not know CAP_BPF: using CAP_SYS_ADMIN"
  nobpf=(--no-cap-bpf)
fi
# the DaemonSet's pod as a kubelet on a Docker node would run it: its capabilities, host
# namespaces, mounts and ConfigMap, from deploy/kubernetes/ward-agent.yaml itself
STATE=$T_TMP/state
mapfile -t run < <(python3 "$WARD_SRC/tests/k8s/podspec_docker.py" \
  "$WARD_SRC/deploy/kubernetes/ward-agent.yaml" --config-dir "$T_TMP/etc-ward" \
  --host-path /var/run/docker.sock="$WARD_DOCKER_SOCK" --host-path /var/lib/ward="$STATE" \
  "${nobpf[@]}")
t_check "the DaemonSet's pod spec translates to docker run (got ${#run[@]} arguments)" \
  test "${#run[@]}" -gt 10
echo "docker run ${run[*]}"
docker run -d --name "$AG" "${run[@]}" >"$T_TMP/agent.id"
t_wait_for "docker logs $AG 2>&1 | grep -q 'sensor: '" 60 || true
docker logs "$AG" 2>&1 | grep 'sensor:' | head -n 2
t_check "the agent in its container runs the eBPF sensor undegraded (got: $(docker logs "$AG" 2>&1 | grep 'sensor:' | head -n 1 | cut -c1-140))" \
  sh -c "docker logs '$AG' 2>&1 | grep -q 'info: sensor: ebpf' && ! docker logs '$AG' 2>&1 | grep -q DEGRADED"
sleep 1
VN=ward-victim-$$
VID=$(docker run -d --name "$VN" --network none "$WARD_DOCKER_IMAGE" \
  sh -c 'echo "root:*:19000:0:99999:7:::" > /etc/shadow; sleep 2; cat /etc/shadow; sleep 30')
t_wait_for "docker logs $AG 2>/dev/null | grep -q 'Sensitive Authentication File Read'" 20 || true
docker logs "$AG" >"$T_TMP/alerts.json" 2>/dev/null
# the victim's alert, picked by the container id the agent resolved from the cgroup
line=$(jq -c --arg id "${VID:0:12}" 'select(.rule == "Sensitive Authentication File Read"
  and ((.ward.container.id // "") | startswith($id)))' "$T_TMP/alerts.json" 2>/dev/null | head -n 1)
t_check "the agent alerts on the other container's shadow read (expected rule 'Sensitive Authentication File Read' for container ${VID:0:12}; got: $(jq -r '"\(.rule)@\(.ward.container.id)"' "$T_TMP/alerts.json" 2>/dev/null | sort -u | tr '\n' ' '))" \
  test -n "$line"
got=$(jq -r '.ward.container.name // empty' <<<"${line:-null}")
t_check "the alert names the container (expected $VN, got '$got')" test "$got" = "$VN"
got=$(jq -r '.ward.container.image // empty' <<<"${line:-null}")
t_check "the alert names the image (expected $WARD_DOCKER_IMAGE, got '$got')" test "$got" = "$WARD_DOCKER_IMAGE"
got=$(jq -r '.hostname // empty' <<<"${line:-null}")
t_check "the alert carries the node's hostname (expected $(hostname), got '$got')" test "$got" = "$(hostname)"
# the liveness probe's endpoint, from the ConfigMap's metrics.listen
code=$(curl -s -o "$T_TMP/metrics" -w '%{http_code}' http://127.0.0.1:9376/metrics || true)
t_check "GET /metrics answers 200 with ward's counters (got $code, $(grep -c '^ward_' "$T_TMP/metrics" 2>/dev/null || echo 0) ward_ lines)" \
  sh -c "[ '$code' = 200 ] && grep -q '^ward_' '$T_TMP/metrics'"
# ward doctor inside the pod, under its capabilities, sees every program loaded
docker exec "$AG" ward doctor --json >"$T_TMP/doctor.json" 2>/dev/null || true
got=$(jq -r '"\(.status) \(.backend) \([.programs[] | select(.loaded | not)] | length) not loaded"' "$T_TMP/doctor.json" 2>/dev/null || echo "no JSON")
t_check "ward doctor in the container: ok on ebpf, every program loaded (got: $got)" test "$got" = "ok ebpf 0 not loaded"
docker rm -f "$VN" "$AG" >/dev/null 2>&1 || true
t_done
