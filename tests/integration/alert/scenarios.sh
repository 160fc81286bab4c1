#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Attack and benign scenarios for the default ruleset, performed for real on this host.
# Usage: scenarios.sh list                 -> "name|expected-rule", "name|-" or "name|~rule"
#        scenarios.sh run NAME WORKDIR     -> performs NAME with WORKDIR as cwd and $HOME
#
# Every scenario works inside WORKDIR, or creates and removes a uniquely named file where a
# rule needs a system path. A path the scenario cannot remove without tripping a rule is
# listed in WORKDIR/cleanup.txt for the caller to delete after recording stops. (/etc/cron.d, /usr/local/bin, ...); names carry a dot where the
# consuming daemon would otherwise read the file (cron and sudo skip names with dots).
# Nothing here changes the host beyond the scenario's lifetime. Benign scenarios (name
# starting with "benign_") are the neighbours that must not raise the paired rule.
set -u

# name|rule that must fire ("-" for benign: nothing at Warning or above from it; "~RULE" for
# benign work that must raise RULE, a below-Warning audit rule, and nothing at Warning or above)
SCENARIOS='
web_shell|Shell Spawned by Web Server
db_shell|Shell Spawned by Database Server
reverse_shell|Reverse Shell Redirects Standard Streams to Socket
shell_connect|Shell Opened Network Connection
devtcp_cmdline|Shell Command Uses /dev/tcp Redirection
netcat_exec|Netcat Runs Program for Remote Peer
memfd_exec|Fileless Execution via memfd
devshm_exec|Execution from /dev/shm
authorized_keys|SSH Authorized Keys Modified
cron_write|Cron Configuration Modified
systemd_unit|Systemd Unit File Written
bashrc_write|Shell Startup File Modified
ld_preload|Dynamic Linker Preload Configured
setuid|Setuid or Setgid Bit Set
filecap|File Capabilities Set
sudoers|Sudoers Modified
kmod|Kernel Module Loaded
release_agent|Cgroup Release Agent Modified
core_pattern|Kernel Escape Handler Written
ptrace_attach|Ptrace Attach to Process
traceme|Anti-Debugging via PTRACE_TRACEME
proc_mem|Process Memory Accessed via procfs
log_clear|Log File Cleared
history_rm|Shell History Cleared
history_null|Shell History Redirected to Null Device
link_shadow|Link Created to Sensitive File
bin_write|Write Below Binary Directory
lib_write|Write Below Library Directory
etc_write|Write Below Etc
setenforce|Security Tooling Disabled
iptables_flush|Firewall Rules Flushed
shadow_read|Sensitive Authentication File Read
ssh_key_read|SSH Private Key Read
aws_read|Cloud Credentials Read
cred_grep|Credential Search in Files
nmap|Network Scanning Tool Launched
linpeas|Privilege Escalation Enumeration Script
miner_port|Crypto Mining Pool Connection
miner_exec|Crypto Miner Executed
utility_connect|Outbound Connection from Basic Utility
helper_connect|Outbound Connection from Container Runtime Helper
shred|Disk Wipe Tool Executed
rm_root_dir|Recursive Deletion of System Directory
benign_web|-
benign_web_serving|-
benign_dup_pipe|-
benign_curl|-
benign_chmod|-
benign_xattr|-
benign_passwd_read|-
benign_pub_key|-
benign_link|-
benign_log_append|-
benign_grep|-
benign_dd|-
benign_connect|-
benign_devshm_data|-
benign_compile|-
benign_admin|-
benign_pkg_install|-
benign_tty_admin|~Interactive Write Below Etc
'

py() { python3 -c "$@"; }

# A TCP listener on 127.0.0.1 (port $1, 0 = any) that accepts and holds connections. Runs
# in this shell (not a subshell) so the exit trap can stop it; sets PORT. It closes every
# inherited descriptor first so the caller's pipes see EOF when the scenario ends.
listener_py='import os, socket, sys
os.closerange(3, 65536)
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
print(s.getsockname()[1], flush=True)
conns = []
while True:
    c, _ = s.accept()
    conns.append(c)'

listen() {
	rm -f port.txt
	python3 -c "$listener_py" "$1" >port.txt 2>/dev/null </dev/null &
	LISTENER=$!
	trap 'kill $LISTENER 2>/dev/null; wait $LISTENER 2>/dev/null' EXIT
	PORT=
	for _ in $(seq 200); do [ -s port.txt ] && break; sleep 0.05; done
	PORT=$(cat port.txt 2>/dev/null)
}

connect_py='import socket,sys; s=socket.create_connection(("127.0.0.1",int(sys.argv[1]))); s.close()'

run() {
	local name=$1 u="ward-test-$$"
	case $name in
	web_shell) cp /bin/bash ./nginx && ./nginx -c 'sh -c "id >/dev/null"; true' ;;
	db_shell) cp /bin/bash ./postgres && ./postgres -c 'sh -c "id >/dev/null"; true' ;;
	reverse_shell)
		listen 0; port=$PORT
		py 'import socket,os,sys
s=socket.create_connection(("127.0.0.1",int(sys.argv[1])))
saved=os.dup(1); os.dup2(s.fileno(),1); os.dup2(saved,1)' "$port" ;;
	shell_connect|devtcp_cmdline)
		listen 0; port=$PORT
		bash -c "exec 3<>/dev/tcp/127.0.0.1/$port; exec 3>&-" ;;
	netcat_exec) cp /bin/true ./ncat && ./ncat -l 127.0.0.1 1 -e /bin/sh ;;
	memfd_exec)
		py 'import os
fd=os.memfd_create("payload")
os.write(fd, open("/bin/true","rb").read())
pid=os.fork()
if pid==0:
    os.execv("/proc/self/fd/%d" % fd, ["payload"])
os.waitpid(pid,0)' ;;
	devshm_exec) cp /bin/true "/dev/shm/$u" && "/dev/shm/$u"; rm -f "/dev/shm/$u" ;;
	authorized_keys) mkdir -p .ssh && echo "ssh-ed25519 AAAA test" >>.ssh/authorized_keys ;;
	cron_write) echo "# test" >"/etc/cron.d/$u.tmp"; rm -f "/etc/cron.d/$u.tmp" ;;
	systemd_unit) mkdir -p /etc/systemd/system && echo "[Unit]" >"/etc/systemd/system/$u.service"
		rm -f "/etc/systemd/system/$u.service" ;;
	bashrc_write) echo "true" >>.bashrc ;;
	ld_preload)
		# append nothing: the open for writing is the event; an empty file preloads nothing
		if [ -e /etc/ld.so.preload ]; then py 'open("/etc/ld.so.preload","a").close()'
		else py 'open("/etc/ld.so.preload","a").close()'; rm -f /etc/ld.so.preload; fi ;;
	setuid) cp /bin/true ./suid && chmod u+s ./suid ;;
	filecap) cp /bin/true ./capbin && setcap cap_net_raw+ep ./capbin ;;
	sudoers) mkdir -p /etc/sudoers.d && : >"/etc/sudoers.d/$u.tmp"; rm -f "/etc/sudoers.d/$u.tmp" ;;
	kmod) py 'import ctypes,os
fd=os.open("/dev/null",os.O_RDONLY)
ctypes.CDLL(None,use_errno=True).syscall(313,fd,b"",0)' ;;
	release_agent)
		d=/sys/fs/cgroup/memory/$u
		mkdir "$d" && echo 0 >"$d/notify_on_release"; rmdir "$d" ;;
	core_pattern)
		# open for writing without writing: the open is the event, the value stays as it is
		py 'open("/proc/sys/kernel/core_pattern","a").close()' ;;
	ptrace_attach) py 'import ctypes,os,signal,time
libc=ctypes.CDLL(None,use_errno=True)
pid=os.fork()
if pid==0:
    time.sleep(30); os._exit(0)
libc.ptrace(16,pid,0,0)
os.waitpid(pid,0)
libc.ptrace(17,pid,0,0)
os.kill(pid,signal.SIGKILL); os.waitpid(pid,0)' ;;
	traceme) py 'import ctypes; ctypes.CDLL(None).ptrace(0,0,0,0)' ;;
	proc_mem) py 'import os; open("/proc/%d/mem" % os.getppid(),"rb").close()' ;;
	log_clear) echo x >"/var/log/$u.log" && truncate -s0 "/var/log/$u.log"; rm -f "/var/log/$u.log" ;;
	history_rm) echo "ls" >.bash_history && rm -f .bash_history ;;
	history_null) ln -sf /dev/null .zsh_history ;;
	link_shadow) ln -s /etc/shadow ./shadow-link ;;
	bin_write) cp /bin/true "/usr/local/bin/$u"; rm -f "/usr/local/bin/$u" ;;
	lib_write) cp /bin/true "/usr/local/lib/$u.so"; rm -f "/usr/local/lib/$u.so" ;;
	etc_write) sh -c "echo x >/etc/$u.conf"; rm -f "/etc/$u.conf" ;;
	setenforce) cp /bin/true ./setenforce && ./setenforce 0 ;;
	iptables_flush) cp /bin/true ./iptables && ./iptables -F ;;
	shadow_read) cat /etc/shadow >/dev/null ;;
	ssh_key_read) mkdir -p .ssh && echo "not a key" >.ssh/id_ed25519 && cat .ssh/id_ed25519 >/dev/null ;;
	aws_read) mkdir -p .aws && echo "[default]" >.aws/credentials && cat .aws/credentials >/dev/null ;;
	cred_grep) grep -r password . >/dev/null ;;
	nmap) cp /bin/true ./nmap && ./nmap -p 1 127.0.0.1 ;;
	linpeas) cp /bin/true ./linpeas.sh && ./linpeas.sh ;;
	miner_port)
		# if another test already listens on 3333 the connect succeeds just the same
		listen 3333
		py "$connect_py" 3333 ;;
	miner_exec) cp /bin/true ./xmrig && ./xmrig --donate-level 1 ;;
	utility_connect)
		listen 0; port=$PORT
		cp "$(readlink -f /usr/bin/python3)" ./sleep && ./sleep -c "$connect_py" "$port" ;;
	helper_connect)
		listen 0; port=$PORT
		cp "$(readlink -f /usr/bin/python3)" ./tini && ./tini -c "$connect_py" "$port" ;;
	shred) head -c 4096 /dev/zero >junk && shred -u junk ;;
	rm_root_dir) unshare -m sh -c 'mount -t tmpfs none /srv && touch /srv/x && rm -rf /srv' 2>/dev/null; true ;;

	benign_web) cp /bin/bash ./nginx && ./nginx -c '/bin/true; true' ;;
	benign_web_serving)
		# a server named like one in the web-server list answers real requests
		cp "$(readlink -f /usr/bin/python3)" ./node && mkdir -p www && echo hello >www/index.html
		./node -c 'import http.server, os, socketserver, sys
os.closerange(3, 65536)
h = lambda *a: http.server.SimpleHTTPRequestHandler(*a, directory="www")
http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None
s = socketserver.TCPServer(("127.0.0.1", 0), h)
open("port.txt", "w").write(str(s.server_address[1]))
s.serve_forever()' </dev/null >/dev/null 2>&1 &
		local srv=$!
		for _ in $(seq 200); do [ -s port.txt ] && break; sleep 0.05; done
		for _ in 1 2 3; do curl -s -m 5 "http://127.0.0.1:$(cat port.txt)/index.html" >/dev/null; done
		kill $srv; wait $srv 2>/dev/null ;;
	benign_dup_pipe) py 'import os; r,w=os.pipe(); saved=os.dup(1); os.dup2(w,1); os.dup2(saved,1)' ;;
	benign_curl) listen 0; port=$PORT; bash -c "curl -s -m 2 http://127.0.0.1:$port/ >/dev/null; true" ;;
	benign_chmod) cp /bin/true ./plain && chmod 755 ./plain ;;
	benign_xattr) cp /bin/true ./noted && py 'import os; os.setxattr("./noted", "user.note", b"1")' ;;
	benign_passwd_read) cat /etc/passwd >/dev/null ;;
	benign_pub_key) mkdir -p .ssh && echo "ssh-ed25519 AAAA" >.ssh/id_ed25519.pub && cat .ssh/id_ed25519.pub >/dev/null ;;
	benign_link) ln -s /etc/hostname ./hostname-link ;;
	benign_log_append)
		# removing the file would itself be log clearing: the harness deletes it later
		echo x >>"/var/log/$u.log" && echo "/var/log/$u.log" >>cleanup.txt ;;
	benign_grep) grep -r listen . >/dev/null; true ;;
	benign_dd) dd if=/dev/zero of=./img bs=4096 count=1 2>/dev/null ;;
	benign_connect) listen 0; port=$PORT; py "$connect_py" "$port" ;;
	benign_devshm_data) echo data >"/dev/shm/$u" && cat "/dev/shm/$u" >/dev/null; rm -f "/dev/shm/$u" ;;
	benign_compile)
		printf '#include <stdio.h>\nint main(void){puts("hi");return 0;}\n' >hello.c
		cc -o hello hello.c && ./hello >/dev/null ;;
	benign_admin) ls -la /etc >/dev/null; ps aux >/dev/null; df -h >/dev/null; id >/dev/null
		cat /etc/hostname >/dev/null; uname -a >/dev/null ;;
	benign_tty_admin)
		# an administrator at a terminal (script(1) gives the shell a pty): looks around and
		# edits a file below /etc, which is Notice-level audit, not a Warning
		script -qec "ls -la /etc >/dev/null; ps aux >/dev/null; cat /etc/hostname >/dev/null;
			echo 'x=1' >/etc/$u.conf" /dev/null </dev/null >/dev/null 2>&1
		echo "/etc/$u.conf" >>cleanup.txt ;;
	benign_pkg_install)
		# a real package through dpkg: files in /usr/bin, /usr/lib and /etc, and a
		# maintainer script that edits /etc and sets a setuid bit, then removal
		local pkg=ward-test-pkg-$$
		mkdir -p "pkg/DEBIAN" "pkg/usr/bin" "pkg/usr/lib/$pkg" "pkg/etc"
		cp /bin/true "pkg/usr/bin/$pkg"
		cp /bin/true "pkg/usr/lib/$pkg/lib$pkg.so"
		echo "setting=1" >"pkg/etc/$pkg.conf"
		printf 'Package: %s\nVersion: 1.0\nArchitecture: all\nMaintainer: ward tests <t@localhost>\nDescription: ward benign install test\n' "$pkg" >pkg/DEBIAN/control
		printf '#!/bin/sh\nset -e\nsed -i s/1/2/ /etc/%s.conf\nchmod u+s /usr/bin/%s\n' "$pkg" "$pkg" >pkg/DEBIAN/postinst
		chmod 755 pkg/DEBIAN/postinst
		dpkg-deb --build pkg "$pkg.deb" >/dev/null &&
			dpkg -i "$pkg.deb" >/dev/null 2>&1 && dpkg -P "$pkg" >/dev/null 2>&1 ;;
	*) echo "unknown scenario $name" >&2; return 2 ;;
	esac
	return 0
}

# Scenarios this kernel cannot perform, with the reason (printed by "list" to stderr).
unavailable() {
	case $1 in
	kmod) [ -e /proc/modules ] || { echo "kernel built without module support (no init_module/finit_module)"; return 0; } ;;
	esac
	return 1
}

case ${1:-} in
list)
	grep -v '^$' <<<"$SCENARIOS" | while IFS='|' read -r name rule; do
		if why=$(unavailable "$name"); then
			echo "skipped scenario $name: $why" >&2
		else
			echo "$name|$rule"
		fi
	done ;;
run)
	[ $# -eq 3 ] || { echo "usage: $0 run NAME WORKDIR" >&2; exit 2; }
	cd "$3" || exit 1
	export HOME=$3
	run "$2"
	;;
*) echo "usage: $0 list | run NAME WORKDIR" >&2; exit 2 ;;
esac
