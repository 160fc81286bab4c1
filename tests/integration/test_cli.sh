#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The command-line contract: --help for ward and every command (with an example), --version,
# exit codes 0/1/2, config errors naming file, line and key, and the generated docs (README,
# BENCHMARKS, config reference) matching their sources.
. "$(dirname "$0")/lib.sh"

t_check "ward --help exits 0" "$WARD" --help
t_check "ward --version prints the version" bash -c "'$WARD' --version | grep -q '^ward [0-9]'"
rc=0; "$WARD" >/dev/null 2>&1 || rc=$?
t_check "no command is a usage error (2)" test "$rc" -eq 2
rc=0; "$WARD" no-such-command >/dev/null 2>&1 || rc=$?
t_check "unknown command is a usage error (2)" test "$rc" -eq 2
cmds=$("$WARD" --help | awk '/^Commands:/{f=1;next} /^$/{if(f)exit} f{print $1}')
t_check "ward --help lists the commands" test "$(echo "$cmds" | wc -l)" -ge 10
for c in $cmds; do
  out=$("$WARD" "$c" --help 2>&1); rc=$?
  t_check "ward $c --help exits 0" test "$rc" -eq 0
  t_check "ward $c --help shows usage" grep -q "Usage: ward" <<<"$out"
  t_check "README documents ward $c" grep -q "ward $c" "$WARD_SRC/README.md"
done
rc=0; "$WARD" trace --no-such-option >/dev/null 2>&1 || rc=$?
t_check "unknown option is a usage error (2)" test "$rc" -eq 2

printf 'sensor:\n  ring_kb: 4096\n  bogus_key: 1\n' > "$T_TMP/bad.yaml"
rc=0; err=$("$WARD" -c "$T_TMP/bad.yaml" config 2>&1) || rc=$?
t_check "unknown config key: exit 1" test "$rc" -eq 1
t_check "unknown config key: names file, line and key" grep -q "bad.yaml:3:3: unknown key 'sensor.bogus_key'" <<<"$err"
printf 'rules:\n  rate_limit_per_min: lots\n' > "$T_TMP/bad2.yaml"
rc=0; err=$("$WARD" -c "$T_TMP/bad2.yaml" config 2>&1) || rc=$?
t_check "wrong type: names file, line and key" grep -q "bad2.yaml:2:3: key 'rules.rate_limit_per_min' wants an integer" <<<"$err"
printf 'a: [unclosed\n' > "$T_TMP/bad3.yaml"
rc=0; err=$("$WARD" -c "$T_TMP/bad3.yaml" config 2>&1) || rc=$?
t_check "YAML syntax error: file and line, exit 1" test "$rc" -eq 1 -a -n "$(grep 'bad3.yaml:[0-9]' <<<"$err")"
rc=0; "$WARD" -c "$T_TMP/missing.yaml" config >/dev/null 2>&1 || rc=$?
t_check "an explicit missing config file is an error" test "$rc" -eq 1
t_check "defaults need no config file" "$WARD" -c /dev/null config
t_check "generated docs are current" "$WARD_SRC/scripts/gen-docs.sh" "$WARD" --check
t_done
