#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Sensor benchmark: times one syscall-heavy workload (workload.c) with no sensor, with the
# floor (empty BPF programs on ward's tracepoints, floor.bpf.c), with `ward trace` (JSON to
# /dev/null, --quiet, and JSON with 16 MiB rings), with auditd on the same syscalls and with
# bpftrace printing the same events, and, given a checkout of Falco's libs, with their modern
# eBPF probe under scap-open (capture only) and sinsp-example (capture, state, a filter).
# Prints a markdown table (report.py) and writes the raw
# samples and the summary as JSON under bench/sensor/results/. It judges nothing: the
# targets are shown next to the numbers. Needs root.
#
# Usage: bench/sensor/run.sh BUILD_DIR
# Environment:
#   BENCH_QUICK=1          1/10 of the default sizes
#   BENCH_OPEN=N BENCH_EXEC=N BENCH_CONNECT=N   phase sizes (default 1000000 20000 100000)
#   BENCH_REPEAT=N         samples per configuration, interleaved (default 1; median shown)
#   BENCH_CONFIGS="..."    subset of: none floor ward-json ward-quiet agent agent-enforce
#                          ward-json-ring16m auditd bpftrace falco-scap falco-sinsp
#                          (default: all; the falco ones only with FALCO_LIBS_SRC or a build)
#   FALCO_LIBS_SRC=DIR     checkout of falcosecurity/libs: falco_libs.sh builds scap-open and
#                          sinsp-example from it (once; later runs reuse the build)
#   FALCO_LIBBPF_SRC=DIR   libbpf checkout at v1.3.0, needed where the system libbpf is older
#                          (Debian 12: 1.1); see falco_libs.sh
#   FALCO_LIBS_BUILD=DIR   where that build lives (default BUILD_DIR/bench-falco)
#   BENCH_RATE=N           pace the open phase at N open/close pairs per second (ceiling.sh)
#   BENCH_IDLE_WAIT=S      wait up to S seconds for other BPF tracing programs to go away
#                          before each sample (default 300); counted before and after each
#                          sample, and report.py prefers samples where it was 0
#   BENCH_NICE=N           nice value of the workload and of every sensor process, kauditd
#                          included, and of this session's autogroup while the bench runs
#                          (default -20: the machine is shared, and peers at nice 0 should
#                          not decide the numbers); BENCH_NICE=0 to turn off
#   BENCH_OUT=FILE         summary JSON (default bench/sensor/results/<mode>-<host>.json)
#   WARD=PATH              ward binary (default BUILD_DIR/ward)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd)
[ "$(id -u)" = 0 ] || { echo "sensor bench: needs root (BPF, audit)" >&2; exit 1; }

ward=${WARD:-$build/ward}
work=$build/bench-sensor
mkdir -p "$work" "$here/results"

if [ "${BENCH_QUICK:-0}" = 1 ]; then
  mode=quick; div=10
else
  mode=full; div=1
fi
n_open=${BENCH_OPEN:-$((1000000 / div))}
n_exec=${BENCH_EXEC:-$((20000 / div))}
n_conn=${BENCH_CONNECT:-$((100000 / div))}
repeat=${BENCH_REPEAT:-1}
idle_wait=${BENCH_IDLE_WAIT:-300}
nice_n=${BENCH_NICE:--20}
nice_cmd=(nice -n "$nice_n")
falco_build=${FALCO_LIBS_BUILD:-$build/bench-falco}
rate=${BENCH_RATE:-0}
default_configs="none floor ward-json ward-quiet agent agent-enforce ward-json-ring16m auditd bpftrace"
if [ -n "${FALCO_LIBS_SRC:-}" ] || [ -x "$falco_build/libsinsp/examples/sinsp-example" ]; then
  default_configs+=" falco-scap falco-sinsp"
fi
configs=${BENCH_CONFIGS:-$default_configs}
raw=$work/samples.jsonl
out=${BENCH_OUT:-$here/results/$mode-$(hostname -s).json}
hz=$(getconf CLK_TCK)

log() { printf '==> sensor bench: %s\n' "$*" >&2; }
die() { printf 'sensor bench: %s\n' "$*" >&2; exit 1; }

# ---- the syscall list: the names ward attaches to, parsed from its own table -------------
# Each entry is { "name", SYS_name, ..., "tracepoint name" }; fork and exit are gates for
# the scheduler tracepoints and attach nothing.
syscalls_c=$repo/src/sensor/syscalls.c
mapfile -t sc_names < <(grep -E '^\s*\{ "[a-z0-9_]+", SYS_' "$syscalls_c" |
  sed -E 's/^\s*\{ "([a-z0-9_]+)".*/\1/' | grep -vxE 'fork|exit')
mapfile -t tp_names < <(grep -E '^\s*\{ "[a-z0-9_]+", SYS_' "$syscalls_c" |
  sed -E 's/^\s*\{ "([a-z0-9_]+)".*"([a-z0-9_]+)" \},?\s*$/\2/; s/^\s*\{ "([a-z0-9_]+)".*/\1/' |
  grep -vxE 'fork|exit')
[ ${#sc_names[@]} -gt 40 ] || die "could not parse the syscall list from $syscalls_c"

tracefs=/sys/kernel/tracing
if [ ! -d $tracefs/events/syscalls ]; then
  mount -t tracefs nodev $tracefs 2>/dev/null || die "tracefs is not mounted at $tracefs"
fi
present_tps=()
for t in "${tp_names[@]}"; do
  [ -d "$tracefs/events/syscalls/sys_exit_$t" ] && present_tps+=("$t")
done

# syscall numbers for auditctl: from the kernel headers, else from ward's own fallbacks
# (auditctl 3.0 does not know fchmodat2)
sc_nr() {
  local v
  v=$(awk -v n="__NR_$1" '$1 == "#define" && $2 == n { print $3 }' \
    /usr/include/x86_64-linux-gnu/asm/unistd_64.h 2>/dev/null)
  [ -n "$v" ] || v=$(awk -v n="SYS_$1" '$1 == "#define" && $2 == n { print $3 }' "$syscalls_c")
  printf '%s' "$v"
}

# ---- build the workload and the floor ------------------------------------------------------
log "building workload and floor in $work"
cc -O2 -Wall -pthread -o "$work/workload" "$here/workload.c"
clang -O2 -g -target bpf -D__TARGET_ARCH_x86 -I/usr/include/x86_64-linux-gnu \
  -c "$here/floor.bpf.c" -o "$work/floor.bpf.o"
bpftool gen skeleton "$work/floor.bpf.o" name floor_bpf >"$work/floor.skel.h"
cc -O2 -Wall -I"$work" -o "$work/floor" "$here/floor.c" -lbpf
[ -x "$ward" ] || die "no ward binary at $ward (build it first)"
printf 'sensor:\n  ring_kb: 16384\n' >"$work/ring16m.yaml"

# ---- Falco's libs: build (or reuse) scap-open and sinsp-example ------------------------------
scap_open=$falco_build/libscap/examples/01-open/scap-open
sinsp_example=$falco_build/libsinsp/examples/sinsp-example
falco_shim=$falco_build/compat/falco_shim.so
falco_commit=
ppm_sc_args=()
if [[ " $configs " == *" falco-"* ]]; then
  if [ -n "${FALCO_LIBS_SRC:-}" ]; then
    "$here/falco_libs.sh" "$falco_build" >/dev/null || die "could not build Falco's libs (above)"
  fi
  [ -x "$scap_open" ] && [ -x "$sinsp_example" ] ||
    die "falco configurations need FALCO_LIBS_SRC (a falcosecurity/libs checkout) or a build in $falco_build"
  falco_commit=$(cat "$falco_build/falco-libs.commit" 2>/dev/null || echo unknown)
  # scap-open captures what it is told by ppm_sc code: ward's syscalls, plus the process
  # lifecycle that ward takes from the scheduler tracepoints (clone*, fork, vfork: the probe
  # reports the child from their exits; sched_process_exit for exits)
  declare -A ppm_code=()
  while read -r name code; do
    [ -n "${ppm_code[$name]:-}" ] || ppm_code[$name]=$code
  done < <("$scap_open" --print_syscalls 2>/dev/null |
    sed -nE 's/^- PPM_SC > ([a-z0-9_]+) .*ppm_code: \(([0-9]+)\)$/\1 \2/p')
  [ ${#ppm_code[@]} -gt 100 ] || die "could not read the ppm_sc codes from $scap_open --print_syscalls"
  for n in "${sc_names[@]}" clone clone3 fork vfork sched_process_exit; do
    if [ -n "${ppm_code[$n]:-}" ]; then
      ppm_sc_args+=(--ppm_sc "${ppm_code[$n]}")
    else
      log "falco-scap: no ppm_sc code for $n"
    fi
  done
  # sinsp-example gets the same syscalls by native number through the shim (falco_shim.c:
  # its -z finds no event types in the filter), plus socket, which the probe's start-up
  # calibration needs
  unistd=/usr/include/x86_64-linux-gnu/asm/unistd_64.h
  [ -f "$unistd" ] || die "falco-sinsp needs $unistd (linux-libc-dev) for syscall numbers"
  sinsp_syscalls=
  for n in "${sc_names[@]}" clone clone3 fork vfork socket; do
    nr=$(sed -nE "s/^#define __NR_$n ([0-9]+)$/\1/p" "$unistd")
    # newer than Debian 12's header; the number src/sensor/syscalls.c falls back to
    [ -n "$nr" ] || [ "$n" != fchmodat2 ] || nr=452
    if [ -n "$nr" ]; then
      sinsp_syscalls+=${sinsp_syscalls:+,}$nr
    else
      log "falco-sinsp: no syscall number for $n"
    fi
  done
fi
# sinsp-example's filter: the kind of work ward's default rules do on these syscalls (a
# sensitive-file open, a network tool exec, a reverse-shell port), none of which the workload
# matches, so it measures the engine (state, filter) rather than the output. -z -q ask for
# the syscalls Falco enables by default (the state set minus plain I/O, plus the filter's),
# but sinsp-example keeps no filter AST to take them from and asks for all; the shim narrows
# that to ward's syscalls (sinsp_syscalls) and leaves sched_switch and page faults detached.
falco_filter="(evt.type in (open, openat, openat2, creat) and fd.name in (/etc/shadow, /etc/sudoers, /etc/gshadow)) or (evt.type in (execve, execveat) and proc.name in (nc, ncat, socat)) or (evt.type = connect and fd.sport in (4444, 1337))"

# agent-enforce: what enforcement costs on this workload. The default rules (detect) plus
# in-kernel kill policies of every kind (exec, memfd exec, open, connect, ptrace, setns,
# unshare), a block rule and a block list (a path and a SHA-256) on the root mount, where
# the workload's /bin/true lives, so every exec waits for the blocker's answer. Every policy
# names marker processes or files that nothing runs or opens: the kernel evaluates them on
# each matching syscall and never acts. rules.mode stays detect and each marker rule says
# `mode: enforce`, so no other rule can act on anything on this shared machine.
mk=wbench$$
head -c 4096 /dev/urandom >"$work/enforce-marker-path"
head -c 4096 /dev/urandom >"$work/enforce-marker-hash"
chmod 0755 "$work/enforce-marker-path" "$work/enforce-marker-hash"
enforce_rule() { # NAME CONDITION ACTION
  printf -- '- rule: %s\n  desc: enforcement cost marker\n  condition: %s\n  output: marker\n  priority: CRITICAL\n  actions: [%s]\n  mode: enforce\n' "$@"
}
{
  enforce_rule "bench kill exec" "evt.type in (execve, execveat) and proc.name = ${mk}x" kill
  enforce_rule "bench kill memfd" "evt.type in (execve, execveat) and proc.is_exe_from_memfd = true and proc.name = ${mk}m" kill
  enforce_rule "bench kill open" "evt.type in (open, openat, openat2, creat) and fd.name = $work/enforce-marker-open" kill
  enforce_rule "bench kill connect" "evt.type = connect and fd.sip = 127.0.0.1 and fd.sport = 9 and proc.name = ${mk}c" kill
  enforce_rule "bench kill ptrace" "evt.type = ptrace and proc.name = ${mk}p" kill
  enforce_rule "bench kill setns" "evt.type = setns and proc.name = ${mk}s" kill
  enforce_rule "bench kill unshare" "evt.type = unshare and proc.name = ${mk}u" kill
  enforce_rule "bench block exec" "evt.type in (execve, execveat) and proc.name = ${mk}b" block
} >"$work/enforce-rules.yaml"
printf 'rules:\n  mode: detect\nrespond:\n  block_paths: [%s]\n  block_sha256: [%s]\n' \
  "$work/enforce-marker-path" "$(sha256sum "$work/enforce-marker-hash" | cut -d' ' -f1)" \
  >"$work/enforce.yaml"

# ---- helpers --------------------------------------------------------------------------------
cpu_ticks() { # utime + stime of a pid, in clock ticks
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
foreign_progs() { # BPF programs on tracing hooks that are not ours
  bpftool prog show 2>/dev/null | grep -cE '^[0-9]+: (tracepoint|tracing|raw_tracepoint|kprobe|perf_event) ' || true
}
wait_for() { # wait_for FILE PATTERN SECONDS PID
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    grep -q -- "$2" "$1" 2>/dev/null && return 0
    kill -0 "$4" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
settle() { # wait until the pids use under ~4% of a CPU (other activity on the machine
  # keeps a system-wide sensor slightly busy), at most 15 s; prints seconds waited
  local t0 prev cur i p
  t0=$(date +%s.%N)
  prev=-1000
  for ((i = 0; i < 30; i++)); do
    cur=0
    for p in "$@"; do cur=$((cur + $(cpu_ticks "$p"))); done
    [ $((cur - prev)) -le $((hz / 50)) ] && break
    prev=$cur
    sleep 0.5
  done
  awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { d = b - a - 0.5; printf "%.2f", d < 0 ? 0 : d }'
}
wait_idle() {
  local i n
  for ((i = 0; i < idle_wait; i++)); do
    n=$(foreign_progs)
    [ "$n" = 0 ] && break
    [ $i = 0 ] && log "waiting for $n foreign BPF tracing programs to go away"
    sleep 1
  done
}

sensor_pid=
audit_enabled_before=
kauditd_nice_before=
autogroup_nice_before=
cleanup() {
  if [ -n "$sensor_pid" ] && kill -0 "$sensor_pid" 2>/dev/null; then
    # auditd stops on SIGTERM only; the others stop on SIGINT and print their counters
    if [ -n "$audit_enabled_before" ]; then
      kill -TERM "$sensor_pid" 2>/dev/null || true
    else
      kill -INT "$sensor_pid" 2>/dev/null || true
    fi
    wait "$sensor_pid" 2>/dev/null || true
  fi
  if [ -n "$audit_enabled_before" ]; then
    auditctl -D >/dev/null 2>&1 || true
    auditctl -e "$audit_enabled_before" >/dev/null 2>&1 || true
  fi
  if [ -n "$autogroup_nice_before" ]; then
    echo "$autogroup_nice_before" >/proc/$$/autogroup 2>/dev/null || true
  fi
  if [ -n "$kauditd_nice_before" ]; then
    renice -n "$kauditd_nice_before" -p "$(kauditd_pid)" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

run_workload() { # prints the workload's JSON line, or {} if it failed (the sample is kept
  # with its sensor numbers but left out of the tables: a peer on a shared machine may kill
  # a child, and one lost sample should not lose the whole run)
  "${nice_cmd[@]}" "$work/workload" -o "$n_open" -e "$n_exec" -c "$n_conn" -r "$rate" -f "$work/target.txt" ||
    { log "workload failed (exit $?); sample left out"; echo '{}'; }
}
echo "target" >"$work/target.txt"

emit() { # emit CONFIG REP WORKLOAD_JSON SENSOR_JSON
  local after
  after=$(foreign_progs)
  # every sample stops its own sensor before emitting: what is left belongs to others
  [ "$after" -gt "$foreign" ] && foreign=$after
  printf '{"config":"%s","rep":%d,"load1_before":%s,"foreign_progs":%s,"workload":%s,"sensor":%s}\n' \
    "$1" "$2" "$load1" "$foreign" "$3" "$4" >>"$raw"
}

# ---- one sample of each configuration -------------------------------------------------------
sample_none() {
  local w
  w=$(run_workload)
  emit none "$1" "$w" '{}'
}

sample_floor() {
  local w c0 c1 lg=$work/floor.log
  "${nice_cmd[@]}" "$work/floor" "${tp_names[@]}" 2>"$lg" &
  sensor_pid=$!
  wait_for "$lg" "floor: attached" 30 "$sensor_pid" || die "floor did not start: $(cat "$lg")"
  c0=$(cpu_ticks "$sensor_pid")
  w=$(run_workload)
  c1=$(cpu_ticks "$sensor_pid")
  local rss attached
  rss=$(hwm_kb "$sensor_pid")
  attached=$(sed -nE 's/^floor: attached ([0-9]+) .*/\1/p' "$lg")
  kill -INT "$sensor_pid" 2>/dev/null || true; wait "$sensor_pid" || true; sensor_pid=
  emit floor "$1" "$w" "$(printf '{"attached":%s,"cpu_s":%s,"rss_kb":%s}' \
    "${attached:-0}" "$(awk -v t=$((c1 - c0)) -v h="$hz" 'BEGIN { print t / h }')" "$rss")"
}

sample_ward() { # sample_ward CONFIG REP ARGS...
  local name=$1 rep=$2 w c0 cw c1 rss st lg=$work/$1.log counters
  shift 2
  "${nice_cmd[@]}" "$ward" "$@" 2>"$lg" >/dev/null &
  sensor_pid=$!
  wait_for "$lg" "sensor: ebpf" 60 "$sensor_pid" || die "ward did not start: $(cat "$lg")"
  sleep 1 # the /proc snapshot at start is not part of the measurement
  c0=$(cpu_ticks "$sensor_pid")
  w=$(run_workload)
  cw=$(cpu_ticks "$sensor_pid")
  st=$(settle "$sensor_pid")
  c1=$(cpu_ticks "$sensor_pid")
  rss=$(hwm_kb "$sensor_pid")
  kill -INT "$sensor_pid" 2>/dev/null || true; wait "$sensor_pid" || true; sensor_pid=
  counters=$(grep -m1 'counters:' "$lg" || true)
  [ -n "$counters" ] || die "ward printed no counters line: $(tail -5 "$lg")"
  local ev dr percpu
  ev=$(sed -nE 's/.* events=([0-9]+).*/\1/p' <<<"$counters")
  dr=$(sed -nE 's/.* drops=([0-9]+).*/\1/p' <<<"$counters")
  percpu=$(grep -oE 'cpu[0-9]+=[0-9]+/[0-9]+' <<<"$counters" | tr '\n' ' ')
  emit "$name" "$rep" "$w" "$(printf '{"events":%s,"drops":%s,"cpu_workload_s":%s,"cpu_s":%s,"rss_kb":%s,"settle_s":%s,"per_cpu":"%s","info":"%s"}' \
    "${ev:-0}" "${dr:-0}" "$(awk -v t=$((cw - c0)) -v h="$hz" 'BEGIN { print t / h }')" "$(awk -v t=$((c1 - c0)) -v h="$hz" 'BEGIN { print t / h }')" \
    "$rss" "$st" "${percpu% }" "$(grep -m1 'sensor: ebpf' "$lg" | sed 's/"/\\"/g')")"
}

kauditd_pid() {
  local p
  for p in /proc/[0-9]*; do
    [ "$(cat "$p/comm" 2>/dev/null)" = kauditd ] && { basename "$p"; return; }
  done
  echo 0
}

sample_auditd() {
  local rep=$1 d=$work/audit w c0 cw c1 k0 kw k1 rss st lost0 lost1 ev recs kpid
  if [ "$(auditctl -s | awk '$1 == "pid" { print $2 }')" != 0 ]; then
    log "auditd: another audit daemon is running; skipped"
    emit auditd "$rep" '{}' '{"skipped":"another audit daemon is running"}'
    return
  fi
  rm -rf "$d"; mkdir -p "$d/plugins.d"; chmod 0750 "$d"
  # RAW format, asynchronous flush, no actions that stop logging: auditd's cheapest setup
  cat >"$d/auditd.conf" <<EOF
local_events = yes
write_logs = yes
log_file = $d/audit.log
log_format = RAW
flush = INCREMENTAL_ASYNC
freq = 50
max_log_file = 0
max_log_file_action = IGNORE
num_logs = 0
priority_boost = 4
name_format = NONE
space_left = 2
space_left_action = IGNORE
admin_space_left = 1
admin_space_left_action = IGNORE
disk_full_action = IGNORE
disk_error_action = IGNORE
q_depth = 2000
overflow_action = IGNORE
max_restarts = 10
plugin_dir = $d/plugins.d
end_of_event_timeout = 2
EOF
  chmod 0640 "$d/auditd.conf"
  audit_enabled_before=$(auditctl -s | awk '$1 == "enabled" { print $2 }')
  "${nice_cmd[@]}" auditd -n -c "$d" >"$d/auditd.out" 2>&1 &
  sensor_pid=$!
  local i
  for ((i = 0; i < 100; i++)); do
    [ "$(auditctl -s | awk '$1 == "pid" { print $2 }')" = "$sensor_pid" ] && break
    kill -0 "$sensor_pid" 2>/dev/null || die "auditd exited: $(cat "$d/auditd.out")"
    sleep 0.1
  done
  auditctl -D >/dev/null
  auditctl -b 8192 >/dev/null
  # the syscall list plus the process lifecycle syscalls (ward takes those from the
  # scheduler tracepoints, which audit cannot hook)
  local args=() n
  for n in "${sc_names[@]}" clone clone3 vfork fork exit exit_group; do
    args+=(-S "$(sc_nr "$n")")
  done
  auditctl -a always,exit -F arch=b64 "${args[@]}" >/dev/null
  auditctl -e 1 >/dev/null
  sleep 1
  kpid=$(kauditd_pid)
  if [ "$kpid" != 0 ]; then
    kauditd_nice_before=$(ps -o ni= -p "$kpid" | tr -d ' ')
    renice -n "$nice_n" -p "$kpid" >/dev/null
  fi
  lost0=$(auditctl -s | awk '$1 == "lost" { print $2 }')
  c0=$(cpu_ticks "$sensor_pid"); k0=$(cpu_ticks "$kpid")
  w=$(run_workload)
  cw=$(cpu_ticks "$sensor_pid"); kw=$(cpu_ticks "$kpid")
  st=$(settle "$sensor_pid" "$kpid")
  c1=$(cpu_ticks "$sensor_pid"); k1=$(cpu_ticks "$kpid")
  rss=$(hwm_kb "$sensor_pid")
  lost1=$(auditctl -s | awk '$1 == "lost" { print $2 }')
  local rules
  rules=$(auditctl -l | wc -l)
  auditctl -D >/dev/null
  auditctl -e "$audit_enabled_before" >/dev/null
  audit_enabled_before=
  [ -n "$kauditd_nice_before" ] && renice -n "$kauditd_nice_before" -p "$kpid" >/dev/null
  kauditd_nice_before=
  kill -TERM "$sensor_pid"; wait "$sensor_pid" || true; sensor_pid=
  ev=$(grep -c '^type=SYSCALL ' "$d/audit.log" || true)
  recs=$(wc -l <"$d/audit.log")
  emit auditd "$rep" "$w" "$(printf '{"events":%s,"records":%s,"drops":%s,"cpu_workload_s":%s,"cpu_s":%s,"kauditd_cpu_s":%s,"rss_kb":%s,"settle_s":%s,"rules":%s,"syscalls":%s}' \
    "$ev" "$recs" "$((lost1 - lost0))" \
    "$(awk -v t=$((cw - c0 + kw - k0)) -v h="$hz" 'BEGIN { print t / h }')" \
    "$(awk -v t=$((c1 - c0)) -v h="$hz" 'BEGIN { print t / h }')" \
    "$(awk -v t=$((k1 - k0)) -v h="$hz" 'BEGIN { print t / h }')" "$rss" "$st" "$rules" \
    "$((${#args[@]} / 2))")"
  rm -f "$d/audit.log"
}

sample_bpftrace() {
  local rep=$1 bt=$work/trace.bt o w c0 cw c1 rss st ev lost t sep=
  # output to tmpfs rather than /dev/null, so that events and losses can be counted
  o=/dev/shm/ward-bench-bpftrace.$$
  {
    echo 'BEGIN { printf("ready\n"); }'
    for t in "${present_tps[@]}"; do
      printf '%stracepoint:syscalls:sys_exit_%s' "$sep" "$t"; sep=$',\n'
    done
    printf '\n{ printf("%%d %%s %%d\\n", pid, comm, args->ret); }\n'
    echo 'tracepoint:sched:sched_process_exec { printf("%d %s exec\n", pid, comm); }'
    echo 'tracepoint:sched:sched_process_fork { printf("%d %s fork %d\n", pid, comm, args->child_pid); }'
    echo 'tracepoint:sched:sched_process_exit { printf("%d %s exit\n", pid, comm); }'
  } >"$bt"
  rm -f "$o"
  "${nice_cmd[@]}" bpftrace -o "$o" "$bt" 2>"$work/bpftrace.err" &
  sensor_pid=$!
  wait_for "$o" '^ready$' 120 "$sensor_pid" || die "bpftrace did not start: $(cat "$work/bpftrace.err")"
  c0=$(cpu_ticks "$sensor_pid")
  w=$(run_workload)
  cw=$(cpu_ticks "$sensor_pid")
  st=$(settle "$sensor_pid")
  c1=$(cpu_ticks "$sensor_pid")
  rss=$(hwm_kb "$sensor_pid")
  kill -INT "$sensor_pid" 2>/dev/null || true; wait "$sensor_pid" || true; sensor_pid=
  ev=$(grep -cvE '^(Attaching|ready$|Lost )' "$o" || true)
  lost=$(awk '/^Lost [0-9]+ events/ { s += $2 } END { print s + 0 }' "$o")
  emit bpftrace "$rep" "$w" "$(printf '{"events":%s,"drops":%s,"cpu_workload_s":%s,"cpu_s":%s,"rss_kb":%s,"settle_s":%s,"probes":%s}' \
    "$ev" "$lost" "$(awk -v t=$((cw - c0)) -v h="$hz" 'BEGIN { print t / h }')" "$(awk -v t=$((c1 - c0)) -v h="$hz" 'BEGIN { print t / h }')" "$rss" "$st" \
    "$((${#present_tps[@]} + 3))")"
  rm -f "$o"
}

counter_map_ids() { # ids of the modern probe's counter maps loaded now, one a line
  bpftool map show -j 2>/dev/null |
    python3 -c 'import json, sys; [print(m["id"]) for m in json.load(sys.stdin) if m.get("name") == "counter_maps"]'
}
probe_counters() { # IDS_BEFORE: the modern probe's kernel counters (counter_maps, one entry
  # per CPU) of the probe loaded since IDS_BEFORE was taken, summed, as "EVENTS DROPS"
  local id
  id=$(comm -13 <(sort <<<"$1") <(counter_map_ids | sort) | sort -n | tail -1)
  [ -n "$id" ] || { echo "0 0"; return; }
  # struct counter_map: 13 u64, n_evts first, n_drops_buffer second, n_drops_max_event_size
  # last (driver/modern_bpf/shared_definitions/struct_definitions.h)
  bpftool map dump id "$id" -j | python3 -c '
import json, sys
ev = dr = 0
for e in json.load(sys.stdin):
    if "formatted" in e:
        v = e["formatted"]["value"]
        ev += v["n_evts"]
        dr += v["n_drops_buffer"] + v["n_drops_max_event_size"]
        continue
    b = bytes(int(x, 16) for x in e["value"])
    u64 = [int.from_bytes(b[i:i + 8], "little") for i in range(0, len(b), 8)]
    ev += u64[0]
    dr += u64[1] + u64[12]
print(ev, dr)'
}

sample_falco() { # sample_falco CONFIG REP READY_PATTERN ARGS...: scap-open or sinsp-example
  local name=$1 rep=$2 ready=$3 w c0 cw c1 rss st lg=$work/$1.log counters
  shift 3
  local ids_before
  ids_before=$(counter_map_ids)
  # the shim (falco_shim.c): no RLIMIT_MEMLOCK raise, and signal_deliver, which this
  # kernel's verifier refuses, left unloaded; FALCO_NOLOAD overrides that list
  local preload=(env "LD_PRELOAD=$falco_shim" "WARD_FALCO_NOLOAD=${FALCO_NOLOAD-signal_deliver}")
  # sinsp-example: only ward's syscalls, and no program attached that a default Falco leaves
  # off (signal_deliver is not even loaded); see the filter above
  if [ "$name" = falco-sinsp ]; then
    preload+=("WARD_FALCO_NOATTACH=signal_deliver,sched_switch,pf_user,pf_kernel"
      "WARD_FALCO_SYSCALLS=$sinsp_syscalls")
  fi
  # the libbpf falco_libs.sh built, where it built one (the binaries link libbpf.so.1)
  [ -f "$falco_build/libbpf/root/usr/lib/libbpf.so.1" ] &&
    preload+=("LD_LIBRARY_PATH=$falco_build/libbpf/root/usr/lib")
  # line-buffered, so the readiness line reaches the log while it runs
  "${nice_cmd[@]}" "${preload[@]}" stdbuf -oL "$@" >"$lg" 2>&1 &
  sensor_pid=$!
  wait_for "$lg" "$ready" 120 "$sensor_pid" || die "$name did not start: $(tail -5 "$lg")"
  sleep 1 # sinsp's /proc scan at start is not part of the measurement
  # sinsp-example says it starts before it attaches: a failed attach ends it here
  kill -0 "$sensor_pid" 2>/dev/null || die "$name exited at start: $(tail -5 "$lg")"
  c0=$(cpu_ticks "$sensor_pid")
  w=$(run_workload)
  cw=$(cpu_ticks "$sensor_pid")
  st=$(settle "$sensor_pid")
  c1=$(cpu_ticks "$sensor_pid")
  rss=$(hwm_kb "$sensor_pid")
  counters=$(probe_counters "$ids_before")
  kill -INT "$sensor_pid" 2>/dev/null || true; wait "$sensor_pid" || true; sensor_pid=
  local ev=${counters% *} dr=${counters#* } user
  # what the program itself counted: scap-open's captured events, sinsp-example's events
  # that passed the filter
  user=$(sed -nE 's/^Number of `SCAP_SUCCESS` .*: ([0-9]+)$/\1/p; s/^Retrieved events: ([0-9]+)$/\1/p' "$lg" | tail -1)
  emit "$name" "$rep" "$w" "$(printf '{"events":%s,"drops":%s,"user_events":%s,"cpu_workload_s":%s,"cpu_s":%s,"rss_kb":%s,"settle_s":%s,"falco_libs":"%s"}' \
    "$ev" "$dr" "${user:-0}" "$(awk -v t=$((cw - c0)) -v h="$hz" 'BEGIN { print t / h }')" \
    "$(awk -v t=$((c1 - c0)) -v h="$hz" 'BEGIN { print t / h }')" "$rss" "$st" "$falco_commit")"
}

# ---- the run --------------------------------------------------------------------------------
: >"$raw"
# With autogroup scheduling (CONFIG_SCHED_AUTOGROUP) a nice value only ranks tasks inside
# their own session; the session's autogroup nice is what counts against other sessions.
if [ "$nice_n" != 0 ] && [ "$(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null)" = 1 ]; then
  autogroup_nice_before=$(sed -nE 's/.* nice (-?[0-9]+)$/\1/p' /proc/$$/autogroup)
  echo "$nice_n" >/proc/$$/autogroup || autogroup_nice_before=
fi
log "mode=$mode open=$n_open exec=$n_exec connect=$n_conn repeat=$repeat nice=$nice_n rate=$rate"
log "syscalls: ${#sc_names[@]} in ward's table, ${#present_tps[@]} exit tracepoints on this kernel"
log "configurations: $configs"
for ((rep = 1; rep <= repeat; rep++)); do
  for c in $configs; do
    wait_idle
    foreign=$(foreign_progs)
    load1=$(cut -d' ' -f1 /proc/loadavg)
    log "rep $rep/$repeat: $c (load $load1, foreign BPF progs $foreign)"
    t_start=$(date +%s)
    case "$c" in
      none) sample_none "$rep" ;;
      floor) sample_floor "$rep" ;;
      ward-json) sample_ward ward-json "$rep" trace --json ;;
      ward-quiet) sample_ward ward-quiet "$rep" trace --quiet ;;
      # end to end: sensor + the default rules + alerts (JSON to /dev/null); the kernel
      # sends only the syscalls the rules need
      agent) sample_ward agent "$rep" agent --json --pidfile "$work/agent.pid" ;;
      agent-enforce)
        sample_ward agent-enforce "$rep" -c "$work/enforce.yaml" agent --json \
          --pidfile "$work/agent.pid" -r "$repo/rules" -r "$work/enforce-rules.yaml"
        # the sample only counts if every policy was in place
        for want in "kill in the kernel at exec" "kill in the kernel at syscalls" \
          "exec blocker started with 2 entries"; do
          grep -q "$want" "$work/agent-enforce.log" ||
            die "agent-enforce: '$want' missing from the agent's log: $(grep respond: "$work/agent-enforce.log")"
        done ;;
      ward-json-ring16m) sample_ward ward-json-ring16m "$rep" -c "$work/ring16m.yaml" trace --json ;;
      auditd) sample_auditd "$rep" ;;
      bpftrace) sample_bpftrace "$rep" ;;
      falco-scap) sample_falco falco-scap "$rep" 'Live capture in progress' \
        "$scap_open" --modern_bpf "${ppm_sc_args[@]}" ;;
      falco-sinsp) sample_falco falco-sinsp "$rep" '^-- Start capture' \
        "$sinsp_example" -m -z -q -f "$falco_filter" ;;
      *) die "unknown configuration $c" ;;
    esac
    log "  done in $(($(date +%s) - t_start)) s: $(tail -1 "$raw" | cut -c1-200)"
  done
done

machine=$(printf '{"nice":%s,"rate":%s,"falco_libs":"%s","host":"%s","kernel":"%s","cpus":%s,"cpu_model":"%s","mem_kb":%s,"ward":"%s","date":"%s"}' \
  "$nice_n" "$rate" "$falco_commit" "$(hostname -s)" "$(uname -r)" "$(nproc)" \
  "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo | sed 's/"/\\"/g')" \
  "$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)" \
  "$("$ward" --version 2>/dev/null | head -1 | sed 's/"/\\"/g')" "$(date -u +%Y-%m-%dT%H:%M:%SZ)")
python3 "$here/report.py" --raw "$raw" --out "$out" --mode "$mode" --machine "$machine"
log "raw samples: $raw; summary: $out"
