#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Report formats against their published JSON schemas, validated offline with ajv:
# CycloneDX 1.5 (schema shipped in @cyclonedx/cyclonedx-library), SARIF 2.1.0 (the schema
# file shipped in @microsoft/sarif-multitool-linux), SPDX 2.3 (tests/data/spdx: the
# constraints of the published spdx-schema.json; no npm package ships that file, see
# docs/scan.md). Each validator is also shown a broken document and must reject it, so these
# checks can fail.
. "$(dirname "$0")/lib.sh"
. "$WARD_SRC/tests/integration/scan/fixtures.sh"
t_need_root
jqt() { jq -e "$@" >/dev/null; }

# schema packages, pinned, cached next to the images
M=$WARD_SCAN_CACHE/npm-schemas
if [ ! -f "$M/.complete" ]; then
  rm -rf "$M"; mkdir -p "$M"
  npm install -q --no-audit --no-fund --ignore-scripts --omit=optional --prefix "$M" \
    ajv@8.17.1 ajv-formats@3.0.1 @cyclonedx/cyclonedx-library@10.3.0 \
    @microsoft/sarif-multitool-linux@5.7.0 >"$T_TMP/npm.log" 2>&1 || { cat "$T_TMP/npm.log"; t_fail "npm install of schema packages"; t_done; exit 1; }
  touch "$M/.complete"
fi
N=$M/node_modules
CDX=$N/@cyclonedx/cyclonedx-library/res/schema
SARIF=$N/@microsoft/sarif-multitool-linux/sarif-2.1.0.json
V="node $WARD_SRC/tests/integration/scan/validate.js $N"

# A target with packages, secrets and malware; a DB so vulnerabilities appear too.
ROOT=$(fx_debian_root) || { t_fail "debian root"; t_done; exit 1; }
NPM=$(fx_npm_tree) || { t_fail "npm tree"; t_done; exit 1; }
mkdir -p "$T_TMP/extra/srv" "$T_TMP/extra/etc/app"
cp -a "$NPM/node_modules" "$T_TMP/extra/srv/"
echo 'aws_access_key_id=AKIAZ7QRSTUVWXYZ2345' >"$T_TMP/extra/etc/app/creds.env"
printf 'X5O!P%%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*\n' >"$T_TMP/extra/srv/eicar.txt"
mk_docker_archive "$T_TMP/img.tar" "$ROOT" "$T_TMP/extra"
"$WARD" db import "$WARD_SRC/tests/data/osv/npm" "$WARD_SRC/tests/data/osv/debian" --db "$T_TMP/v.db" --quiet
for f in cyclonedx sarif spdx json; do
  "$WARD" scan image "$T_TMP/img.tar" --db "$T_TMP/v.db" -q --format "$f" -o "$T_TMP/out.$f"
done

t_check "CycloneDX 1.5 valid" $V "$CDX/bom-1.5.SNAPSHOT.schema.json" "$T_TMP/out.cyclonedx" "$CDX/spdx.SNAPSHOT.schema.json" "$CDX/jsf-0.82.SNAPSHOT.schema.json"
t_check "CycloneDX lists every package" test "$(jq '[.components[] | select(.type=="library")] | length' "$T_TMP/out.cyclonedx")" = "$(jq '.packages | length' "$T_TMP/out.json")"
t_check "CycloneDX carries the vulnerabilities with affects refs" jqt '[.vulnerabilities[] | select(.id=="GHSA-xvch-5gv4-984h" and (.affects[0].ref | startswith("ward-pkg-")))] | length == 1' "$T_TMP/out.cyclonedx"
jq '.components[0].type = "gadget"' "$T_TMP/out.cyclonedx" >"$T_TMP/bad.cdx"
t_check "CycloneDX validator rejects a broken document" bash -c "! $V '$CDX/bom-1.5.SNAPSHOT.schema.json' '$T_TMP/bad.cdx' '$CDX/spdx.SNAPSHOT.schema.json' '$CDX/jsf-0.82.SNAPSHOT.schema.json' >/dev/null"

t_check "SARIF 2.1.0 valid" $V "$SARIF" "$T_TMP/out.sarif"
t_check "SARIF has secret with file and line" jqt '[.runs[0].results[] | select(.ruleId=="aws-access-key-id" and .locations[0].physicalLocation.artifactLocation.uri=="etc/app/creds.env" and .locations[0].physicalLocation.region.startLine==1)] | length==1' "$T_TMP/out.sarif"
t_check "SARIF has the EICAR YARA hit and the CVE results" jqt '([.runs[0].results[] | select(.ruleId=="ward_eicar_test_file")] | length==1) and ([.runs[0].results[] | select(.ruleId=="GHSA-p6mc-m468-83gw")] | length==1)' "$T_TMP/out.sarif"
jq '.runs[0].results[0].level = "fatal"' "$T_TMP/out.sarif" >"$T_TMP/bad.sarif"
t_check "SARIF validator rejects a broken document" bash -c "! $V '$SARIF' '$T_TMP/bad.sarif' >/dev/null"

# SPDX 2.3: the published schema's constraints, then what ward promises beyond them.
SPDX_SCHEMA=$WARD_SRC/tests/data/spdx/spdx-2.3.schema.json
t_check "SPDX 2.3 valid" $V "$SPDX_SCHEMA" "$T_TMP/out.spdx"
jq '.packages[1].filesAnalyzed = "no"' "$T_TMP/out.spdx" >"$T_TMP/bad-schema.spdx"
t_check "SPDX validator rejects a broken document" bash -c "! $V '$SPDX_SCHEMA' '$T_TMP/bad-schema.spdx' >/dev/null"
spdx_ok() {
  jq -e '
    .spdxVersion=="SPDX-2.3" and .dataLicense=="CC0-1.0" and .SPDXID=="SPDXRef-DOCUMENT"
    and (.name|type=="string") and (.documentNamespace|test("^[a-z]+://[^#]+$"))
    and (.creationInfo.created|test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"))
    and (.creationInfo.creators|length>0 and all(test("^(Tool|Organization|Person): .+")))
    and ([.packages[] | (.SPDXID|test("^SPDXRef-[A-Za-z0-9.-]+$")) and (.name|type=="string")
          and (.downloadLocation|type=="string")] | all)
    and ([.packages[].SPDXID] | length == (unique|length))
    and ([.relationships[] | .relationshipType as $t | ["DESCRIBES","CONTAINS"] | index($t) != null] | all)
    and ([.packages[].externalRefs[]? | .referenceCategory=="PACKAGE-MANAGER" and .referenceType=="purl" and (.referenceLocator|startswith("pkg:"))] | all)' "$1" >/dev/null
}
t_check "SPDX 2.3 required fields" spdx_ok "$T_TMP/out.spdx"
t_check "SPDX lists every package (+1 for the artifact)" test "$(jq '.packages | length' "$T_TMP/out.spdx")" = "$(( $(jq '.packages | length' "$T_TMP/out.json") + 1 ))"
jq '.packages[1].SPDXID = "bad id"' "$T_TMP/out.spdx" >"$T_TMP/bad.spdx"
t_check "SPDX check rejects a broken document" bash -c "$(declare -f spdx_ok); ! spdx_ok '$T_TMP/bad.spdx'"

# Table: grouped by severity, most severe first.
"$WARD" scan image "$T_TMP/img.tar" --db "$T_TMP/v.db" -q -o "$T_TMP/out.txt"
t_check "table groups CRITICAL before HIGH before MEDIUM" bash -c "grep -nE '^(CRITICAL|HIGH|MEDIUM) \(' '$T_TMP/out.txt' | cut -d: -f2 | cut -d' ' -f1 | tr '\n' ' ' | grep -q '^CRITICAL HIGH '"
t_done
