#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ward trace on the fallback backend (proc connector + fanotify), end to end through the
# decoder: a marker shell's exec (argv), its exit code and the file it creates, with the
# right pid; then a Docker container's exec attributed to its id, name and pod.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/docker.sh"
t_need_root

MARK=ward-fb-$$-$RANDOM
FILE=$T_TMP/$MARK.txt
CFG=$T_TMP/ward.yaml
HAVE_DOCKER=0
if ward_docker_start && ward_docker_image; then
  HAVE_DOCKER=1
  t_on_exit ward_docker_stop
  printf 'containers:\n  docker_socket: %s\n' "$WARD_DOCKER_SOCK" > "$CFG"
else
  echo "# no Docker engine ($WARD_DOCKER_WHY): container part off"
  : > "$CFG"
fi

"$WARD" -c "$CFG" trace --backend fallback --json --type exec,exit,open --duration 120 \
  >"$T_TMP/ev.json" 2>"$T_TMP/trace.err" &
TPID=$!
t_on_exit "kill -INT $TPID 2>/dev/null || true"
t_wait_for "grep -q 'sensor: fallback' $T_TMP/trace.err" 20 || { cat "$T_TMP/trace.err"; exit 1; }
t_check "start message says what the fallback misses" grep -q 'missing vs eBPF: network' "$T_TMP/trace.err"

# the sleep keeps /proc/<pid> readable when the exec is reported (docs/sensor-fallback.md)
/bin/sh -c "sleep 1; echo x > $FILE; exit 3" "$MARK" &
MPID=$!
wait $MPID || true
if [ "$HAVE_DOCKER" = 1 ]; then
  # two commands: a lone one would be exec'd over the shell before /proc is read
  CID=$(docker run -d --name "$MARK" --network none --label io.kubernetes.pod.name=web-1 \
    --label io.kubernetes.pod.namespace=prod "$WARD_DOCKER_IMAGE" sh -c "sleep 2; sleep 30" "$MARK")
fi
t_wait_for "grep -q '\"code\":3' $T_TMP/ev.json && grep -q '$FILE' $T_TMP/ev.json && \
  { [ $HAVE_DOCKER = 0 ] || grep -q '\"argv\":\[\"sleep\",\"30\"\]' $T_TMP/ev.json; }" 30 || true
kill -INT $TPID 2>/dev/null || true; wait $TPID || true
cat "$T_TMP/trace.err"

ex=$(jq -c "select(.type==\"execve\" and .proc.pid==$MPID)" "$T_TMP/ev.json" | head -n 1)
echo "exec: $ex"
t_check "exec of the marker with its argv" \
  test "$(jq -c .args.argv <<<"$ex")" = "[\"/bin/sh\",\"-c\",\"sleep 1; echo x > $FILE; exit 3\",\"$MARK\"]"
t_check "exec has the parent pid" test "$(jq -r .proc.ppid <<<"$ex")" = "$$"
t_check "exit code 3" test -n "$(jq -c "select(.type==\"procexit\" and .proc.pid==$MPID and .args.code==3)" "$T_TMP/ev.json")"
op=$(jq -c "select(.kind==\"open\" and .args.path==\"$FILE\")" "$T_TMP/ev.json" | head -n 1)
echo "open: $op"
t_check "file create by the marker's pid" test "$(jq -r .proc.pid <<<"$op")" = "$MPID"
t_check "create reported as O_WRONLY|O_CREAT" test "$(jq -r .args.flags <<<"$op")" = "O_WRONLY|O_CREAT"
t_check "file event keeps the writer's parent after it exited" test "$(jq -r .proc.ppid <<<"$op")" = "$$"

if [ "$HAVE_DOCKER" = 1 ]; then
  cx=$(jq -c "select(.type==\"execve\" and .container.id==\"$CID\" and (.args.argv|index(\"$MARK\")))" "$T_TMP/ev.json" | head -n 1)
  echo "container exec: $cx"
  t_check "container shell's exec attributed to the container id" test -n "$cx"
  # metadata arrives asynchronously: the exec 2 s later carries it
  cs=$(jq -c "select(.type==\"execve\" and .container.id==\"$CID\" and .args.argv==[\"sleep\",\"30\"])" "$T_TMP/ev.json" | head -n 1)
  echo "later exec: $cs"
  t_check "container name from the engine" test "$(jq -r .container.name <<<"$cs")" = "$MARK"
  t_check "image from the engine" test "$(jq -r .container.image <<<"$cs")" = "$WARD_DOCKER_IMAGE"
  t_check "pod from io.kubernetes.pod.name" test "$(jq -r .container.pod <<<"$cs")" = "web-1"
  t_check "namespace from io.kubernetes.pod.namespace" test "$(jq -r .container.namespace <<<"$cs")" = "prod"
fi
t_done
