#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The agent's pidfile is a single-instance lock, and `ward rules reload` signals only a ward
# agent that holds it. No eBPF sensor: the agent replays a FIFO (it blocks reading it, so it
# stays up, holding its pidfile, until the test closes the FIFO).
#  - a stale pidfile naming an unrelated process (`sleep`): reload refuses, exit 1, the
#    process survives (it was killed: SIGHUP to whatever pid the file named)
#  - a second agent on the same pidfile refuses (exit 1) naming the pid and the file, and
#    leaves the first agent's pidfile in place (it took it over and deleted it at exit)
#  - a symlinked pidfile is refused and the link is left alone (it was unlinked at exit)
#  - a pidfile whose pid holds no lock / is not ward, and the live agent's own pidfile
. "$(dirname "$0")/lib.sh"
python3 "$WARD_SRC/tests/integration/alert/burst_capture.py" "$T_TMP/b.cap" 3
R="$WARD_SRC/rules"

# stale pidfile: pid reuse after a kill -9 makes it name some other process
sleep 1000 & SPID=$!
t_on_exit "kill $SPID 2>/dev/null"
echo "$SPID" >"$T_TMP/stale.pid"
rc=0; "$WARD" -c /dev/null rules reload --pidfile "$T_TMP/stale.pid" 2>"$T_TMP/reload.err" || rc=$?
cat "$T_TMP/reload.err"
t_check "reload with a stale pidfile exits 1" test "$rc" -eq 1
t_check "it says the pidfile is stale and nothing was signalled" grep -q "stale pidfile.*$T_TMP/stale.pid.*not signalled" "$T_TMP/reload.err"
sleep 0.2
t_check "the unrelated process survives" kill -0 "$SPID"
# the same, with the lock held by a non-ward process (flock(1) holds flock, not our lock:
# so use a python holder of a POSIX lock)
python3 -c 'import fcntl,os,sys,time
f=open(sys.argv[1],"w"); fcntl.lockf(f,fcntl.LOCK_EX); f.write(str(os.getpid())+"\n"); f.flush()
open(sys.argv[1]+".ready","w").close(); time.sleep(1000)' "$T_TMP/py.pid" & PYPID=$!
t_on_exit "kill $PYPID 2>/dev/null"
t_wait_for "[ -e $T_TMP/py.pid.ready ]" 20
rc=0; "$WARD" -c /dev/null rules reload --pidfile "$T_TMP/py.pid" 2>"$T_TMP/reload2.err" || rc=$?
cat "$T_TMP/reload2.err"
t_check "reload to a locked pid that is not ward exits 1" test "$rc" -eq 1
t_check "it names the process as not a ward agent" grep -q "pid $PYPID is not a ward agent" "$T_TMP/reload2.err"
sleep 0.2
t_check "that process survives" kill -0 "$PYPID"

# a running agent holds its pidfile; a stale one left by a killed agent is replaced whole
# (a new inode renamed over it: written atomically, never truncated and refilled in place)
mkfifo "$T_TMP/fifo"
echo 99999999 >"$T_TMP/agent.pid"
ino_stale=$(stat -c %i "$T_TMP/agent.pid")
"$WARD" -c /dev/null agent --replay "$T_TMP/fifo" --pidfile "$T_TMP/agent.pid" -r "$R" \
  >"$T_TMP/a1.out" 2>"$T_TMP/a1.err" &
APID=$!
t_on_exit "kill $APID 2>/dev/null"
exec 3>"$T_TMP/fifo" # returns once the agent opened the FIFO: its signal handlers are set
t_check "the agent wrote its pid" test "$(cat "$T_TMP/agent.pid")" = "$APID"
t_check "it replaced the stale pidfile by a rename (inode $ino_stale -> $(stat -c %i "$T_TMP/agent.pid"))" \
  test "$(stat -c %i "$T_TMP/agent.pid")" != "$ino_stale"
t_check "no temp file is left beside it" test -z "$(ls "$T_TMP" | grep '^agent.pid.')"
rc=0; "$WARD" -c /dev/null agent --replay "$T_TMP/b.cap" --pidfile "$T_TMP/agent.pid" -r "$R" \
  >/dev/null 2>"$T_TMP/a2.err" || rc=$?
cat "$T_TMP/a2.err"
t_check "a second agent on the same pidfile exits 1" test "$rc" -eq 1
t_check "it names the running agent's pid and the pidfile" grep -q "another agent (pid $APID) holds the pidfile $T_TMP/agent.pid" "$T_TMP/a2.err"
t_check "the first agent's pidfile is intact" test "$(cat "$T_TMP/agent.pid")" = "$APID"
t_check "reload of the running agent succeeds" "$WARD" -c /dev/null rules reload --pidfile "$T_TMP/agent.pid"
sleep 0.2
t_check "the agent is still running after the reload" kill -0 "$APID"
cat "$T_TMP/b.cap" >&3
exec 3>&-
rc=0; wait "$APID" || rc=$?
t_check "the agent exits 0 at the end of the replay (rc=$rc)" test "$rc" -eq 0
t_check "it alerted on the replay" test "$(grep -c 'Kernel module load' "$T_TMP/a1.out")" -eq 3
t_check "its pidfile is removed at exit" test ! -e "$T_TMP/agent.pid"

# a pidfile replaced under the agent (an operator's mv, a cleanup script) is not deleted
mkfifo "$T_TMP/fifo2"
"$WARD" -c /dev/null agent --replay "$T_TMP/fifo2" --pidfile "$T_TMP/agent2.pid" -r "$R" \
  >/dev/null 2>"$T_TMP/a3.err" &
APID=$!
exec 3>"$T_TMP/fifo2"
mv "$T_TMP/agent2.pid" "$T_TMP/moved.pid"; echo other >"$T_TMP/agent2.pid"
cat "$T_TMP/b.cap" >&3; exec 3>&-; wait "$APID" || true
t_check "a pidfile that is no longer ours is left in place" test "$(cat "$T_TMP/agent2.pid")" = other

# a symlinked pidfile: refused, and the link is not removed
ln -s "$T_TMP/elsewhere" "$T_TMP/link.pid"
rc=0; "$WARD" -c /dev/null agent --replay "$T_TMP/b.cap" --pidfile "$T_TMP/link.pid" -r "$R" \
  >/dev/null 2>"$T_TMP/a4.err" || rc=$?
cat "$T_TMP/a4.err"
t_check "an agent refuses a symlinked pidfile (exit 1)" test "$rc" -eq 1
t_check "it says the pidfile is a symbolic link" grep -q "pidfile $T_TMP/link.pid is a symbolic link" "$T_TMP/a4.err"
t_check "the symlink is still there" test -L "$T_TMP/link.pid"
t_check "nothing was written through it" test ! -e "$T_TMP/elsewhere"
t_done
