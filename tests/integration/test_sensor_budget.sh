#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Verifier headroom: every BPF program, built with each of the two compilers (clang 14 and
# WARD_BPF_CLANG2, clang 16 from Debian), loaded alone on this kernel, verifies in at most
# 250,000 instructions (a quarter of the kernel's 1,000,000 limit). The counts are
# deterministic for one kernel build and one object, so a program drifting towards the
# limit fails here long before a user's kernel refuses it. The agent's own load must agree
# (ward doctor --json).
. "$(dirname "$0")/lib.sh"
t_need_root
command -v jq >/dev/null || apt-get install -y -qq jq >/dev/null
BUDGET=250000
TOOL=$WARD_BUILD/bpf_budget
GEN=$WARD_BUILD/gen
[ -x "$TOOL" ] || { echo "FAIL: $TOOL not built (configure with -DWARD_TESTS=ON)"; exit 1; }
[ -e /sys/kernel/btf/vmlinux ] || t_require "kernel BTF is missing"
echo "kernel: $(uname -r) $(uname -v)"

objs=("$GEN"/tracer.bpf.o "$GEN"/quarantine.bpf.o)
for o in "${objs[@]}"; do [ -f "$o" ] || { echo "FAIL: $o missing"; exit 1; }; done
echo "== primary compiler ($(grep -m1 "^CLANG:" "$WARD_BUILD/CMakeCache.txt" | cut -d= -f2))"
if "$TOOL" --budget $BUDGET "${objs[@]}" >"$T_TMP/primary.txt" 2>"$T_TMP/primary.err"; then rc=0; else rc=$?; fi
cat "$T_TMP/primary.txt" "$T_TMP/primary.err"
t_check "primary compiler: every program loads within $BUDGET verified insns (got rc $rc; over budget: $(cat "$T_TMP/primary.err"))" test "$rc" = 0
t_check "primary compiler: the tracer's 9 programs were all measured (got $(grep -c tracer.bpf.o "$T_TMP/primary.txt"))" \
  test "$(grep -c tracer.bpf.o "$T_TMP/primary.txt")" = 9

# the second compiler: code generation changes what the verifier sees
if [ -n "${WARD_BPF_CLANG2:-}" ] && [ -f "$GEN/alt/tracer.bpf.o" ]; then
  echo "== $WARD_BPF_CLANG2"
  if "$TOOL" --budget $BUDGET "$GEN/alt/tracer.bpf.o" "$GEN/alt/quarantine.bpf.o" >"$T_TMP/alt.txt" 2>"$T_TMP/alt.err"; then rc=0; else rc=$?; fi
  cat "$T_TMP/alt.txt" "$T_TMP/alt.err"
  t_check "$(basename "$WARD_BPF_CLANG2"): every program loads within $BUDGET verified insns (got rc $rc; over budget: $(cat "$T_TMP/alt.err"))" test "$rc" = 0
elif [ "${CI:-}" = true ] || [ "${WARD_REQUIRE_BPF:-0}" = 1 ]; then
  t_fail "second compiler: expected WARD_BPF_CLANG2 (clang-16 or clang-15) and $GEN/alt/tracer.bpf.o, got '${WARD_BPF_CLANG2:-}' (scripts/deps.sh test installs clang-16)"
else
  echo "SKIP (part): no second clang (install clang-16, reconfigure)"
fi

# the budget tool itself must fail on a program over budget: hold it to 100 insns
if "$TOOL" --budget 100 "$GEN/tracer.bpf.o" >/dev/null 2>"$T_TMP/low.err"; then rc=0; else rc=$?; fi
t_check "a budget of 100 fails and names the programs over it (got rc $rc: $(cat "$T_TMP/low.err"))" \
  sh -c "[ $rc = 1 ] && grep -q 'sys_exit' '$T_TMP/low.err' && grep -q 'sched_exec' '$T_TMP/low.err'"

# the agent's own load, as ward doctor reports it
if "$WARD" doctor --json >"$T_TMP/doctor.json" 2>"$T_TMP/doctor.err"; then rc=0; else rc=$?; fi
t_check "ward doctor: status ok, exit 0 (got rc $rc, status $(jq -r .status "$T_TMP/doctor.json"))" \
  sh -c "[ $rc = 0 ] && [ \"\$(jq -r .status '$T_TMP/doctor.json')\" = ok ]"
bad=$(jq -r --argjson b $BUDGET '.programs[] | select((.loaded|not) or .verified_insns > $b or .verified_insns == 0) | "\(.name)=\(.verified_insns) loaded=\(.loaded)"' "$T_TMP/doctor.json")
t_check "ward doctor: all 9 programs loaded within budget (got $(jq '.programs|length' "$T_TMP/doctor.json") programs; bad: ${bad:-none})" \
  sh -c "[ -z '$bad' ] && [ \"\$(jq '.programs|length' '$T_TMP/doctor.json')\" = 9 ]"
jq -r '.programs[] | "  doctor: \(.name) \(.verified_insns) insns \(.load_ms|floor) ms"' "$T_TMP/doctor.json"
t_done
