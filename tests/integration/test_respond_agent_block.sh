#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `block` as a rule action and as config in the agent (issue 4). Everything runs on a tmpfs
# mounted here: the fanotify mount marks the agent places cover that mount only, so no exec
# elsewhere on the machine is ever judged. Marker binaries carry this shell's pid in their
# names, so the rules match nothing else.
#  A. rules.mode detect, a rule with `mode: enforce` and `actions: [block]` on exec of a
#     marker: the first exec runs and alerts (block: ok, "blocked for future execs"); the
#     next exec fails with EPERM, so does a copy under another name (SHA-256); another binary
#     runs; each denial alerts (block: denied); a loop of denials is coalesced into one
#     summary; after the agent stops, the marker runs again. A rule on open of a drop path
#     and one on rename block the written file and the rename's new name by path.
#  B. respond.block_paths / block_dirs / block_sha256 deny from start under the rule name
#     "ward block list"; after the agent is SIGKILLed, everything runs again (fail-open).
#  C. config errors: bad hex names the key; entries that would block ward itself or / are
#     refused with a message.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/agent_lib.sh"
t_need_root
command -v jq >/dev/null || t_require "jq is not installed"
"$WARD" trace --backend bpf --duration 1 --quiet 2>/dev/null || t_require "the eBPF sensor does not load"

S=$$
MNT=$T_TMP/mnt
mkdir -p "$MNT"
mount -t tmpfs -o size=32m "ward-agent-block-$S" "$MNT" || t_require "cannot mount tmpfs"
# the agents are stopped by t_on_exit handlers registered later, which run first
t_on_exit "umount -l '$MNT'"
mkdir -p "$MNT/dir"
M=wbm$S                                   # the marker a rule blocks
cp /bin/true "$MNT/$M"
cp /bin/true "$MNT/wbc$S"                 # same content, another name
cp /bin/echo "$MNT/wbo$S"                 # another binary
cp /bin/echo "$MNT/cfgpath$S"             # B: by path
cp /bin/echo "$MNT/dir/cfgdir$S"          # B: by dir
cp /bin/sleep "$MNT/cfghash$S"
cp "$MNT/cfghash$S" "$MNT/cfghashcopy$S"  # B: by hash, under another name
chmod +x "$MNT"/*
HASH=$(sha256sum "$MNT/cfghash$S" | cut -d' ' -f1)

denied() { # CMD...: the exec fails and the shell says EPERM
  local msg
  msg=$( { "$@"; } 2>&1 ) && return 1
  grep -q "Operation not permitted" <<<"$msg"
}
runs() { "$@" >/dev/null 2>&1; }
any_alert() { jq -s -e "any(.[]; $2)" "$1" >/dev/null 2>&1; } # FILE JQ_CONDITION

R=$T_TMP/rules; mkdir -p "$R"
cat >"$R/block.yaml" <<Y
- rule: WB exec
  desc: the marker binary ran
  condition: evt.type in (execve, execveat) and proc.name = $M
  output: marker ran (%proc.exepath)
  priority: CRITICAL
  actions: [block]
  mode: enforce
- rule: WB drop
  desc: a binary was written at the drop path
  condition: evt.type in (open, openat, openat2, creat) and fd.name = $MNT/drop$S
  output: dropped (%fd.name)
  priority: WARNING
  actions: [block]
  mode: enforce
- rule: WB rename
  desc: a staged file was renamed into place
  condition: evt.type in (rename, renameat, renameat2) and fs.path.source = $MNT/stage$S
  output: renamed (%fs.path.target)
  priority: WARNING
  actions: [block]
  mode: enforce
Y

start_agent() { # CONFIG OUT
  WARD_AGENT_OUT=$2
  WARD_AGENT_ERR=$2.err
  "$WARD" -c "$1" agent --json --pidfile "$T_TMP/agent.pid" -r "$R" \
    >"$WARD_AGENT_OUT" 2>"$WARD_AGENT_ERR" &
  WARD_AGENT_PID=$!
  t_wait_for "grep -q 'sensor: ' '$WARD_AGENT_ERR'" 60 || { cat "$WARD_AGENT_ERR"; return 1; }
  sleep 1
}
t_on_exit "ward_agent_stop"

# ---- A: the rule adds the marker at its first exec ----
printf 'rules:\n  mode: detect\n' >"$T_TMP/a.yaml"
start_agent "$T_TMP/a.yaml" "$T_TMP/a.json" || { t_fail "agent A did not start"; t_done; exit 1; }
t_check "A: first exec of the marker runs" runs "$MNT/$M"
t_wait_for "any_alert '$T_TMP/a.json' '.rule==\"WB exec\" and .ward.actions[0].result==\"ok\"'" 10
t_check "A: the alert's block action says blocked for future execs" \
  bash -c "jq -r 'select(.rule==\"WB exec\") | .ward.actions[] | select(.action==\"block\") | .result + \" \" + .detail' '$T_TMP/a.json' | grep -q '^ok blocked for future execs: sha256 [0-9a-f]\{64\}, path $MNT/$M'"
t_check "A: second exec fails with EPERM" denied "$MNT/$M"
t_check "A: a copy under another name fails too (SHA-256)" denied "$MNT/wbc$S"
t_check "A: another binary on the same mount runs" runs "$MNT/wbo$S" hi
t_check "A: binaries elsewhere run" runs /bin/true
for i in $(seq 1 30); do "$MNT/$M" 2>/dev/null || true; done
t_check "A: a loop of 30 execs is all denied" denied "$MNT/$M"
sleep 0.5
denial_alerts() { jq -c 'select(.rule=="WB exec") | .ward.actions[] | select(.result=="denied")' "$1" | wc -l; }
t_check "A: denials alert with the blocking rule, the target (pid, comm, exe) and the file" \
  any_alert "$T_TMP/a.json" ".rule==\"WB exec\" and .ward.actions[0].result==\"denied\" and .output_fields[\"fd.name\"]==\"$MNT/$M\" and .output_fields[\"proc.pid\"] > 0 and .output_fields[\"proc.name\"]==\"bash\" and (.output_fields[\"proc.exepath\"] | endswith(\"/bash\"))"
t_check "A: the copy's denial names the sha256 entry" \
  bash -c "jq -r 'select(.rule==\"WB exec\") | .ward.actions[0].detail' '$T_TMP/a.json' | grep -q 'exec of $MNT/wbc$S denied with EPERM (matched sha256'"
n=$(denial_alerts "$T_TMP/a.json")
t_check "A: 32 denials in 10 s give 2 alerts, not 32 (got $n)" [ "$n" = 2 ]
# file events: the written file, and a rename's new name, are blocked by path
cp /bin/true "$MNT/drop$S"
cp /bin/true "$MNT/stage$S"; mv "$MNT/stage$S" "$MNT/renamed$S"
t_wait_for "any_alert '$T_TMP/a.json' '.rule==\"WB rename\" and .ward.actions[0].result==\"ok\"'" 10
t_check "A: open of a dropped file: its block action names the path" \
  any_alert "$T_TMP/a.json" ".rule==\"WB drop\" and .ward.actions[0].result==\"ok\" and (.ward.actions[0].detail | contains(\"path $MNT/drop$S\"))"
t_check "A: the dropped file cannot run" denied "$MNT/drop$S"
t_check "A: the renamed file cannot run" denied "$MNT/renamed$S"
ward_agent_stop
t_check "A: the rest is summarized at stop" \
  any_alert "$T_TMP/a.json" '.rule=="WB exec" and .output_fields["ward.block.coalesced"] == 31'
t_check "A: the marker runs again after the agent stopped" runs "$MNT/$M"
t_check "A: the agent said it stopped blocking" grep -q "exec blocker stopped: 35 denied" "$T_TMP/a.json.err"

# ---- B: block list from the config ----
cat >"$T_TMP/b.yaml" <<Y
rules:
  mode: enforce
respond:
  block_paths: [$MNT/cfgpath$S]
  block_dirs: [$MNT/dir]
  block_sha256: [$HASH]
Y
start_agent "$T_TMP/b.yaml" "$T_TMP/b.json" || { t_fail "agent B did not start"; t_done; exit 1; }
t_check "B: the agent says the blocker started from the config" \
  grep -q "exec blocker started with 3 entries from the config" "$T_TMP/b.json.err"
t_check "B: block_paths denies" denied "$MNT/cfgpath$S" hi
t_check "B: block_dirs denies" denied "$MNT/dir/cfgdir$S" hi
t_check "B: block_sha256 denies the file" denied "$MNT/cfghash$S" 0
t_check "B: block_sha256 denies a copy under another name" denied "$MNT/cfghashcopy$S" 0
t_check "B: another binary runs" runs "$MNT/wbo$S" hi
t_wait_for "[ \$(jq -c 'select(.rule==\"ward block list\")' '$T_TMP/b.json' | wc -l) -ge 3 ]" 5
t_check "B: denial alerts under 'ward block list' name path, dir and sha256" \
  bash -c "jq -r 'select(.rule==\"ward block list\") | .ward.actions[0] | .result + \" \" + .detail' '$T_TMP/b.json' | sort | tr '\n' '|' |
    grep -q 'denied exec of $MNT/cfghash$S denied with EPERM (matched sha256 $HASH).*denied exec of $MNT/cfgpath$S denied with EPERM (matched path $MNT/cfgpath$S).*denied exec of $MNT/dir/cfgdir$S denied with EPERM (matched dir $MNT/dir)'"
# the copy hit the same sha256 entry within its 10 s window: summarized when the window ends
t_check "B: the copy's denial is summarized once the entry's window ends" \
  t_wait_for "any_alert '$T_TMP/b.json' '.rule==\"ward block list\" and .output_fields[\"ward.block.coalesced\"] == 1'" 15
kill -KILL "$WARD_AGENT_PID"; wait "$WARD_AGENT_PID" 2>/dev/null || true; WARD_AGENT_PID=
t_check "B: fail-open: after SIGKILL the path runs" runs "$MNT/cfgpath$S" hi
t_check "B: fail-open: the dir runs" runs "$MNT/dir/cfgdir$S" hi
t_check "B: fail-open: the hash runs" runs "$MNT/cfghash$S" 0

# ---- C: config errors ----
printf 'respond:\n  block_sha256: [nothex]\n' >"$T_TMP/c1.yaml"
t_check "C: bad hex is an error naming the key" \
  bash -c "! '$WARD' -c '$T_TMP/c1.yaml' agent -r '$R' --pidfile '$T_TMP/c.pid' --duration 5 >/dev/null 2>'$T_TMP/c1.err' &&
    grep -q \"respond.block_sha256: item 1 'nothex' is not a SHA-256\" '$T_TMP/c1.err'"
printf 'respond:\n  block_paths: [%s]\n' "$(readlink -f "$WARD")" >"$T_TMP/c2.yaml"
t_check "C: blocking ward itself is refused" \
  bash -c "! '$WARD' -c '$T_TMP/c2.yaml' agent -r '$R' --pidfile '$T_TMP/c.pid' --duration 5 >/dev/null 2>'$T_TMP/c2.err' &&
    grep -q 'respond.block_paths: refusing to block' '$T_TMP/c2.err'"
printf 'respond:\n  block_dirs: [/]\n' >"$T_TMP/c3.yaml"
t_check "C: blocking / is refused" \
  bash -c "! '$WARD' -c '$T_TMP/c3.yaml' agent -r '$R' --pidfile '$T_TMP/c.pid' --duration 5 >/dev/null 2>'$T_TMP/c3.err' &&
    grep -q 'respond.block_dirs: refusing to block /: it would deny' '$T_TMP/c3.err'"
t_done
