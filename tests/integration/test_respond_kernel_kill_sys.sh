#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# In-kernel kill beyond exec (issue 4), the per-rule mode and the kernel's rate limit.
# A marker program (respond/kkprobe.c) does one syscall and then writes a marker file; copied
# under names of its own, it is the only process the rules can match.
#  - connect: refused by the cgroup connect4 hook and killed; a listener on the port never
#    sees a connection; the same program under another name connects.
#  - open: the process dies before open() returns; its marker never appears.
#  - unshare, ptrace (PTRACE_ATTACH): killed at sys_enter; the tracee, which the completed
#    attach left with a SIGSTOP, is resumed by the agent.
#  - the rules carry `mode: enforce` while rules.mode is detect; a rule without a mode only
#    reports. Then the reverse: rules.mode enforce and `mode: detect` only reports.
#  - respond.rate_limit_per_min: 2: of four opens in one cgroup, two are killed, two are
#    reported as rate limited.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/agent_lib.sh"
t_need_root
command -v cc >/dev/null || t_require "no C compiler"
command -v jq >/dev/null || t_require "jq is not installed"
command -v python3 >/dev/null || t_require "python3 is not installed"
"$WARD" trace --backend bpf --duration 1 --quiet 2>/dev/null || t_require "the eBPF sensor does not load"
[ -d /sys/fs/cgroup/unified ] || [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || \
  t_require "no cgroup v2 hierarchy"

cc -O2 -o "$T_TMP/kkprobe" "$(dirname "$0")/respond/kkprobe.c" || t_require "cannot build the probe"
S=$$
for n in kkc kko kku kkp kkx kkr; do cp "$T_TMP/kkprobe" "$T_TMP/$n$S"; done
# comms are 15 characters at most; the pid suffix keeps them ours
C=kkc$S O=kko$S U=kku$S P=kkp$S X=kkx$S RL=kkr$S
SECRET=$T_TMP/secret; echo s >"$SECRET"
PORT=$((20000 + S % 20000))

R=$T_TMP/rules; mkdir -p "$R"
write_rules() { # MODE_FOR_KILL_RULES
  local m=$1
  cat >"$R/kk.yaml" <<Y
- rule: KK connect
  desc: marker program connects to the test port
  condition: evt.type = connect and fd.sip = 127.0.0.1 and fd.sport = $PORT and proc.name = $C
  output: kk connect (%proc.name %fd.name)
  priority: CRITICAL
  actions: [kill]
  mode: $m
- rule: KK open
  desc: marker program opens the secret
  condition: evt.type in (open, openat) and fd.name = $SECRET and proc.name in ($O, $RL)
  output: kk open (%proc.name %fd.name)
  priority: CRITICAL
  actions: [kill]
  mode: $m
- rule: KK unshare
  desc: marker program unshares
  condition: evt.type = unshare and proc.name = $U
  output: kk unshare (%proc.name)
  priority: CRITICAL
  actions: [kill]
  mode: $m
- rule: KK ptrace
  desc: marker program attaches
  condition: evt.type = ptrace and evt.arg.request in (PTRACE_ATTACH, PTRACE_SEIZE) and proc.name = $P
  output: kk ptrace (%proc.name)
  priority: CRITICAL
  actions: [kill]
  mode: $m
- rule: KK open nomode
  desc: the same kind of rule without a mode follows rules.mode
  condition: evt.type in (open, openat) and fd.name = $SECRET and proc.name = $X
  output: kk open nomode (%proc.name)
  priority: CRITICAL
  actions: [kill]
Y
}

start_agent() { # GLOBAL_MODE OUT [RATE]
  printf 'rules:\n  mode: %s\nrespond:\n  rate_limit_per_min: %s\n' "$1" "${3:-10}" >"$T_TMP/ward.yaml"
  WARD_AGENT_OUT=$2
  WARD_AGENT_ERR=$2.err
  "$WARD" -c "$T_TMP/ward.yaml" agent --json --pidfile "$T_TMP/agent.pid" -r "$R" \
    >"$WARD_AGENT_OUT" 2>"$WARD_AGENT_ERR" &
  WARD_AGENT_PID=$!
  t_wait_for "grep -q 'kill in the kernel at exec' '$WARD_AGENT_ERR'" 60 || { cat "$WARD_AGENT_ERR"; exit 1; }
  sleep 1
}
t_on_exit "ward_agent_stop"
act() { # OUT RULE FIELD: the first kill action's field in the rule's alerts
  jq -r --arg r "$2" 'select(.rule==$r) | .ward.actions[] | select(.action=="kill") | .'"$3" "$1" | head -n1
}

# a listener that counts the connections it accepts
python3 - "$PORT" "$T_TMP/accepted" <<'PY' &
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16); s.settimeout(0.2)
n = 0; end = time.time() + 120
open(sys.argv[2], "w").write("0\n")
while time.time() < end:
    try:
        c, _ = s.accept(); c.close(); n += 1
        open(sys.argv[2], "w").write("%d\n" % n)
    except socket.timeout:
        pass
PY
LISTENER=$!
t_on_exit "kill $LISTENER 2>/dev/null"
t_wait_for "test -s $T_TMP/accepted" 10

# ---- rules.mode detect, kill rules with mode: enforce ----
write_rules enforce
start_agent detect "$T_TMP/a.json"
t_check "connect/open/unshare/ptrace policies installed" \
  grep -q "rule(s) kill in the kernel at syscalls (open 1, connect 1, ptrace 1, unshare 1)" "$WARD_AGENT_ERR"

rc=0; "$T_TMP/$C" connect "$T_TMP/m-conn" 127.0.0.1 "$PORT" || rc=$?
t_check "connect: the caller died of SIGKILL (status $rc)" test "$rc" = 137
t_check "connect: it never returned to user space" test ! -e "$T_TMP/m-conn"
sleep 0.5
t_check "connect: the listener never saw a connection" test "$(cat "$T_TMP/accepted")" = 0
"$T_TMP/$X" connect "$T_TMP/m-conn-x" 127.0.0.1 "$PORT"
t_wait_for "test \"\$(cat $T_TMP/accepted)\" = 1" 5 || true
t_check "connect: another program reaches the listener" grep -q "connect 0" "$T_TMP/m-conn-x"
t_check "connect: the listener saw exactly that one" test "$(cat "$T_TMP/accepted")" = 1

rc=0; "$T_TMP/$O" open "$T_TMP/m-open" "$SECRET" || rc=$?
t_check "open: killed (status $rc)" test "$rc" = 137
t_check "open: the marker after open() never appears" test ! -e "$T_TMP/m-open"
"$T_TMP/$O" open "$T_TMP/m-open-other" /etc/hostname
t_check "open: the same program opening another file lives" grep -Eq "^open [0-9]+$" "$T_TMP/m-open-other"

rc=0; "$T_TMP/$U" unshare "$T_TMP/m-uns" || rc=$?
t_check "unshare: killed at sys_enter (status $rc)" test "$rc" = 137
t_check "unshare: marker never appears" test ! -e "$T_TMP/m-uns"
rc=0; "$T_TMP/$P" ptrace "$T_TMP/m-ptr" || rc=$?
t_check "ptrace attach: killed at sys_enter (status $rc)" test "$rc" = 137
t_check "ptrace attach: marker never appears" test ! -e "$T_TMP/m-ptr"
TRACEE=$(cat "$T_TMP/m-ptr.child" 2>/dev/null)
t_on_exit "kill -KILL $TRACEE 2>/dev/null"
tracee_running() { local s; s=$(sed 's/.*) //' "/proc/$TRACEE/stat" | cut -d' ' -f1); [ "$s" = S ] || [ "$s" = R ]; }
t_check "ptrace attach: the agent resumed the stopped tracee" t_wait_for tracee_running 10

"$T_TMP/$X" open "$T_TMP/m-nomode" "$SECRET"
t_check "rule without a mode follows rules.mode=detect: runs" grep -Eq "^open [0-9]+$" "$T_TMP/m-nomode"
ward_agent_settle 1
ward_agent_stop
for r in connect open unshare ptrace; do
  t_check "alert for $r says killed in kernel" \
    bash -c "grep -q 'killed in kernel at' <<<\"$(act "$T_TMP/a.json" "KK $r" detail)\""
done
t_check "ptrace alert says the tracee was resumed" \
  bash -c "grep -q 'tracee $TRACEE resumed' <<<\"$(act "$T_TMP/a.json" "KK ptrace" detail)\""
t_check "connect alert: refused, no packet sent" \
  bash -c "grep -q 'no packet sent' <<<\"$(act "$T_TMP/a.json" "KK connect" detail)\""
t_check "connect alert names the peer" test \
  "$(jq -r 'select(.rule=="KK connect") | .output' "$T_TMP/a.json" | head -n1 | grep -c "127.0.0.1:$PORT")" -ge 1
t_check "no-mode rule: kill skipped (rules.mode is detect)" test "$(act "$T_TMP/a.json" "KK open nomode" result)" = skipped
t_check "no user-space kill was attempted" bash -c "! grep -q 'user-space SIGKILL' '$T_TMP/a.json'"

# ---- rules.mode enforce, kill rules with mode: detect ----
write_rules detect
start_agent enforce "$T_TMP/b.json"
rc=0; "$T_TMP/$O" open "$T_TMP/m-open-b" "$SECRET" || rc=$?
t_check "mode: detect under rules.mode enforce: open runs (status $rc)" test "$rc" = 0
t_check "mode: detect: marker written" grep -Eq "^open [0-9]+$" "$T_TMP/m-open-b"
rc=0; "$T_TMP/$X" open "$T_TMP/m-nomode-b" "$SECRET" || rc=$?
t_check "rule without a mode follows rules.mode=enforce: killed (status $rc)" test "$rc" = 137
ward_agent_settle 1
ward_agent_stop
t_check "mode: detect: the alert reports the kill as skipped" test "$(act "$T_TMP/b.json" "KK open" result)" = skipped
t_check "mode: detect: the detail names the rule's mode" \
  bash -c "grep -q \"rule's mode is detect\" <<<\"$(act "$T_TMP/b.json" "KK open" detail)\""

# ---- the kernel's rate limit: 2 kills per workload per minute ----
write_rules enforce
CG=/sys/fs/cgroup/unified/ward-kkrate-$S
[ -d /sys/fs/cgroup/unified ] || CG=/sys/fs/cgroup/ward-kkrate-$S
mkdir "$CG"
t_on_exit "rmdir $CG 2>/dev/null"
start_agent enforce "$T_TMP/c.json" 2
for i in 1 2 3 4; do
  sh -c "echo \$\$ > $CG/cgroup.procs; exec $T_TMP/$RL open $T_TMP/m-rate-$i $SECRET" || true
done
n_alive=$(ls "$T_TMP"/m-rate-* 2>/dev/null | wc -l)
t_check "rate limit 2/min: two of four opens were killed, two ran ($n_alive ran)" test "$n_alive" = 2
ward_agent_settle 1
ward_agent_stop
t_check "rate limit: two alerts say killed in kernel" test \
  "$(jq -c 'select(.rule=="KK open") | .ward.actions[] | select(.result=="ok")' "$T_TMP/c.json" | grep -c 'killed in kernel')" = 2
t_check "rate limit: two alerts say rate limited" test \
  "$(jq -c 'select(.rule=="KK open") | .ward.actions[] | select(.result=="refused")' "$T_TMP/c.json" | grep -c 'rate limit')" = 2
t_done
