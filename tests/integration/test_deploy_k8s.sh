#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Kubernetes manifests under deploy/kubernetes/ against the Kubernetes API schema, with no
# API server (none runs here, and kubectl's dry run needs one): tests/k8s/validate.mjs checks
# types, required fields and enums with kubernetes-models' validators and unknown fields with
# TypeScript. Three broken copies must be refused, naming the field, so the check can fail.
# The DaemonSet must also say what the systemd unit says (same capabilities) and carry what
# the sensor needs. That the pod it describes runs and alerts: test_deploy_docker.sh.
. "$(dirname "$0")/lib.sh"
MAN=$WARD_SRC/deploy/kubernetes/ward-agent.yaml

# npm packages pinned by tests/k8s/package-lock.json, cached per lock file
need() { # outside CI a missing tool skips; under CI it fails
  if [ "${CI:-}" = true ]; then echo "FAIL: $1"; exit 1; fi
  echo "SKIP: $1"; exit 77
}
command -v node >/dev/null || apt-get install -y -qq nodejs >/dev/null 2>&1 || need "node.js is missing"
command -v npm >/dev/null || apt-get install -y -qq npm >/dev/null 2>&1 || need "npm is missing"
CACHE=${WARD_TEST_CACHE:-/var/cache/ward-test}
V=$CACHE/k8s-validate-$(sha256sum "$WARD_SRC/tests/k8s/package-lock.json" | cut -c1-12)
if [ ! -d "$V/node_modules/kubernetes-models" ]; then
  echo "==> npm ci (kubernetes-models, yaml, typescript) into $V"
  rm -rf "$V" && mkdir -p "$V"
  cp "$WARD_SRC/tests/k8s/package.json" "$WARD_SRC/tests/k8s/package-lock.json" "$V/"
  (cd "$V" && npm ci --no-audit --no-fund --loglevel=error >"$T_TMP/npm.log" 2>&1) ||
    { tail -n 5 "$T_TMP/npm.log"; rm -rf "$V"; need "npm ci failed (is the npm registry reachable?)"; }
fi
cp "$WARD_SRC/tests/k8s/validate.mjs" "$V/"
validate() { (cd "$V" && node validate.mjs "$@"); }

out=$(validate "$MAN" 2>&1) && rc=0 || rc=$?
echo "$out"
t_check "deploy/kubernetes/ward-agent.yaml is valid Kubernetes (rc $rc)" test "$rc" = 0

# broken copies: each must be refused with the field named
bad() { # NAME SED-EXPR EXPECTED-TEXT
  sed "$2" "$MAN" >"$T_TMP/$1.yaml"
  if cmp -s "$MAN" "$T_TMP/$1.yaml"; then t_fail "$1: the edit did not apply"; return; fi
  out=$(validate "$T_TMP/$1.yaml" 2>&1) && rc=0 || rc=$?
  t_check "$1 is refused naming '$3' (rc $rc; got: $(head -n 2 <<<"$out" | tr '\n' ' '))" \
    sh -c "[ $rc = 1 ] && printf '%s' \"\$1\" | grep -qF -- \"\$2\"" _ "$out" "$3"
}
bad wrong-type 's/hostPID: true/hostPID: "yes"/' 'hostPID: must be boolean'
bad unknown-field 's/readOnlyRootFilesystem: true/readOnlyRootFS: true/' "'\"readOnlyRootFS\"' does not exist"
bad bad-enum 's/type: RollingUpdate/type: Rolling/' 'updateStrategy/type'

# what the manifest must say, read with a YAML parser rather than grep
ds() { python3 -c 'import sys,yaml,json
d=[x for x in yaml.safe_load_all(open(sys.argv[1])) if x and x["kind"]=="DaemonSet"][0]
print(json.dumps(d))' "$MAN" | jq -r "$1"; }
unit_caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$WARD_SRC/deploy/systemd/ward-agent.service" |
  tr ' ' '\n' | sed 's/^CAP_//' | sort | tr '\n' ' ')
pod_caps=$(ds '.spec.template.spec.containers[0].securityContext.capabilities.add[]' | sort | tr '\n' ' ')
t_check "the pod adds exactly the systemd unit's capabilities (unit: $unit_caps; pod: $pod_caps)" \
  test "$unit_caps" = "$pod_caps"
got=$(ds '.spec.template.spec.containers[0].securityContext.capabilities.drop | join(",")')
t_check "the pod drops every other capability (got drop: $got)" test "$got" = ALL
got=$(ds '.spec.template.spec.hostPID')
t_check "the pod shares the host's PID namespace (got hostPID: $got)" test "$got" = true
got=$(ds '[.spec.template.spec.volumes[] | .hostPath.path // empty] | sort | join(" ")')
for p in /sys/fs/cgroup /sys/kernel/btf /sys/kernel/tracing /var/lib/ward; do
  t_check "the pod mounts $p from the host (got: $got)" sh -c "echo ' $got ' | grep -q ' $p '"
done
got=$(ds '.spec.template.spec.tolerations | map(.operator) | join(",")')
t_check "the pod tolerates every taint, so every node runs it (got: $got)" test "$got" = Exists
t_done
