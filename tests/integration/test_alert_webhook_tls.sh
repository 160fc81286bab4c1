#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The webhook's TLS and header settings through the real binary. A test PKI is made with
# openssl (alert/make_certs.sh); alert/receiver.py serves HTTPS and requires a client
# certificate. `ward fim watch --alerts --no-sensor` (fanotify, no eBPF needed) turns a file
# write into an alert through the configured outputs. Checked: delivery over mutual TLS with
# the configured headers exactly as written; a header with CR/LF or without a colon fails at
# start naming the key and item, without echoing the value; `ward config` shows header
# names only; insecure warns at start.
. "$(dirname "$0")/lib.sh"
t_need_root

PKI=$T_TMP/pki
bash "$WARD_SRC/tests/integration/alert/make_certs.sh" "$PKI"
D=$T_TMP/watched; mkdir -p "$D"

python3 "$WARD_SRC/tests/integration/alert/receiver.py" --out "$T_TMP/hook.txt" \
  --portfile "$T_TMP/hook.port" --headers "$T_TMP/headers.json" \
  --tls-cert "$PKI/server.pem" --tls-key "$PKI/server.key" --tls-client-ca "$PKI/ca.pem" \
  2>"$T_TMP/receiver.err" &
RPID=$!
t_on_exit "kill $RPID 2>/dev/null"
t_wait_for "[ -s $T_TMP/hook.port ]" 30
HPORT=$(cat "$T_TMP/hook.port")

cfg() { # file, then extra webhook lines on stdin
  { printf 'outputs:\n  stdout:\n    enabled: false\n  webhook:\n    url: https://127.0.0.1:%s/ward\n    retries: 2\n' "$HPORT"
    cat; } >"$1"
}

# --- mutual TLS with headers --------------------------------------------------------------
cfg "$T_TMP/ok.yaml" <<YAML
    ca_cert: $PKI/ca.pem
    client_cert: $PKI/client.pem
    client_key: $PKI/client.key
    user_agent: ward-it/1
    headers:
      - "Authorization: Bearer it-s3cret"
      - "X-Tenant: team a"
YAML
"$WARD" -c "$T_TMP/ok.yaml" fim watch --path "$D" --alerts --no-sensor --window 100 --count 1 \
  --timeout 30 2>"$T_TMP/ok.err" &
APID=$!
t_wait_for "grep -q watching '$T_TMP/ok.err'" 60 || true
echo changed >"$D/file.txt"
wait $APID || true
t_wait_for "[ -s $T_TMP/hook.txt ]" 10 || true
t_check "alert delivered over mutual TLS" grep -q '"rule":"FIM change"' "$T_TMP/hook.txt"
t_check "headers arrive exactly as configured" python3 - "$T_TMP/headers.json" <<'PY'
import json, sys
h = json.loads(open(sys.argv[1]).readline())
want = {"authorization": ["Bearer it-s3cret"], "x-tenant": ["team a"], "user-agent": ["ward-it/1"],
        "content-type": ["application/json"]}
got = {}
for k, v in h:
    got.setdefault(k.lower(), []).append(v)
sys.exit(0 if all(got.get(k) == v for k, v in want.items()) else 1)
PY
t_check "the secret header is not in ward's log" bash -c "! grep -q s3cret '$T_TMP/ok.err'"
"$WARD" -c "$T_TMP/ok.yaml" config >"$T_TMP/config.out"
t_check "ward config shows header names, not values" bash -c \
  "grep -qF 'outputs.webhook.headers: [Authorization: ***, X-Tenant: ***]' '$T_TMP/config.out' && ! grep -q s3cret '$T_TMP/config.out'"

# --- bad headers fail at start, naming key and item, not the value -------------------------
bad_case() { # label, header item (YAML double-quoted), expected message part
  cfg "$T_TMP/bad.yaml" <<YAML
    headers: ["X-Tenant: a", "$2"]
YAML
  "$WARD" -c "$T_TMP/bad.yaml" fim watch --path "$D" --alerts --no-sensor --timeout 1 \
    >/dev/null 2>"$T_TMP/bad.err" && rc=0 || rc=$?
  t_check "$1: refused at start" [ "$rc" -ne 0 ]
  t_check "$1: error names key and item" grep -qF "$3" "$T_TMP/bad.err"
  t_check "$1: error does not echo the value" bash -c "! grep -q s3cret '$T_TMP/bad.err'"
}
bad_case "CR/LF in a header" 'Authorization: Bearer s3cret\r\nX-Evil: 1' \
  'outputs.webhook.headers item 2 ("Authorization: ...") contains a CR or LF'
bad_case "header without a colon" 'Bearer s3cret' 'outputs.webhook.headers item 2 has no'

# --- insecure: warned at start (delivery without verification: test_alert_webhook) ----
cfg "$T_TMP/insecure.yaml" <<YAML
    insecure: true
    client_cert: $PKI/client.pem
    client_key: $PKI/client.key
YAML
"$WARD" -c "$T_TMP/insecure.yaml" fim watch --path "$D" --alerts --no-sensor --timeout 1 \
  >/dev/null 2>"$T_TMP/insecure.err" || true
t_check "insecure warns at start" grep -q "outputs.webhook.insecure is true: the server's TLS certificate is NOT verified" "$T_TMP/insecure.err"
t_done
