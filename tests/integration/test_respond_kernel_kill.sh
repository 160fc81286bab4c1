#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# In-kernel kill at exec (issue 4). A runc container runs a "server" (a static program named
# nginx that forks and execs what it is told). With the rule
#   evt.type in (execve, execveat) and proc.name in (sh, bash) and proc.pname = nginx
# and actions [kill] in enforce mode, the shell nginx execs is killed by the BPF program in
# the exec syscall: the marker file the shell would write never appears, and the alert says
# the kill happened in the kernel. Benign execs (nginx running /bin/true, a shell started by
# runc exec) live. The same rule in detect mode kills nothing. A rule on proc.exepath is
# decided in the kernel too, on the path of the new image (in a container: relative to its
# root), through symlinks, and not for the same bytes at another path.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/agent_lib.sh"
. "$(dirname "$0")/runc.sh"
t_need_root
command -v runc >/dev/null || t_require "runc is not installed (apt-get install -y runc)"
command -v cc >/dev/null || t_require "no C compiler"
command -v jq >/dev/null || t_require "jq is not installed"
"$WARD" trace --backend bpf --duration 1 --quiet 2>/dev/null || t_require "the eBPF sensor does not load"

ROOTFS=$T_TMP/rootfs
ward_busybox_rootfs "$ROOTFS"
cat >"$T_TMP/nginx.c" <<'C'
/* fork, exec argv[1..] in the child, report how it ended */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	int st;
	pid_t p;

	if (argc < 2)
		return 2;
	p = fork();
	if (p == 0) {
		execv(argv[1], argv + 1);
		_exit(127);
	}
	if (p < 0 || waitpid(p, &st, 0) < 0)
		return 3;
	if (WIFSIGNALED(st))
		printf("signaled %d\n", WTERMSIG(st));
	else
		printf("exited %d\n", WEXITSTATUS(st));
	return 0;
}
C
cc -static -O2 -o "$ROOTFS/bin/nginx" "$T_TMP/nginx.c" 2>"$T_TMP/cc.err" || {
  cat "$T_TMP/cc.err"; t_require "cannot link a static C program (libc6-dev)"; }

CID=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
CG=/docker/$CID
NAME=wkk-$$
ward_runc_start "$NAME" "$CG" "$ROOTFS" sleep 1000 || exit 1
t_on_exit "ward_runc_stop $NAME; ward_cgroup_cleanup $CG"

R=$T_TMP/rules; mkdir -p "$R"
cat >"$R/kill.yaml" <<'Y'
- rule: Shell From Web Server
  desc: a web server spawned a shell
  condition: evt.type in (execve, execveat) and proc.name in (sh, bash) and proc.pname = nginx
  output: shell from nginx (%proc.cmdline parent=%proc.pname container=%container.id)
  priority: CRITICAL
  actions: [kill]
Y

start_agent() { # MODE OUT
  printf 'rules:\n  mode: %s\nrespond:\n  protected: [ward-precious]\n' "$1" >"$T_TMP/ward-$1.yaml"
  WARD_AGENT_OUT=$2
  WARD_AGENT_ERR=$T_TMP/agent-$1.err
  # an earlier agent's log (same name) must not satisfy the waits below before this one
  # truncates it: under load the new agent's policies come later than the sleep
  rm -f "$WARD_AGENT_ERR"
  "$WARD" -c "$T_TMP/ward-$1.yaml" agent --json --pidfile "$T_TMP/agent.pid" -r "$R" \
    >"$WARD_AGENT_OUT" 2>"$WARD_AGENT_ERR" &
  WARD_AGENT_PID=$!
  t_wait_for "grep -q 'sensor: ' '$WARD_AGENT_ERR' 2>/dev/null" 60 || { cat "$WARD_AGENT_ERR"; exit 1; }
  # enforce mode: policies reach the kernel after the /proc snapshot; wait for them
  if [ "$1" = enforce ]; then
    t_wait_for "grep -q 'kill in the kernel at exec' '$WARD_AGENT_ERR' 2>/dev/null" 60 || true
  fi
  sleep 1
}
t_on_exit "ward_agent_stop"
kk_result() { # jq over the alerts of the rule: first kill action's field
  jq -r "select(.rule==\"Shell From Web Server\") | .ward.actions[] | select(.action==\"kill\") | .$1" \
    "$WARD_AGENT_OUT" | head -n1
}

# ---- enforce: killed in the kernel ----
start_agent enforce "$T_TMP/enforce.json"
t_check "agent installed the kernel policy" grep -q "1 rule(s) kill in the kernel at exec" "$WARD_AGENT_ERR"
rm -f "$ROOTFS/tmp/marker"
out=$(ward_runc_exec "$NAME" /bin/nginx /bin/sh -c 'echo pwned > /tmp/marker')
t_check "the shell nginx spawned died of SIGKILL ($out)" test "$out" = "signaled 9"
sleep 0.5
t_check "the marker the shell would write never appears" test ! -e "$ROOTFS/tmp/marker"
out=$(ward_runc_exec "$NAME" /bin/nginx /bin/true)
t_check "nginx running /bin/true is not killed ($out)" test "$out" = "exited 0"
ward_runc_exec "$NAME" /bin/sh -c 'echo fine > /tmp/ok'
t_check "a shell started by runc exec (parent runc) runs" grep -q fine "$ROOTFS/tmp/ok"
# a host process named nginx spawning sh: the rule matches on the host as well
cp "$ROOTFS/bin/nginx" "$T_TMP/nginx"
out=$("$T_TMP/nginx" /bin/sh -c "echo pwned > $T_TMP/host-marker")
t_check "on the host too, the shell from nginx is killed ($out)" test "$out" = "signaled 9"
t_check "host marker never appears" test ! -e "$T_TMP/host-marker"
# a protected name is never given a kernel policy (and is refused in user space)
ward_agent_settle 1
ward_agent_stop
t_check "the alert records a kill in the kernel" test "$(kk_result result)" = ok
t_check "the alert says killed in kernel" bash -c "grep -q 'killed in kernel at exec' <<<\"$(kk_result detail)\""
t_check "alert names the container" test \
  "$(jq -r 'select(.rule=="Shell From Web Server") | .output_fields["container.id"]' "$T_TMP/enforce.json" | head -n1)" = "${CID:0:12}"
t_check "no user-space kill was attempted" bash -c "! grep -q 'user-space SIGKILL' '$T_TMP/enforce.json'"
t_check "benign execs raised no alert for the rule" test \
  "$(jq -c 'select(.rule=="Shell From Web Server")' "$T_TMP/enforce.json" | wc -l)" -eq 2

# ---- container-only policy: the kernel tells the container from the host ----
cat >"$R/kill.yaml" <<'Y'
- rule: Shell From Web Server
  desc: a web server in a container spawned a shell
  condition: evt.type in (execve, execveat) and container.id != host and proc.name = sh and proc.pname = nginx
  output: shell from nginx (%proc.cmdline)
  priority: CRITICAL
  actions: [kill]
Y
start_agent enforce "$T_TMP/ct.json"
t_check "container-only rule is kernel-enforced" grep -q "1 rule(s) kill in the kernel at exec" "$WARD_AGENT_ERR"
out=$(ward_runc_exec "$NAME" /bin/nginx /bin/sh -c 'echo pwned > /tmp/marker')
t_check "container-only rule: killed in the container ($out)" test "$out" = "signaled 9"
out=$("$T_TMP/nginx" /bin/sh -c "echo ok > $T_TMP/host-ok")
t_check "container-only rule: the same exec on the host runs ($out)" test "$out" = "exited 0"
t_check "container-only rule: host marker written" grep -q ok "$T_TMP/host-ok"
ward_agent_settle 1
ward_agent_stop
t_check "container-only rule: one alert, killed in kernel" test \
  "$(jq -c 'select(.rule=="Shell From Web Server")' "$T_TMP/ct.json" | grep -c 'killed in kernel')" -eq 1

# ---- exec by path: the kernel compares the new image's path ----
# A static program that writes a marker: at /tmp/dropped in the container and at
# $T_TMP/dropped on the host (the rule names both), and the same bytes under other paths.
cat >"$T_TMP/dropped.c" <<'C'
#include <stdio.h>
int main(int argc, char **argv)
{
	FILE *f = argc > 1 ? fopen(argv[1], "w") : NULL;

	if (!f)
		return 2;
	fputs("ran\n", f);
	return fclose(f) ? 3 : 0;
}
C
cc -static -O2 -o "$T_TMP/dropped" "$T_TMP/dropped.c" || exit 1
cp "$T_TMP/dropped" "$ROOTFS/tmp/dropped"
cp "$T_TMP/dropped" "$ROOTFS/tmp/other"
cp "$T_TMP/dropped" "$T_TMP/other"
cat >"$R/kill.yaml" <<Y
- rule: Dropped Binary Run
  desc: the dropped binary was executed
  condition: evt.type in (execve, execveat) and proc.exepath in (/tmp/dropped, $T_TMP/dropped)
  output: dropped binary ran (%proc.exepath parent=%proc.pname container=%container.id)
  priority: CRITICAL
  actions: [kill]
Y
start_agent enforce "$T_TMP/path.json"
t_wait_for "grep -q 'kill in the kernel at syscalls' '$WARD_AGENT_ERR'" 30 || true
t_check "exec-path rule is kernel-enforced" \
  grep -q "1 rule(s) kill in the kernel at syscalls (exec path 1)" "$WARD_AGENT_ERR"
rm -f "$ROOTFS/tmp/m-path" "$ROOTFS/tmp/m-other" "$T_TMP/m-path" "$T_TMP/m-other"
out=$(ward_runc_exec "$NAME" /bin/nginx /tmp/dropped /tmp/m-path)
t_check "exec path in the container: killed ($out)" test "$out" = "signaled 9"
t_check "exec path in the container: the marker never appears" test ! -e "$ROOTFS/tmp/m-path"
out=$(ward_runc_exec "$NAME" /bin/nginx /tmp/other /tmp/m-other)
t_check "the same bytes at another path run ($out)" test "$out" = "exited 0"
t_check "the other path wrote its marker" grep -q ran "$ROOTFS/tmp/m-other"
out=$("$T_TMP/nginx" "$T_TMP/dropped" "$T_TMP/m-path")
t_check "exec path on the host: killed ($out)" test "$out" = "signaled 9"
t_check "exec path on the host: no marker" test ! -e "$T_TMP/m-path"
# through a symlink: the kernel compares the resolved image, as proc.exepath shows it
ln -sf "$T_TMP/dropped" "$T_TMP/link"
out=$("$T_TMP/nginx" "$T_TMP/link" "$T_TMP/m-link")
t_check "exec through a symlink to the path: killed ($out)" test "$out" = "signaled 9"
# the container's /tmp/dropped seen from the host is another path: it runs
out=$("$T_TMP/nginx" "$ROOTFS/tmp/dropped" "$T_TMP/m-rootfs")
t_check "the container's file run from the host (another path) lives ($out)" test "$out" = "exited 0"
ward_agent_settle 1
ward_agent_stop
t_check "exec path: three alerts, all killed in the kernel" test \
  "$(jq -c 'select(.rule=="Dropped Binary Run") | .ward.actions[] | select(.action=="kill" and .result=="ok")' "$T_TMP/path.json" | grep -c 'killed in kernel at exec')" -eq 3
t_check "exec path: no user-space kill was attempted" bash -c "! grep -q 'user-space SIGKILL' '$T_TMP/path.json'"

# ---- protected names: the agent gives them no kernel policy ----
cat >"$R/kill.yaml" <<'Y'
- rule: Shell From Web Server
  desc: a web server spawned a shell
  condition: evt.type in (execve, execveat) and proc.name in (sh, ward-precious) and proc.pname = nginx
  output: shell from nginx (%proc.cmdline)
  priority: CRITICAL
  actions: [kill]
Y
start_agent enforce "$T_TMP/prot.json"
t_check "a rule naming a protected process stays in user space" \
  grep -q "names a protected process: kill stays in user space" "$WARD_AGENT_ERR"
t_check "no kernel policy installed" grep -q "0 rule(s) kill in the kernel" "$WARD_AGENT_ERR"
ward_agent_stop

# ---- detect: nothing is killed ----
cat >"$R/kill.yaml" <<'Y'
- rule: Shell From Web Server
  desc: a web server spawned a shell
  condition: evt.type in (execve, execveat) and proc.name in (sh, bash) and proc.pname = nginx
  output: shell from nginx (%proc.cmdline)
  priority: CRITICAL
  actions: [kill]
Y
start_agent detect "$T_TMP/detect.json"
out=$(ward_runc_exec "$NAME" /bin/nginx /bin/sh -c 'echo pwned > /tmp/marker')
t_check "detect mode: the shell runs ($out)" test "$out" = "exited 0"
t_check "detect mode: the marker appears" grep -q pwned "$ROOTFS/tmp/marker"
ward_agent_settle 1
ward_agent_stop
t_check "detect mode: the alert says the kill was skipped" test "$(kk_result result)" = skipped
t_done
