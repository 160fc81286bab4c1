#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The default ruleset against real attacks: every rule listed below is triggered for real on
# the host or in a runc container and must alert; then the benign neighbour of each, plus a
# benign workload (a package install, a compile, a web server serving requests, an
# interactive-looking admin session), must raise nothing at Warning or above.
# Alerts are matched to this test by process ancestry (this shell's pid) or container id,
# because other activity on the machine is visible to the sensor too.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/runc.sh"
. "$(dirname "$0")/agent_lib.sh"
t_need_root
if ! "$WARD" trace --backend bpf --duration 1 --quiet 2>/dev/null; then
  t_require "the eBPF sensor does not load"
fi
for p in jq runc curl iptables; do command -v $p >/dev/null || apt-get install -y -qq $p >/dev/null; done

D=$T_TMP/w; mkdir -p "$D/home/.ssh" "$D/home/.aws"
ME=$$
cc -static -O2 -o "$T_TMP/attack" "$WARD_SRC/tests/integration/attacks/attack.c"
BASE=${WARD_TEST_CACHE:-/var/cache/ward-test}/busybox-rootfs
ward_busybox_rootfs "$BASE"
cp "$T_TMP/attack" "$BASE/bin/ward-attack"
for n in useradd ssh apt-get; do ln -sf busybox "$BASE/bin/$n"; done
mkdir -p "$BASE/var/run" "$BASE/mnt"; : > "$BASE/var/run/docker.sock"
OV=$T_TMP/ov; mkdir -p "$OV/upper" "$OV/work" "$OV/merged"
mount -t overlay overlay -o "lowerdir=$BASE,upperdir=$OV/upper,workdir=$OV/work" "$OV/merged"
t_on_exit "umount -l $OV/merged"
ID1=$(head -c 32 /dev/urandom | sha256sum | cut -c1-64); CG1=/docker/$ID1; N1=ward-dr1-$$
ID2=$(head -c 32 /dev/urandom | sha256sum | cut -c1-64); CG2=/docker/$ID2; N2=ward-dr2-$$
t_on_exit "ward_runc_stop $N1; ward_runc_stop $N2; ward_cgroup_cleanup $CG1; ward_cgroup_cleanup $CG2"
python3 -m http.server --bind 127.0.0.1 0 --directory "$D" >"$T_TMP/http.log" 2>&1 &
HPID=$!; t_on_exit "kill $HPID"
t_wait_for "grep -q 'Serving HTTP' $T_TMP/http.log" 10
PORT=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$T_TMP/http.log" | head -n1)
python3 -c 'import socket,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 3333)); s.listen(16); time.sleep(600)' &
MPID=$!; t_on_exit "kill $MPID"
ward_runc_start "$N1" "$CG1" "$BASE" sleep 600
ward_runc_start "$N2" "$CG2" "$OV/merged" sleep 600

# files the attacks touch, restored at exit
backup() { [ -e "$1" ] && cp -a "$1" "$T_TMP/bak.$(echo "$1" | tr / _)"; t_on_exit "restore '$1'"; }
restore() { local b=$T_TMP/bak.$(echo "$1" | tr / _); if [ -e "$b" ]; then cp -a "$b" "$1"; else rm -f "$1"; fi; }
backup /etc/ld.so.preload
backup /etc/cron.d/ward-test
[ -d /etc/sudoers.d ] || { mkdir -m 0750 /etc/sudoers.d; t_on_exit "rmdir /etc/sudoers.d"; }
backup /etc/sudoers.d/ward-test
backup /etc/systemd/system/ward-test.service
backup /etc/ward-test.conf
backup /usr/local/bin/ward-test-bin
backup /usr/lib/ward-test.so
LOGF=/var/log/ward-test-$$.log; t_on_exit "rm -f $LOGF"

host() { bash -c "$1" </dev/null >/dev/null 2>&1 || true; }
ctr() { runc exec "$N1" /bin/sh -c "$1" </dev/null >/dev/null 2>&1 || true; }
ctr2() { runc exec "$N2" /bin/sh -c "$1" </dev/null >/dev/null 2>&1 || true; }
tty_host() { script -qec "$1" /dev/null </dev/null >/dev/null 2>&1 || true; }

# ---------------- attacks: rule | how ----------------
declare -a RULES=()
attack() { RULES+=("$1"); shift; "$@"; }

ward_agent_start "$T_TMP/attacks.json" || exit 1
cp /bin/sh "$D/nginx"; cp /bin/sh "$D/postgres"; cp /bin/true "$D/nc"; cp /bin/true "$D/nmap"
cp /bin/true "$D/xmrig"; cp /bin/true "$D/auditctl"; cp /bin/true "$D/shred"; # the interpreter itself, not a wrapper script (pyenv puts shims on PATH)
PY=$(python3 -c 'import sys; print(sys.executable)')
cp "$PY" "$D/sleep"; cp "$PY" "$D/tini"
attack "Shell Spawned by Web Server" host "$D/nginx -c 'sh -c id'"
attack "Shell Spawned by Database Server" host "$D/postgres -c 'sh -c id'"
attack "Terminal Shell in Container" tty_host "runc exec -t $N1 /bin/sh -c 'exit 0'"
attack "Reverse Shell Redirects Standard Streams to Socket" host "$T_TMP/attack redirect 127.0.0.1 $PORT"
attack "Shell Opened Network Connection" host "exec 3<>/dev/tcp/127.0.0.1/$PORT"
attack "Shell Command Uses /dev/tcp Redirection" host "bash -c 'echo x >/dev/tcp/127.0.0.1/$PORT'"
attack "Netcat Runs Program for Remote Peer" host "$D/nc -e /bin/sh 127.0.0.1 1"
attack "Drifted Binary Executed in Container" ctr2 "cp /bin/busybox /tmp/true && /tmp/true"
attack "Fileless Execution via memfd" host "python3 -c 'import os
fd=os.memfd_create(\"x\"); os.write(fd, open(\"/bin/true\",\"rb\").read()); os.execve(\"/proc/self/fd/%d\" % fd, [\"x\"], {})'"
attack "Execution from /dev/shm" host "cp /bin/true /dev/shm/ward-x-$$ && /dev/shm/ward-x-$$; rm -f /dev/shm/ward-x-$$"
attack "SSH Authorized Keys Modified" host "echo key >> $D/home/.ssh/authorized_keys"
attack "Cron Configuration Modified" host "echo '# ward test' > /etc/cron.d/ward-test"
attack "Systemd Unit File Written" host "printf '[Service]\n' > /etc/systemd/system/ward-test.service"
attack "Shell Startup File Modified" host "echo id >> $D/home/.bashrc"
attack "Dynamic Linker Preload Configured" host ": >> /etc/ld.so.preload"
attack "Setuid or Setgid Bit Set" host "cp /bin/true $D/suid && chmod u+s $D/suid"
attack "Sudoers Modified" host "echo '# ward test' > /etc/sudoers.d/ward-test"
attack "User Account Tool Run in Container" ctr "useradd evil"
attack "Log File Cleared" host "echo old > $LOGF; : > $LOGF"
attack "Shell History Cleared" host "echo x > $D/home/.bash_history; truncate -s0 $D/home/.bash_history"
attack "Shell History Redirected to Null Device" host "rm -f $D/home/.bash_history; ln -sf /dev/null $D/home/.bash_history"
attack "Link Created to Sensitive File" host "ln -s /etc/shadow $D/s"
attack "Write Below Binary Directory" host "cp /bin/true /usr/local/bin/ward-test-bin"
attack "Write Below Library Directory" host "cp /bin/true /usr/lib/ward-test.so"
attack "Write Below Etc" host "echo x > /etc/ward-test.conf"
attack "Firewall Rules Flushed" host "ip netns add ward-fw-$$; ip netns exec ward-fw-$$ iptables -F; ip netns del ward-fw-$$"
attack "Sensitive Authentication File Read" host "cat /etc/shadow"
attack "SSH Private Key Read" host "echo k > $D/home/.ssh/id_ed25519; cat $D/home/.ssh/id_ed25519"
attack "Cloud Credentials Read" host "echo k > $D/home/.aws/credentials; cat $D/home/.aws/credentials"
attack "Credential Search in Files" host "grep -r password $D"
attack "Process Memory Accessed via procfs" host "python3 -c 'open(\"/proc/$HPID/mem\",\"rb\")'"
attack "Ptrace Attach to Process" host "$T_TMP/attack ptrace"
attack "Anti-Debugging via PTRACE_TRACEME" host "$T_TMP/attack traceme"
# rewrite the current value: the write is what counts, and nothing changes
attack "Kernel Escape Handler Written" host "cat /proc/sys/kernel/core_pattern > $T_TMP/cp && cat $T_TMP/cp > /proc/sys/kernel/core_pattern"
attack "Namespace Change in Container" ctr "unshare -m true"
attack "Packet Socket Created in Container" ctr "/bin/ward-attack packet"
attack "Network Scanning Tool Launched" host "$D/nmap -p 1 127.0.0.1"
attack "Privilege Escalation Enumeration Script" host "echo true > $D/linpeas.sh; sh $D/linpeas.sh"
attack "SSH Client Launched in Container" ctr "ssh -V"
attack "Package Manager Run in Container" ctr "apt-get --version"
attack "Crypto Mining Pool Connection" host "$T_TMP/attack connect 127.0.0.1 3333"
attack "Crypto Miner Executed" host "$D/xmrig"
attack "Outbound Connection from Basic Utility" host "$D/sleep -c 'import socket; socket.create_connection((\"127.0.0.1\", $PORT))'"
attack "Outbound Connection from Container Runtime Helper" host "$D/tini -c 'import socket; socket.create_connection((\"127.0.0.1\", $PORT))'"
attack "Disk Wipe Tool Executed" host "echo x > $D/wipe; $D/shred -u $D/wipe"
attack "Recursive Deletion of System Directory" host "unshare -m sh -c 'mount -t tmpfs x /srv && rm -rf /srv'"
attack "Security Tooling Disabled" host "$D/auditctl -D"
attack "Cgroup Release Agent Modified" host "mkdir /sys/fs/cgroup/memory/ward-test-$$ && echo 0 > /sys/fs/cgroup/memory/ward-test-$$/notify_on_release; rmdir /sys/fs/cgroup/memory/ward-test-$$"
attack "Mount Inside Container" ctr "mount -t tmpfs x /mnt"
attack "Container Runtime Socket Accessed from Container" ctr "cat /var/run/docker.sock"
attack "Interactive Write Below Etc" tty_host "bash -i -c 'echo x >> /etc/ward-test.conf; exit'"
ward_agent_settle 2
ward_agent_stop

for r in "${RULES[@]}"; do
  t_check "alerts: $r" ward_alerted "$r" \
    "([.ward.ancestry[]?.pid] | index($ME)) != null or .ward.container.id == \"$ID1\" or .ward.container.id == \"$ID2\""
done

# ---------------- benign neighbours and workload ----------------
ward_agent_start "$T_TMP/benign.json" || exit 1
host "$D/nginx -c ':'"
host "$D/postgres -c ':'"
ctr "ls /"
host "sh -c 'echo x > /dev/null'"
host "curl -s http://127.0.0.1:$PORT/ -o /dev/null"
host "ls /dev"
host "$D/nc -z 127.0.0.1 1"
ctr2 "/bin/true"
host "python3 -c 'import os; os.memfd_create(\"shm\")'"
host "echo data > /dev/shm/ward-data-$$; cat /dev/shm/ward-data-$$; rm -f /dev/shm/ward-data-$$"
host "cat $D/home/.ssh/authorized_keys; crontab -l; cat $D/home/.bashrc"
host "chmod 755 $D/suid; ldconfig"
host "ln -s /etc/hostname $D/h"
host "cat /etc/passwd; cat $D/home/.ssh/id_ed25519.pub"
mkdir -p "$T_TMP/conf"; echo "listen 80;" > "$T_TMP/conf/site.conf"
host "grep -r listen $T_TMP/conf"
host "cat /proc/1/status; iptables -L -n"
host "$T_TMP/attack connect 127.0.0.1 $PORT"
host "dd if=/dev/zero of=$D/img bs=1k count=16; rm -rf $D/build-tmp"
host "/bin/sleep 0"
# a benign workload: package install, compile, web server serving requests, admin session
host "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --reinstall hostname"
host "printf 'int main(void){return 0;}\n' > $D/hello.c && cc -O2 -o $D/hello $D/hello.c && $D/hello"
for i in 1 2 3 4 5; do host "curl -s http://127.0.0.1:$PORT/ -o /dev/null"; done
tty_host "bash -i -c 'cd /etc; ls; cat hostname; ps aux; df -h; exit'"
ward_agent_settle 2
ward_agent_stop

loud=$(jq -c "select(([.ward.ancestry[]?.pid] | index($ME)) != null or .ward.container.id == \"$ID1\" or .ward.container.id == \"$ID2\") | select(.priority as \$p | [\"Emergency\",\"Alert\",\"Critical\",\"Error\",\"Warning\"] | index(\$p))" "$T_TMP/benign.json")
[ -n "$loud" ] && echo "$loud" | jq -c '{rule, output}' | head -n 20
t_check "benign neighbours and workload raise nothing at Warning or above" test -z "$loud"
t_done
