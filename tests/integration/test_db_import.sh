#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ward db import / info end to end on the real OSV fixtures: a directory import, the JSON
# summary checked with jq, an incremental re-import that adds nothing, a zip export built
# here with python3's zipfile, a broken record that is skipped (named with its JSON path)
# while the stored records survive, and usage errors.
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null || t_require "jq not installed"
command -v python3 >/dev/null || t_require "python3 not installed"

DB=$T_TMP/vuln.db
FIX=$WARD_SRC/tests/data/osv
N=$(find "$FIX" -name '*.json' | wc -l)

out=$("$WARD" db import "$FIX" --db "$DB")
t_check "first import exits 0" test $? -eq 0
t_check "first import adds every fixture ($N)" grep -q "$N new, 0 updated, 0 unchanged, 0 failed" <<<"$out"

info=$("$WARD" db info --db "$DB" --json)
t_check "info is JSON with the record count" test "$(jq .records <<<"$info")" -eq "$N"
t_check "info counts npm records" test "$(jq '.ecosystems.npm' <<<"$info")" -eq 3
t_check "info counts Debian:12 records" test "$(jq '.ecosystems["Debian:12"]' <<<"$info")" -eq 5
t_check "info counts Debian:11 records" test "$(jq '.ecosystems["Debian:11"]' <<<"$info")" -eq 1
t_check "info counts Go records" test "$(jq '.ecosystems.Go' <<<"$info")" -eq 2
t_check "info has newest modified" test "$(jq -r .newest_modified <<<"$info")" = "2024-09-18T00:00:00Z"
t_check "info has import time and age" jq -e '(.import_time | test("^20[0-9][0-9]-")) and .age_seconds >= 0' <<<"$info"

out=$("$WARD" db import "$FIX" --db "$DB")
t_check "re-import reports 0 new" grep -q "0 new, 0 updated, $N unchanged, 0 failed" <<<"$out"
t_check "re-import keeps the count" test "$("$WARD" db info --db "$DB" --json | jq .records)" -eq "$N"

text=$("$WARD" db info --db "$DB")
t_check "text info lists ecosystems" grep -q "Alpine:v3.18" <<<"$text"
t_check "text info shows the age" grep -q "last import: .*ago" <<<"$text"

# A zip export, with one broken record in it.
ZIP=$T_TMP/all.zip
python3 - "$FIX" "$ZIP" <<'PY'
import os, sys, zipfile
fix, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for root, _, files in os.walk(os.path.join(fix, "npm")):
        for f in files:
            z.write(os.path.join(root, f), f)
    z.writestr("BROKEN-1.json", '{"id": "BROKEN-1", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "npm", "name": "x"}, "ranges": [{"type": "SEMVER"}]}]}')
PY
ZDB=$T_TMP/zip.db
"$WARD" db import "$ZIP" --db "$ZDB" >"$T_TMP/zip.out" 2>"$T_TMP/zip.err"
t_check "zip import exits 0 without --strict" test $? -eq 0
t_check "zip import counts" grep -q "3 new, 0 updated, 0 unchanged, 1 failed" "$T_TMP/zip.out"
t_check "broken record named with file and JSON path" grep -q "all.zip:BROKEN-1.json: affected\[0\].ranges\[0\]" "$T_TMP/zip.err"
t_check "zip db has the good records" test "$("$WARD" db info --db "$ZDB" --json | jq .records)" -eq 3
set +e
"$WARD" db import "$ZIP" --db "$ZDB" --strict >/dev/null 2>&1
rc=$?
set -e
t_check "--strict exits 1 on a broken record" test $rc -eq 1

# A source that cannot be read: error, and the existing DB is untouched.
set +e
"$WARD" db import "$T_TMP/nope" --db "$DB" >/dev/null 2>"$T_TMP/nope.err"
rc=$?
set -e
t_check "missing source exits 1" test $rc -eq 1
t_check "missing source is named" grep -q "nope" "$T_TMP/nope.err"
t_check "DB survives a failed import" test "$("$WARD" db info --db "$DB" --json | jq .records)" -eq "$N"

# Usage errors exit 2.
set +e
"$WARD" db >/dev/null 2>&1; r1=$?
"$WARD" db frobnicate >/dev/null 2>&1; r2=$?
"$WARD" db import --db "$DB" >/dev/null 2>&1; r3=$?
"$WARD" db info --db "$DB" --bogus >/dev/null 2>&1; r4=$?
"$WARD" db info --db "$T_TMP/none.db" >/dev/null 2>"$T_TMP/none.err"; r5=$?
set -e
t_check "no subcommand is a usage error" test $r1 -eq 2
t_check "unknown subcommand is a usage error" test $r2 -eq 2
t_check "import without SOURCE is a usage error" test $r3 -eq 2
t_check "unknown option is a usage error" test $r4 -eq 2
t_check "info on a missing DB exits 1" test $r5 -eq 1
t_check "missing DB hint names ward db import" grep -q "ward db import" "$T_TMP/none.err"

help=$("$WARD" db --help)
for opt in --db --json --strict --quiet import info Examples; do
  t_check "help mentions $opt" grep -q -- "$opt" <<<"$help"
done

t_done
