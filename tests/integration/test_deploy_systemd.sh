#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The systemd unit as installed: `scripts/install.sh` (what `make install` runs) into a
# private prefix, `systemd-analyze verify` on the unit, then the unit's own ExecStart run
# the way systemd would confine it (its CapabilityBoundingSet through capsh, LimitMEMLOCK
# through prlimit, NoNewPrivileges through setpriv): the agent starts on eBPF, undegraded,
# and alerts on `cat /etc/shadow`. No systemd runs as PID 1 here, so the unit is not started
# by systemd itself.
. "$(dirname "$0")/lib.sh"
t_need_root
command -v jq >/dev/null || apt-get install -y -qq jq >/dev/null
command -v capsh >/dev/null || apt-get install -y -qq libcap2-bin >/dev/null
command -v systemd-analyze >/dev/null || apt-get install -y -qq systemd >/dev/null
if ! "$WARD" trace --backend bpf --duration 1 --quiet 2>"$T_TMP/probe.err"; then
  cat "$T_TMP/probe.err"
  t_require "the eBPF sensor does not load on this machine"
fi
P=$T_TMP/prefix
PREFIX=$P bash "$WARD_SRC/scripts/install.sh" "$(dirname "$WARD")" >"$T_TMP/install.out" 2>&1; rc=$?
cat "$T_TMP/install.out"
U=$P/lib/systemd/system/ward-agent.service
t_check "install.sh puts the binary, rules, docs and unit under PREFIX (rc $rc)" \
  sh -c "[ $rc = 0 ] && [ -x '$P/bin/ward' ] && [ -f '$U' ] && [ -f '$P/share/ward/rules/00-macros.yaml' ] && [ -f '$P/share/doc/ward/deploy.md' ]"
systemd-analyze verify "$U" >"$T_TMP/verify.out" 2>&1; rc=$?
t_check "systemd-analyze verify accepts the unit (rc $rc: $(cat "$T_TMP/verify.out"))" test "$rc" = 0
key() { sed -n "s/^$1=//p" "$U" | tail -n 1; }
EXEC=$(key ExecStart); CAPS=$(key CapabilityBoundingSet); MEMLOCK=$(key LimitMEMLOCK)
t_check "ExecStart runs the installed binary (got '$EXEC')" test "${EXEC%% *}" = "$P/bin/ward"
t_check "hardening present: ProtectSystem=strict, NoNewPrivileges, no CAP_SYS_ADMIN/CAP_SYS_RESOURCE (caps: $CAPS)" \
  sh -c "[ '$(key ProtectSystem)' = strict ] && [ '$(key NoNewPrivileges)' = yes ] && ! echo '$CAPS' | grep -Eq 'SYS_ADMIN|SYS_RESOURCE'"

drop=$(t_caps_all_but "$(echo "$CAPS" | tr 'A-Z ' 'a-z,')")
bytes=$(( ${MEMLOCK%K} * 1024 ))
OUT=$T_TMP/alerts.json; ERR=$T_TMP/agent.err
read -r -a argv <<<"$EXEC"
capsh --drop="$drop" -- -c 'exec setpriv --no-new-privs prlimit --memlock="$0":"$0" "$@"' "$bytes" \
  "${argv[@]}" >"$OUT" 2>"$ERR" &
APID=$!
t_on_exit "kill -KILL $APID 2>/dev/null || true"
t_wait_for "grep -q 'sensor: ' '$ERR'" 60 || { cat "$ERR"; exit 1; }
sleep 1
cat /etc/shadow >/dev/null
t_wait_for "grep -q 'Sensitive Authentication File Read' '$OUT'" 10 || true
kill -TERM $APID
t_wait_for "! kill -0 $APID 2>/dev/null" 120 || kill -KILL $APID
wait $APID || true
cat "$ERR"
t_check "the unit's command runs the eBPF sensor undegraded (got: $(grep 'sensor:' "$ERR" | head -1 | cut -c1-140))" \
  sh -c "grep -q 'info: sensor: ebpf' '$ERR' && ! grep -q DEGRADED '$ERR'"
t_check "and alerts on cat /etc/shadow (got rules: $(jq -r .rule "$OUT" 2>/dev/null | sort -u | tr '\n' ';'))" \
  grep -q 'Sensitive Authentication File Read' "$OUT"
t_done
