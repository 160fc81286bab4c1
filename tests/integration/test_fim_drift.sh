#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ward fim drift on a real overlay mount: a process chrooted into the merged view adds,
# changes and deletes files; drift --pid reports exactly those, flags the new executable,
# and a runc container on the same kind of root (cgroup /docker/<64 hex>) is found by id.
. "$(dirname "$0")/lib.sh"
t_need_root
command -v jq >/dev/null || t_require "jq not installed"
[ -x /bin/busybox ] || t_require "busybox-static not installed"

O=$T_TMP/ov
mkdir -p "$O"/{lower,upper,work,merged}
L=$O/lower
mkdir -p "$L"/{bin,etc,usr/local/bin,var/lib}
cp /bin/busybox "$L/bin/"; chroot "$L" /bin/busybox --install -s /bin
echo "conf=1" >"$L/etc/app.conf"; echo "mode" >"$L/etc/mode-only"; echo "bye" >"$L/etc/gone"
echo "same" >"$L/etc/touched"
mount -t overlay overlay -o "lowerdir=$L,upperdir=$O/upper,workdir=$O/work" "$O/merged"
t_on_exit "umount -l '$O/merged'"

# the changes happen inside the overlay, as a container would make them
chroot "$O/merged" /bin/sh -c '
	echo hello >/new.txt
	cp /bin/busybox /usr/local/bin/dropper
	echo "conf=2" >/etc/app.conf
	chmod 600 /etc/mode-only
	rm /etc/gone
	touch /etc/touched
	mkdir -p /var/lib/state && echo s >/var/lib/state/db'
chroot "$O/merged" /bin/sleep 300 &
SPID=$!
t_on_exit "kill -9 $SPID 2>/dev/null"

rc=0; "$WARD" fim drift --pid "$SPID" --json >"$T_TMP/d.json" 2>"$T_TMP/d.err" || rc=$?
t_check "drift with changes: exit 1 ($(cat "$T_TMP/d.err"))" test "$rc" = 1
jq -r '.containers[0].findings[] | "\(.kind) \(.path)"' "$T_TMP/d.json" | sort >"$T_TMP/got"
sort >"$T_TMP/want" <<W
added /new.txt
added /usr/local/bin/dropper
added /var/lib/state
added /var/lib/state/db
changed /etc/app.conf
changed /etc/mode-only
changed /etc/touched
deleted /etc/gone
W
if diff -u "$T_TMP/want" "$T_TMP/got"; then t_ok "drift reports exactly the changes"; else t_fail "drift reports exactly the changes"; fi
f() { jq -r --arg p "$1" ".containers[0].findings[] | select(.path==\$p) | .$2" "$T_TMP/d.json"; }
t_check "new executable flagged" test "$(f /usr/local/bin/dropper new_executable)" = true
t_check "plain file not flagged" test "$(f /new.txt new_executable)" = false
t_check "content change named ($(f /etc/app.conf changed))" test "$(f /etc/app.conf changed)" = content,mtime
t_check "mode-only change named ($(f /etc/mode-only changed))" test "$(f /etc/mode-only changed)" = mode
t_check "touch is not a content change" test "$(f /etc/touched changed)" = mtime
t_check "upperdir reported" test "$(jq -r '.containers[0].upperdir' "$T_TMP/d.json")" = "$O/upper"
t_check "summary" test "$(jq -c '.summary|[.added,.changed,.deleted,.new_executables]' "$T_TMP/d.json")" = "[4,3,1,1]"
"$WARD" fim drift --pid "$SPID" >"$T_TMP/d.txt" 2>&1 || true
t_check "text output calls out the executable" grep -q "added    /usr/local/bin/dropper  NEW EXECUTABLE" "$T_TMP/d.txt"
rc=0; "$WARD" fim drift --pid $$ >/dev/null 2>"$T_TMP/e.err" || rc=$?
t_check "non-overlay root: exit 2 with reason" grep -q "not a writable overlay" "$T_TMP/e.err"

# --- a runc container whose root is the overlay -------------------------------------------
if command -v runc >/dev/null; then
	CID=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
	B=$T_TMP/bundle; mkdir -p "$B"
	(cd "$B" && runc spec)
	jq --arg r "$O/merged" --arg cg "/docker/$CID" '.root.path=$r | .root.readonly=false |
	    .process.terminal=false | .process.args=["/bin/sleep","300"] | .linux.cgroupsPath=$cg' \
	    "$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"
	NAME=ward-fim-drift-$$
	t_on_exit "runc kill $NAME KILL 2>/dev/null; sleep 0.3; runc delete -f $NAME 2>/dev/null; for c in /sys/fs/cgroup/*/docker/$CID /sys/fs/cgroup/*/*/docker/$CID; do rmdir \$c 2>/dev/null; done; for c in /sys/fs/cgroup/*/docker /sys/fs/cgroup/*/*/docker; do rmdir \$c 2>/dev/null; done"
	(cd "$B" && runc run -d "$NAME" >/dev/null 2>"$T_TMP/runc.err") || t_fail "runc started: $(cat "$T_TMP/runc.err")"
	rc=0; "$WARD" fim drift --container "${CID:0:12}" --json >"$T_TMP/c.json" 2>"$T_TMP/c.err" || rc=$?
	t_check "container found by id prefix ($(cat "$T_TMP/c.err"))" test "$(jq -r '.containers[0].id' "$T_TMP/c.json")" = "$CID"
	t_check "container drift lists the dropper" test "$(jq -r '[.containers[0].findings[]|select(.path=="/usr/local/bin/dropper" and .new_executable)]|length' "$T_TMP/c.json")" = 1
	rc=0; "$WARD" fim drift --all --json >"$T_TMP/a.json" 2>/dev/null || rc=$?
	t_check "--all includes the container" test "$(jq -r --arg c "$CID" '[.containers[]|select(.id==$c)]|length' "$T_TMP/a.json")" = 1
	rc=0; "$WARD" fim drift --container ffffffffffff >/dev/null 2>"$T_TMP/n.err" || rc=$?
	t_check "unknown container: exit 2" test "$rc" = 2
else
	t_require "runc missing"
fi
t_done
