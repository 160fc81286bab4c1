#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Falco stable ruleset, unchanged, under ward: every rule compiles, and real attacks on the
# host, in a runc container and in an overlay-rooted container raise the Falco rule that
# describes them, with Falco's alert keys.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/runc.sh"
. "$(dirname "$0")/agent_lib.sh"
t_need_root
t_falco_rules || exit 77

# 1. the ruleset loads unchanged, every rule compiles
"$WARD" rules validate "$FALCO" >"$T_TMP/validate.out" 2>&1; rc=$?
cat "$T_TMP/validate.out" | tail -n 3
t_check "falco_rules.yaml validates with exit 0" test "$rc" -eq 0

if ! "$WARD" trace --backend bpf --duration 1 --quiet 2>/dev/null; then
  t_require "the eBPF sensor does not load"
fi
cc -static -O2 -o "$T_TMP/attack" "$WARD_SRC/tests/integration/attacks/attack.c" || { echo "FAIL: cc"; exit 1; }

# containers: a plain runc one, and one whose root is an overlay (for drop-and-execute)
BASE=${WARD_TEST_CACHE:-/var/cache/ward-test}/busybox-rootfs
ward_busybox_rootfs "$BASE"
cp "$T_TMP/attack" "$BASE/bin/ward-attack"
OV=$T_TMP/ov; mkdir -p "$OV/upper" "$OV/work" "$OV/merged"
mount -t overlay overlay -o "lowerdir=$BASE,upperdir=$OV/upper,workdir=$OV/work" "$OV/merged"
t_on_exit "umount -l $OV/merged"
ID1=$(head -c 32 /dev/urandom | sha256sum | cut -c1-64); CG1=/docker/$ID1; N1=ward-fc1-$$
ID2=$(head -c 32 /dev/urandom | sha256sum | cut -c1-64); CG2=/docker/$ID2; N2=ward-fc2-$$
t_on_exit "ward_runc_stop $N1; ward_runc_stop $N2; ward_cgroup_cleanup $CG1; ward_cgroup_cleanup $CG2"

python3 -m http.server --bind 127.0.0.1 0 >"$T_TMP/http.log" 2>&1 &
HPID=$!; t_on_exit "kill $HPID"
t_wait_for "grep -q 'Serving HTTP' $T_TMP/http.log" 10
PORT=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$T_TMP/http.log" | head -n1)

ward_agent_start "$T_TMP/alerts.json" -r "$FALCO" || exit 1

# 2. host scenarios
cat /etc/shadow >/dev/null
mkdir -p "$T_TMP/s"; echo x > "$T_TMP/s/f"
find "$T_TMP/s" -name id_rsa >/dev/null
grep -r "BEGIN RSA PRIVATE" "$T_TMP/s" >/dev/null || true
find "$T_TMP/s" -path '*.aws/credentials' >/dev/null
ln -s /etc/shadow "$T_TMP/s/shadow-link"
ln /etc/shadow "$T_TMP/s/shadow-hard" 2>/dev/null || true
LOGF=/var/log/ward-test-$$.log; echo old > "$LOGF"
: > "$LOGF"
rm -f "$LOGF"
shred -u "$T_TMP/s/f"
"$T_TMP/attack" ptrace
"$T_TMP/attack" traceme || true
cp /bin/true /dev/shm/ward-shm-true; /dev/shm/ward-shm-true; rm -f /dev/shm/ward-shm-true
python3 - <<'PY'
import os
fd = os.memfd_create("ward-fileless")
os.write(fd, open("/bin/true", "rb").read())
pid = os.fork()
if pid == 0:
    os.execve("/proc/self/fd/%d" % fd, ["fileless"], {})
os.waitpid(pid, 0)
PY

# 3. container scenarios
ward_runc_start "$N1" "$CG1" "$BASE" sleep 60
ward_runc_exec "$N1" /bin/ward-attack packet >/dev/null 2>&1 || true  # no CAP_NET_RAW: the attempt is what counts
ward_runc_exec "$N1" /bin/ward-attack redirect 127.0.0.1 "$PORT" </dev/null >/dev/null 2>&1 || true
script -qec "runc exec -t $N1 /bin/sh -c 'exit 0'" /dev/null >/dev/null 2>&1 || true
ward_runc_start "$N2" "$CG2" "$OV/merged" sleep 60
ward_runc_exec "$N2" /bin/sh -c 'cp /bin/busybox /tmp/true && /tmp/true'  # busybox picks the applet from argv[0]
ward_agent_settle 2
ward_agent_stop
grep -E "rules:|error" "$T_TMP/agent.err" | head -n 5

A() { t_check "Falco rule fires: $1" ward_alerted "$@"; }
A "Read sensitive file untrusted" '.output_fields["fd.name"] == "/etc/shadow"'
A "Search Private Keys or Passwords"
A "Find AWS Credentials"
A "Create Symlink Over Sensitive Files"
A "Create Hardlink Over Sensitive Files"
A "Clear Log Activities" ".output_fields[\"fd.name\"] == \"$LOGF\""
A "Remove Bulk Data from Disk"
A "PTRACE attached to process"
A "PTRACE anti-debug attempt"
A "Execution from /dev/shm"
A "Fileless execution via memfd_create"
A "Packet socket created in container" ".ward.container.id == \"$ID1\""
A "Redirect STDOUT/STDIN to Network Connection in Container"
A "Terminal shell in container"
A "Drop and execute new binary in container" ".ward.container.id == \"$ID2\""
one=$(jq -c 'select(.rule == "Read sensitive file untrusted")' "$T_TMP/alerts.json" | head -n 1)
t_check "alert JSON has Falco's keys" test "$(jq -r '[has("time"), has("rule"), has("priority"), has("output"), has("output_fields"), has("tags"), has("hostname"), has("source")] | all' <<<"$one")" = true
t_done
