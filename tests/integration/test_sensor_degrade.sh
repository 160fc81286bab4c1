#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Per-program degradation, for real: WARD_TEST_BPF_REFUSE makes the loader hand the named
# programs to the kernel as socket filters, which the kernel refuses. The refused program's
# events go (said once, pointing to ward doctor), the rest of the eBPF sensor runs; when
# every capture program is refused, the fallback backend starts. ward doctor reports each.
. "$(dirname "$0")/lib.sh"
t_need_root
command -v jq >/dev/null || apt-get install -y -qq jq >/dev/null
if ! "$WARD" trace --backend bpf --duration 1 --quiet 2>"$T_TMP/probe.err"; then
  cat "$T_TMP/probe.err"
  t_require "the eBPF sensor does not load on this machine"
fi
M=$T_TMP/ward-degrade-mark
cp /bin/sleep "$M"
# a fork (sh forks the marker), an exec (alive long enough for the fallback's /proc read)
# and opens
marks() { sh -c "'$M' 0.5 & wait"; cat /etc/hostname >/dev/null; }
# traced OUT ERR: ward trace with the marks run once its sensor is up (its start-up line is
# printed after the backend opened; --duration counts from there), however slow the load
traced() {
  : >"$2"
  "$WARD" trace --json --duration 4 >"$1" 2>"$2" &
  local tp=$! i
  for i in $(seq 600); do grep -q "sensor: " "$2" && break; kill -0 $tp 2>/dev/null || break; sleep 0.1; done
  marks
  wait $tp || true
}
# has FILE JQ_FILTER: some event in FILE matches
has() { [ -n "$(jq -c "select($2)" "$1" 2>/dev/null | head -n 1)" ]; }

# ---- one program refused: sched_fork ----
export WARD_TEST_BPF_REFUSE=sched_fork
if "$WARD" doctor --json >"$T_TMP/d1.json" 2>/dev/null; then rc=0; else rc=$?; fi
st=$(jq -r .status "$T_TMP/d1.json")
t_check "doctor: sched_fork refused -> status degraded, exit 1 (got $st, rc $rc)" sh -c "[ '$st' = degraded ] && [ $rc = 1 ]"
got=$(jq -c '.programs[] | select(.name=="sched_fork") | {loaded,error}' "$T_TMP/d1.json")
t_check "doctor: sched_fork not loaded, with the kernel's reason (got $got)" \
  jq -e '.programs[] | select(.name=="sched_fork") | (.loaded|not) and (.error|length>0)' "$T_TMP/d1.json"
n=$(jq '[.programs[] | select(.loaded)] | length' "$T_TMP/d1.json")
t_check "doctor: the other 8 programs loaded (got $n)" test "$n" = 8
t_check "doctor: says fork events are off (got off='$(jq -r .off "$T_TMP/d1.json")')" \
  jq -e '.off | contains("fork events")' "$T_TMP/d1.json"
"$WARD" doctor >"$T_TMP/d1.txt" 2>/dev/null || true
t_check "doctor text: a NO row for sched_fork (got: $(grep sched_fork "$T_TMP/d1.txt"))" \
  grep -Eq '^ +sched_fork +NO ' "$T_TMP/d1.txt"

traced "$T_TMP/t1.json" "$T_TMP/t1.err"
cat "$T_TMP/t1.err"
t_check "start-up line: degraded, names what is off and points to ward doctor (got: $(grep sensor: "$T_TMP/t1.err"))" \
  grep -q "sensor: ebpf: .*DEGRADED.*off: fork events.*ward doctor" "$T_TMP/t1.err"
t_check "the rest runs: exec of the marker seen (got $(jq -c "select(.proc.exepath==\"$M\") | .kind" "$T_TMP/t1.json" | sort -u | tr '\n' ' '))" \
  has "$T_TMP/t1.json" ".kind==\"exec\" and .proc.exepath==\"$M\""
t_check "the rest runs: syscall events seen (open of /etc/hostname)" \
  has "$T_TMP/t1.json" '.kind=="open" and .fd.name=="/etc/hostname"' 
nf=$(jq -c 'select(.kind=="fork")' "$T_TMP/t1.json" | wc -l)
t_check "no fork events while sched_fork is refused (got $nf)" test "$nf" = 0

# ---- the syscall program refused: process lifecycle stays ----
export WARD_TEST_BPF_REFUSE=sys_exit
traced "$T_TMP/t2.json" "$T_TMP/t2.err"
t_check "sys_exit refused: exec still seen, no syscall events (got kinds: $(jq -r .kind "$T_TMP/t2.json" | sort -u | tr '\n' ' '))" \
  eval 'has "$T_TMP/t2.json" ".kind==\"exec\" and .proc.exepath==\"$M\"" && ! has "$T_TMP/t2.json" ".kind==\"open\""' 

# ---- every capture program refused: the fallback starts ----
export WARD_TEST_BPF_REFUSE=sys_exit,sched_exec,sched_fork,sched_exit
if "$WARD" doctor --json >"$T_TMP/d3.json" 2>/dev/null; then rc=0; else rc=$?; fi
st=$(jq -r .status "$T_TMP/d3.json"); why=$(jq -r .why_fallback "$T_TMP/d3.json")
t_check "doctor: all capture programs refused -> fallback, exit 1, says why (got $st, rc $rc, why '$why')" \
  sh -c "[ '$st' = fallback ] && [ $rc = 1 ] && echo '$why' | grep -q 'refused every capture program'"
traced "$T_TMP/t3.json" "$T_TMP/t3.err"
t_check "fallback runs and reports the marker's exec (got: $(grep sensor: "$T_TMP/t3.err" | cut -c1-120))" \
  eval 'grep -q "sensor: fallback" "$T_TMP/t3.err" && has "$T_TMP/t3.json" ".kind==\"exec\" and .proc.exepath==\"$M\""' 
unset WARD_TEST_BPF_REFUSE
t_done
