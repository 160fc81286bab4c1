#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ward fim watch: create, modify, attribute change, move and delete under a watched tree are
# each reported with the writing process (a marker binary we run), a burst of writes is
# coalesced into one event with a count, and a write from inside a runc container (cgroup
# /docker/<64 hex>) carries that container id.
# Who-data comes from the eBPF sensor (syscall records joined by path and pid, process table
# filled at exec): a writer that exits at once (a dd copy, a chmod copy, an mv copy, run as
# uid 65534, and a dd inside the container) is still named with its pid, uid and container,
# and "who_source" says "sensor". With WARD_REQUIRE_BPF=1 anything else fails; without it,
# a machine with no eBPF skips those checks and runs the /proc ones.
. "$(dirname "$0")/lib.sh"
t_need_root
command -v jq >/dev/null || t_require "jq not installed"

D=$T_TMP/w
mkdir -p "$D"
# The writer is a copy of perl named fimmarker: it makes every change itself (no child
# chmod/mv/rm whose pid would be gone) and stays alive a moment, so /proc can be read.
command -v perl >/dev/null || t_require "perl missing"
cp "$(command -v perl)" "$T_TMP/fimmarker"
# short-lived writers with names of their own
cp "$(command -v dd)" "$T_TMP/fimddmark"; cp "$(command -v chmod)" "$T_TMP/fimchmodmark"
cp "$(command -v mv)" "$T_TMP/fimmvmark"; cp "$(command -v touch)" "$T_TMP/fimtouchmark"
cp "$(command -v perl)" "$T_TMP/fimxamark"
chmod 755 "$T_TMP"
mkdir -m 1777 "$D/pub"; echo s >"$D/pub/short-chmod.txt"; echo s >"$D/pub/short-from.txt"
echo s >"$D/pub/short-touch.txt"; echo s >"$D/pub/short-xa.txt"
chmod 666 "$D/pub/short-chmod.txt"; chown 65534:65534 "$D/pub/short-chmod.txt" "$D/pub/short-from.txt" \
  "$D/pub/short-touch.txt" "$D/pub/short-xa.txt"
echo old >"$D/mod.txt"; echo a >"$D/attr.txt"; echo m >"$D/from.txt"; echo d >"$D/del.txt"

"$WARD" fim watch --path "$D" --json --window 2000 --timeout 300 >"$T_TMP/ev.json" 2>"$T_TMP/watch.err" &
WPID=$!
t_on_exit "kill $WPID 2>/dev/null; wait $WPID 2>/dev/null"
t_wait_for "grep -q watching '$T_TMP/watch.err'" 60 || { cat "$T_TMP/watch.err"; t_fail "watch started"; t_done; }
SENSOR=0
if grep -q 'who-data from the eBPF sensor' "$T_TMP/watch.err"; then
	SENSOR=1
else
	cat "$T_TMP/watch.err"
	t_require "eBPF sensor not available: who-data came from /proc"
	[ "${WARD_REQUIRE_BPF:-0}" = 1 ] && t_fail "watch used the eBPF sensor"
fi

mark() { "$T_TMP/fimmarker" -e "$1; sleep 2" "$D" & }
mark 'open(my $f, ">", "$ARGV[0]/created.txt") or die; print $f "new\n"; close $f'
mark 'open(my $f, ">>", "$ARGV[0]/mod.txt") or die; print $f "more\n"; close $f'
mark 'chmod 0600, "$ARGV[0]/attr.txt" or die'
mark 'rename "$ARGV[0]/from.txt", "$ARGV[0]/to.txt" or die'
mark 'unlink "$ARGV[0]/del.txt" or die'
mark 'for my $i (1..20) { open(my $f, ">>", "$ARGV[0]/burst.txt") or die; print $f "$i\n"; close $f }'
# as uid 65534, each gone right after its one syscall; exec keeps the pid the shell wrote
short() { setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'echo $$ >"$0"; exec "$@"' "$@"; }
mkdir -m 1777 "$T_TMP/pids"
short "$T_TMP/pids/dd" "$T_TMP/fimddmark" if=/dev/null of="$D/pub/short-dd.txt" status=none
short "$T_TMP/pids/chmod" "$T_TMP/fimchmodmark" 600 "$D/pub/short-chmod.txt"
short "$T_TMP/pids/mv" "$T_TMP/fimmvmark" "$D/pub/short-from.txt" "$D/pub/short-to.txt"
short "$T_TMP/pids/touch" "$T_TMP/fimtouchmark" -d @1000000000 "$D/pub/short-touch.txt"
# setxattr(2) (188 on x86_64) of a user attribute: only the attribute changes
short "$T_TMP/pids/xa" "$T_TMP/fimxamark" -e 'my ($p, $n, $v) = ($ARGV[0], "user.ward", "v"); syscall(188, $p, $n, $v, 1, 0) == 0 or die "setxattr: $!"' \
  "$D/pub/short-xa.txt"

# one jq pass per check instead of one per assertion: the lines are path, events, pid, name,
# exe, uid, container, count
summary() { jq -r '[.path, (.events|join(",")), .process.pid, .process.name, .process.exe, .process.uid, (.container.id // "host"), .count, .who_source, (.process.syscall // ""), (.process.exited // ""), (.process.user // ""), (.process.ppid // "")] | @tsv' "$T_TMP/ev.json" 2>/dev/null; }
# ev PATH EVENT: the first summary line for PATH whose events include EVENT
ev() { summary | awk -F'\t' -v p="$D/$1" -v e="$2" '$1 == p && index("," $2 ",", "," e ",") { print; exit }'; }
t_wait_for "grep -q 'burst.txt' '$T_TMP/ev.json' && grep -q 'del.txt' '$T_TMP/ev.json' && grep -q 'to.txt' '$T_TMP/ev.json'" 30 || true
sleep 1 # the last windows close
for c in "created.txt create" "mod.txt modify" "attr.txt attrib" "from.txt moved_from" "to.txt moved_to" "del.txt delete" "burst.txt modify"; do
	set -- $c
	e=$(ev "$1" "$2")
	t_check "$2 of $1 reported" test -n "$e"
	t_check "$2 of $1 by the marker process" test "$(cut -f4 <<<"$e")" = fimmarker
	t_check "$2 of $1 has exe and uid" test "$(cut -f5,6 <<<"$e")" = "$T_TMP/fimmarker	0"
	t_check "$2 of $1 is a host process" test "$(cut -f7 <<<"$e")" = host
	[ $SENSOR = 1 ] && t_check "$2 of $1 attributed by the sensor" test "$(cut -f9 <<<"$e")" = sensor
done
# short-lived writers: gone before anyone could read /proc/<pid>
t_wait_for "grep -q 'short-to.txt' '$T_TMP/ev.json'" 10 || true
for c in "short-dd.txt create fimddmark dd openat" "short-chmod.txt attrib fimchmodmark chmod fchmodat" \
	 "short-from.txt moved_from fimmvmark mv renameat2" "short-to.txt moved_to fimmvmark mv renameat2" \
	 "short-touch.txt attrib fimtouchmark touch utimensat" "short-xa.txt attrib fimxamark xa setxattr"; do
	set -- $c
	e=$(ev "pub/$1" "$2")
	t_check "$2 of $1 (short-lived writer) reported" test -n "$e"
	[ $SENSOR = 1 ] || continue
	t_check "$2 of $1: who_source sensor" test "$(cut -f9 <<<"$e")" = sensor
	t_check "$2 of $1: process $3" test "$(cut -f4 <<<"$e")" = "$3"
	t_check "$2 of $1: its pid" test "$(cut -f3 <<<"$e")" = "$(cat "$T_TMP/pids/$4")"
	t_check "$2 of $1: uid 65534 (nobody)" test "$(cut -f6,12 <<<"$e")" = "65534	nobody"
	t_check "$2 of $1: the exe" test "$(cut -f5 <<<"$e")" = "$T_TMP/$3"
	t_check "$2 of $1: joined with $5 (got '$(cut -f10 <<<"$e")')" test "$(cut -f10 <<<"$e")" = "$5"
	t_check "$2 of $1: writer had exited" test "$(cut -f11 <<<"$e")" = true
done
# 20 writes within the 2 s window: one event (the kernel may merge some of them before
# ward reads them, so the count is between 1 and 20, not an exact number)
t_check "burst coalesced into one event" test "$(grep -c '/burst.txt"' "$T_TMP/ev.json")" = 1
t_check "burst count within 1..20" test "$(cut -f8 <<<"$(ev burst.txt modify)")" -le 20
t_check "cmdline recorded" grep -q "fimmarker -e open.*created.txt.* $D" "$T_TMP/ev.json"

# --- without the sensor: said once at start --------------------------------------------
"$WARD" fim watch --path "$D" --no-sensor --timeout 1 >/dev/null 2>"$T_TMP/nosensor.err" || true
t_check "--no-sensor says who-data is best-effort from /proc" \
	test "$(grep -c 'who-data is best-effort from /proc' "$T_TMP/nosensor.err")" = 1

# --- the same events through the alert pipeline (file output) ----------------------------
mkdir -p "$T_TMP/al"
printf 'outputs:\n  stdout:\n    enabled: false\n  file:\n    path: %s\n' "$T_TMP/al/alerts.json" >"$T_TMP/al/ward.yaml"
"$WARD" -c "$T_TMP/al/ward.yaml" fim watch --path "$D" --alerts --window 100 --count 1 --timeout 30 2>"$T_TMP/al/err" &
APID=$!
: >>"$T_TMP/al/err"
t_wait_for "grep -q watching '$T_TMP/al/err'" 60 || true
"$T_TMP/fimmarker" -e 'open(my $f, ">", "$ARGV[0]/shadow.key") or die; print $f "k"; close $f; sleep 1' "$D"
wait $APID || true
t_check "alert written through the pipeline" test "$(jq -r 'select(.rule=="FIM change") | .output_fields["fd.name"]' "$T_TMP/al/alerts.json" | head -1)" = "$D/shadow.key"
t_check "alert priority from the path class (credentials: Critical)" test "$(jq -r '.priority' "$T_TMP/al/alerts.json" | head -1)" = Critical
t_check "alert names the process" test "$(jq -r '.output_fields["proc.name"]' "$T_TMP/al/alerts.json" | head -1)" = fimmarker
t_check "alert names the user" test "$(jq -r '.output_fields["user.name"]' "$T_TMP/al/alerts.json" | head -1)" = root
[ $SENSOR = 1 ] && t_check "alert says the sensor attributed it" test "$(jq -r '.output_fields["fim.who_source"]' "$T_TMP/al/alerts.json" | head -1)" = sensor

# --- a write from a runc container -------------------------------------------------------
if command -v runc >/dev/null && [ -x /bin/busybox ]; then
	CID=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
	B=$D/bundle; mkdir -p "$B/rootfs/bin"
	cp /bin/busybox "$B/rootfs/bin/"; chroot "$B/rootfs" /bin/busybox --install -s /bin
	(cd "$B" && runc spec)
	jq --arg cg "/docker/$CID" '.root.path="rootfs" | .root.readonly=false | .process.terminal=false |
	    .process.args=["/bin/sh","-c","sleep 0.5; echo c >/ctr-file; dd if=/dev/null of=/ctr-short 2>/dev/null; sleep 5; true"] | .linux.cgroupsPath=$cg' \
	    "$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"
	NAME=ward-fim-watch-$$
	t_on_exit "runc kill $NAME KILL 2>/dev/null; sleep 0.3; runc delete -f $NAME 2>/dev/null; for c in /sys/fs/cgroup/*/docker/$CID /sys/fs/cgroup/*/*/docker/$CID; do rmdir \$c 2>/dev/null; done; for c in /sys/fs/cgroup/*/docker /sys/fs/cgroup/*/*/docker; do rmdir \$c 2>/dev/null; done"
	(cd "$B" && runc run -d "$NAME" >/dev/null 2>"$T_TMP/runc.err") || { cat "$T_TMP/runc.err"; t_fail "runc started"; }
	t_wait_for "grep -q 'rootfs/ctr-file\"' '$T_TMP/ev.json'" 30 || true
	sleep 0.5
	e=$(ev bundle/rootfs/ctr-file create)
	t_check "container write reported" test -n "$e"
	t_check "container write carries the container id" test "$(cut -f7 <<<"$e")" = "$CID"
	t_check "container write carries the container's process" test "$(cut -f4 <<<"$e")" = sh
	t_wait_for "grep -q 'rootfs/ctr-short\"' '$T_TMP/ev.json'" 10 || true
	sh_pid=$(cut -f3 <<<"$e")
	e=$(ev bundle/rootfs/ctr-short create)
	t_check "short-lived container writer reported" test -n "$e"
	t_check "short-lived container writer carries the container id" test "$(cut -f7 <<<"$e")" = "$CID"
	if [ $SENSOR = 1 ]; then
		t_check "container writes attributed by the sensor" test "$(cut -f9 <<<"$e")" = sensor
		# busybox sh runs dd in a forked child without exec: a process of its own (the
		# shell's child, gone at once) whose image is still sh
		t_check "short-lived container writer is the shell's child" \
			test "$(cut -f13 <<<"$e")" = "$sh_pid" -a "$(cut -f3 <<<"$e")" != "$sh_pid"
		t_check "short-lived container writer had exited" test "$(cut -f11 <<<"$e")" = true
		t_check "container write has no host user name" test -z "$(cut -f12 <<<"$e")"
	fi
else
	t_require "runc or busybox-static missing"
fi
t_done
