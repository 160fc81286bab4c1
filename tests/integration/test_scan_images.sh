#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Real images built here: a debootstrap'd Debian bookworm minbase as docker-archive, OCI
# layout and oci-archive (umoci + skopeo), and an image carrying a node_modules tree
# installed from the npm registry at known-vulnerable versions, matched against OSV
# records of real advisories (tests/data/osv). Checks inventory against dpkg itself,
# findings, severity gating with --exit-code, --ignore-unfixed, ignore files and VEX.
. "$(dirname "$0")/lib.sh"
. "$WARD_SRC/tests/integration/scan/fixtures.sh"
t_need_root
jqt() { jq -e "$@" >/dev/null; }

ROOT=$(fx_debian_root) || { t_fail "debootstrap root"; t_done; exit 1; }
IMG=$(fx_debian_images) || { t_fail "debian images"; t_done; exit 1; }
NPM=$(fx_npm_tree) || { t_fail "npm install"; t_done; exit 1; }

# What dpkg itself says is installed: the reference inventory.
chroot "$ROOT" dpkg-query -W -f '${db:Status-Abbrev} ${Package} ${Version}\n' | awk '$1=="ii"{print $2" "$3}' | sort >"$T_TMP/dpkg.txt"
N=$(wc -l <"$T_TMP/dpkg.txt")
for f in docker.tar oci oci-archive.tar; do
  "$WARD" scan image "$IMG/$f" --json -q --no-malware -o "$T_TMP/$f.json"
  jq -r '.packages[] | select(.kind=="os") | "\(.name) \(.version)"' "$T_TMP/$f.json" | sort >"$T_TMP/$f.pk"
  t_check "$f: the $N dpkg packages, same names and versions" diff "$T_TMP/dpkg.txt" "$T_TMP/$f.pk"
  t_check "$f: Debian 12 detected" jqt '.os.id=="debian" and .os.version_id=="12"' "$T_TMP/$f.json"
  t_check "$f: source packages kept (libc6 from glibc)" jqt '[.packages[] | select(.name=="libc6" and .source_name=="glibc")] | length==1' "$T_TMP/$f.json"
  t_check "$f: deb purls with arch and distro" jqt '[.packages[] | select(.kind=="os") | .purl | test("^pkg:deb/debian/[^@]+@[^?]+\\?arch=[a-z0-9]+&distro=debian-12$")] | all' "$T_TMP/$f.json"
  t_check "$f: no secrets in a clean Debian root" jqt '.secrets | length == 0' "$T_TMP/$f.json"
done

# Debian + node_modules tree in a second layer; DB from OSV records of real advisories.
mkdir -p "$T_TMP/app"; cp -a "$NPM" "$T_TMP/app/srv"
mk_docker_archive "$T_TMP/app.tar" "$ROOT" "$T_TMP/app"
DB=$T_TMP/vuln.db
"$WARD" db import "$WARD_SRC/tests/data/osv/npm" "$WARD_SRC/tests/data/osv/debian" --db "$DB" --quiet
"$WARD" scan image "$T_TMP/app.tar" --db "$DB" --json -q -o "$T_TMP/app.json"
t_check "npm: lodash 4.17.15 from node_modules" jqt '[.packages[] | select(.name=="lodash" and .version=="4.17.15" and .path=="srv/node_modules/lodash/package.json")] | length==1' "$T_TMP/app.json"
t_check "npm: scoped package purl" jqt '[.packages[] | select(.name=="@babel/traverse" and .purl=="pkg:npm/%40babel/traverse@7.22.0")] | length==1' "$T_TMP/app.json"
t_check "npm: every package in package-lock.json is listed" bash -c "
  diff <(jq -r '.packages | to_entries[] | select(.key!=\"\" and (.value.link|not)) | .value.version as \$v | (.key | sub(\".*node_modules/\"; \"\")) + \" \" + \$v' '$NPM/package-lock.json' | sort -u) \
       <(jq -r '.packages[] | select(.ecosystem==\"npm\") | \"\(.name) \(.version)\"' '$T_TMP/app.json' | sort -u)"
t_check "vuln: GHSA-p6mc-m468-83gw on lodash 4.17.15, fixed 4.17.19" jqt '[.vulnerabilities[] | select(.id=="GHSA-p6mc-m468-83gw" and .package=="lodash" and .fixed_version=="4.17.19")] | length==1' "$T_TMP/app.json"
t_check "vuln: GHSA-xvch-5gv4-984h on minimist 1.2.0" jqt '[.vulnerabilities[] | select(.id=="GHSA-xvch-5gv4-984h" and .package=="minimist" and .installed_version=="1.2.0")] | length==1' "$T_TMP/app.json"
t_check "vuln: database flagged as used" jqt '.database == true' "$T_TMP/app.json"

# Gating: --exit-code with a severity floor; a floor above every finding passes.
set +e
"$WARD" scan image "$T_TMP/app.tar" --db "$DB" -q --severity CRITICAL --exit-code 3 -o /dev/null; rc=$?
t_check "gate: CRITICAL findings -> exit 3 (got $rc)" test "$rc" = 3
"$WARD" scan image "$T_TMP/app.tar" --db "$DB" -q --severity NONE --exit-code 3 -o /dev/null; rc=$?
set -e
t_check "gate: nothing at severity NONE -> exit 0 (got $rc)" test "$rc" = 0
# Suppression: the ignore file silences the lodash advisory, VEX the lodash template one.
"$WARD" scan image "$T_TMP/app.tar" --db "$DB" --json -q --ignorefile "$WARD_SRC/tests/data/vulndb/ignore.yaml" \
  --vex "$WARD_SRC/tests/data/vulndb/lodash.openvex.json" -o "$T_TMP/sup.json"
t_check "ignore file suppresses GHSA-p6mc-m468-83gw with its reason" jqt '[.vulnerabilities[] | select(.id=="GHSA-p6mc-m468-83gw" and .suppressed and (.suppressed_reason|test("zipObjectDeep")))] | length==1' "$T_TMP/sup.json"
t_check "VEX suppresses GHSA-35jh-r3h4-6jhm" jqt '[.vulnerabilities[] | select(.id=="GHSA-35jh-r3h4-6jhm" and .suppressed)] | length==1' "$T_TMP/sup.json"
t_check "minimist advisory stays" jqt '[.vulnerabilities[] | select(.id=="GHSA-xvch-5gv4-984h" and (.suppressed|not))] | length==1' "$T_TMP/sup.json"

# No database: inventory still produced, and the message says what to do.
set +e
"$WARD" scan image "$T_TMP/app.tar" --db "$T_TMP/none.db" --json -o "$T_TMP/nodb.json" 2>"$T_TMP/nodb.err"; rc=$?
set -e
t_check "no DB: exit 0, inventory present" bash -c "[ $rc = 0 ] && jq -e '.packages|length>50' '$T_TMP/nodb.json' >/dev/null"
t_check "no DB: says run 'ward db import'" grep -q "no vulnerability database at $T_TMP/none.db: run 'ward db import'" "$T_TMP/nodb.err"
t_done
