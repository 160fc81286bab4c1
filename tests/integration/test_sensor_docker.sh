#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ward trace with a real Docker engine: events from a container carry its id, name, image
# and the Kubernetes pod name and namespace from io.kubernetes.* labels.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/docker.sh"
t_need_root
ward_docker_start || t_require "dockerd cannot start: $WARD_DOCKER_WHY"
t_on_exit ward_docker_stop
ward_docker_image || t_require "cannot build the test image: $WARD_DOCKER_WHY"
if ! "$WARD" trace --backend bpf --duration 1 --quiet 2>"$T_TMP/probe.err"; then
  cat "$T_TMP/probe.err"
  t_require "the eBPF sensor does not load on this machine"
fi

CFG=$T_TMP/ward.yaml
printf 'containers:\n  docker_socket: %s\n' "$WARD_DOCKER_SOCK" > "$CFG"
"$WARD" -c "$CFG" trace --json --type exec,open,exit --duration 60 >"$T_TMP/ev.json" 2>"$T_TMP/trace.err" &
TPID=$!
t_wait_for "grep -q 'sensor: ' $T_TMP/trace.err" 20 || { cat "$T_TMP/trace.err"; exit 1; }
sleep 1
CID=$(docker run -d --name ward-web-$$ --network none \
  --label io.kubernetes.pod.name=web-1 --label io.kubernetes.pod.namespace=prod \
  "$WARD_DOCKER_IMAGE" sh -c 'sleep 2; cat /etc/hostname; sleep 30')
sleep 4
kill -INT $TPID; wait $TPID || true
cat "$T_TMP/trace.err"

ev=$(jq -c "select(.type==\"openat\" and .container.id==\"$CID\" and .args.path==\"/etc/hostname\")" "$T_TMP/ev.json" | head -n 1)
if [ -z "$ev" ]; then
  echo "expected: an openat of /etc/hostname with container.id $CID"
  echo "got: $(wc -l <"$T_TMP/ev.json") events; the container's: $(jq -c "select(.container.id==\"$CID\") | [.type, .args.path]" "$T_TMP/ev.json" | head -n 5 | tr '\n' ' ')"
  echo "got, any /etc/hostname open: $(jq -c 'select(.args.path=="/etc/hostname") | .container' "$T_TMP/ev.json" | head -n 3 | tr '\n' ' ')"
fi
field() { jq -r "$1" <<<"${ev:-{\}}"; }
t_check "event attributed to the container id (expected $CID, got '$(field .container.id)')" test -n "$ev"
t_check "container name from the engine (expected ward-web-$$, got '$(field .container.name)')" test "$(field .container.name)" = "ward-web-$$"
t_check "image from the engine (expected $WARD_DOCKER_IMAGE, got '$(field .container.image)')" test "$(field .container.image)" = "$WARD_DOCKER_IMAGE"
t_check "pod name from io.kubernetes.pod.name (expected web-1, got '$(field .container.pod)')" test "$(field .container.pod)" = "web-1"
t_check "namespace from io.kubernetes.pod.namespace (expected prod, got '$(field .container.namespace)')" test "$(field .container.namespace)" = "prod"
t_check "runtime is docker (got '$(field .container.runtime)')" test "$(field .container.runtime)" = "docker"
t_done
