#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `ward scan image --docker NAME` against a real Docker Engine started here (platform.md
# recipe, private data root and socket): the image is loaded with `docker load` and must
# scan to the same result as the docker-save file; a missing image is a clear error.
. "$(dirname "$0")/lib.sh"
. "$WARD_SRC/tests/integration/scan/fixtures.sh"
t_need_root
command -v dockerd >/dev/null || t_require "dockerd not installed (apt-get install docker.io)"

D=$T_TMP/dk; mkdir -p "$D"
dockerd --data-root "$D/root" --exec-root "$D/exec" --pidfile "$D/dockerd.pid" \
  -H "unix://$D/docker.sock" --bridge=none --iptables=false --ip6tables=false \
  --ip-masq=false --storage-driver=overlay2 >"$D/dockerd.log" 2>&1 &
DPID=$!
t_on_exit "kill $DPID 2>/dev/null; wait $DPID 2>/dev/null; umount '$D/exec/netns/default' 2>/dev/null; umount -R '$D/root' 2>/dev/null"
export DOCKER_HOST=unix://$D/docker.sock
t_wait_for "docker info >/dev/null 2>&1" 30 || { cat "$D/dockerd.log" | tail -20; t_fail "dockerd did not start"; t_done; exit 1; }

BB=$(fx_busybox_root)
L1=$T_TMP/l1 L2=$T_TMP/l2
mkdir -p "$L1/app/node_modules/lodash" "$L1/etc" "$L2/app/node_modules" "$L2/etc"
cp -a "$BB/." "$L1/"
printf 'ID=debian\nVERSION_ID=12\n' >"$L1/etc/os-release"
echo '{"name":"lodash","version":"4.17.15"}' >"$L1/app/node_modules/lodash/package.json"
mkdir -p "$L1/app/node_modules/minimist"; echo '{"name":"minimist","version":"1.2.0"}' >"$L1/app/node_modules/minimist/package.json"
: >"$L2/app/node_modules/.wh.minimist"
echo 'k=AKIAZ7QRSTUVWXYZ2345' >"$L2/etc/creds"
mk_docker_archive "$T_TMP/img.tar" "$L1" "$L2"
docker load -q -i "$T_TMP/img.tar" >/dev/null

"$WARD" scan image --docker ward-test:latest --json -q -o "$T_TMP/docker.json"
"$WARD" scan image "$T_TMP/img.tar" --json -q -o "$T_TMP/file.json"
t_check "docker: lodash found, deleted minimist not" jq -e '([.packages[] | select(.name=="lodash")] | length==1) and ([.packages[] | select(.name=="minimist")] | length==0)' "$T_TMP/docker.json"
t_check "docker: secret from layer 2" jq -e '[.secrets[] | select(.path=="etc/creds")] | length==1' "$T_TMP/docker.json"
t_check "docker: same inventory and findings as the saved file" diff \
  <(jq -c '[.packages[] | [.name,.version,.path]], [.secrets[] | [.rule,.path,.line]], .os' "$T_TMP/docker.json") \
  <(jq -c '[.packages[] | [.name,.version,.path]], [.secrets[] | [.rule,.path,.line]], .os' "$T_TMP/file.json")
set +e
"$WARD" scan image --docker no-such-image:1 -q 2>"$T_TMP/missing.err"; rc=$?
set -e
t_check "missing image: exit 1 with the Engine's message" bash -c "[ $rc = 1 ] && grep -q 'HTTP 404' '$T_TMP/missing.err'"
docker rmi -f ward-test:latest >/dev/null 2>&1 || true
t_done
