#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Default rules whose attack cannot run on this machine (no module loading in this kernel,
# no public network): the records the sensor emits for them are written to a capture with
# the exact ABI layout and replayed through the agent. The benign neighbour (a connection to
# a private address) must stay quiet.
. "$(dirname "$0")/lib.sh"
CID=$(head -c 32 /dev/urandom | sha256sum | cut -c1-64)
python3 "$WARD_SRC/tests/integration/attacks/synth_capture.py" "$T_TMP/s.cap" "$CID"
"$WARD" -c /dev/null agent --replay "$T_TMP/s.cap" --json -r "$WARD_SRC/rules" >"$T_TMP/a.json" 2>"$T_TMP/a.err" || { cat "$T_TMP/a.err"; exit 1; }
cat "$T_TMP/a.err"
n() { jq -c --arg r "$1" "select(.rule == \$r) | select($2)" "$T_TMP/a.json" | wc -l; }
t_check "Kernel Module Loaded (host init_module)" test "$(n "Kernel Module Loaded" '.output_fields["proc.name"] == "kmod"')" -ge 1
t_check "Kernel Module Loaded from Container (finit_module)" test "$(n "Kernel Module Loaded from Container" ".ward.container.id == \"$CID\"")" -eq 1
t_check "Outbound Connection from Database Server to Public Address" test "$(n "Outbound Connection from Database Server to Public Address" '.output | contains("203.0.113.9")')" -eq 1
t_check "a private peer of the database stays quiet" test "$(n "Outbound Connection from Database Server to Public Address" '.output | contains("10.1.2.3")')" -eq 0
t_done
