#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ward fim init/check/diff/accept on a real tree: a seeded change set (add, remove, content
# change with same size and restored mtime, permission, owner, symlink retarget, hard link,
# rename) must be reported exactly, nothing more; odd names, fifos, symlink loops and a
# large sparse file are handled; a tampered baseline is refused; EACCES is reported.
. "$(dirname "$0")/lib.sh"
t_need_root
command -v jq >/dev/null || t_require "jq not installed"
command -v sqlite3 >/dev/null || t_require "sqlite3 CLI not installed"

R=$T_TMP/tree
DB=$T_TMP/b.db
KEY=$T_TMP/b.key
F=(--db "$DB" --key "$KEY" --path "$R")

mkdir -p "$R"/{add,rm,content,perm,owner,link,hard,mv,odd,loop}
echo "alpha alpha" >"$R/content/a.conf"
echo "other" >"$R/rm/gone"
echo "#!/bin/sh" >"$R/perm/tool"; chmod 755 "$R/perm/tool"
echo "data" >"$R/owner/o.txt"
echo one >"$R/link/one"; echo two >"$R/link/two"; ln -s one "$R/link/cur"
echo h >"$R/hard/h1"
echo m >"$R/mv/old"
echo keep >"$R/add/keep"
mkfifo "$R/odd/fifo"
ln -s l2 "$R/loop/l1"; ln -s l1 "$R/loop/l2"; ln -s . "$R/loop/self"
printf 'x' >"$R/odd/$(printf 'new\nline')"
printf 'y' >"$R/odd/$(printf 'bad\xff\xfename')"
truncate -s 300M "$R/odd/big.sparse"

# --- init, unchanged check -------------------------------------------------------------
out=$("$WARD" fim init "${F[@]}" 2>&1); rc=$?
t_check "init exits 0 ($out)" test "$rc" = 0
t_check "key file created 0600" test "$(stat -c %a "$KEY")" = 600
rc=0; "$WARD" fim check "${F[@]}" >"$T_TMP/c0.txt" 2>&1 || rc=$?
t_check "unchanged tree: exit 0" test "$rc" = 0
t_check "unchanged tree: no findings" grep -q "no changes: 2[0-9] files, 0 added, 0 removed, 0 changed, 0 errors" "$T_TMP/c0.txt"
rc=0; "$WARD" fim check --full "${F[@]}" >/dev/null 2>&1 || rc=$?
t_check "unchanged tree, --full: exit 0" test "$rc" = 0

# --- seed changes ----------------------------------------------------------------------
echo new >"$R/add/new.txt"                                   # add
rm "$R/rm/gone"                                              # remove
m=$(stat -c %y "$R/content/a.conf")
printf 'alpha ALPHA\n' >"$R/content/a.conf"                  # same size
touch -d "$m" "$R/content/a.conf"                            # mtime restored
chmod 700 "$R/perm/tool"                                     # permissions
chown 1234:1234 "$R/owner/o.txt"                             # owner
ln -sfn two "$R/link/cur"                                    # symlink retarget
ln "$R/hard/h1" "$R/hard/h2"                                 # hard link
mv "$R/mv/old" "$R/mv/new"                                   # rename

rc=0; "$WARD" fim check --json "${F[@]}" >"$T_TMP/c1.json" 2>"$T_TMP/c1.err" || rc=$?
t_check "changed tree: exit 1" test "$rc" = 1
jq -r '.findings[] | "\(.kind) \(.path)"' "$T_TMP/c1.json" | sort >"$T_TMP/got.txt"
sort >"$T_TMP/want.txt" <<W
added $R/add/new.txt
added $R/hard/h2
added $R/mv/new
changed $R/add
changed $R/content/a.conf
changed $R/hard
changed $R/hard/h1
changed $R/link
changed $R/link/cur
changed $R/mv
changed $R/owner/o.txt
changed $R/perm/tool
changed $R/rm
removed $R/mv/old
removed $R/rm/gone
W
if diff -u "$T_TMP/want.txt" "$T_TMP/got.txt"; then t_ok "check reports exactly the seeded set"; else t_fail "check reports exactly the seeded set"; fi
attrs() { jq -r --arg p "$1" '.findings[] | select(.path==$p) | .changed | join(",")' "$T_TMP/c1.json"; }
t_check "same-size content change: c,sha256 only ($(attrs "$R/content/a.conf"))" test "$(attrs "$R/content/a.conf")" = "c,sha256"
t_check "permission change: p,c ($(attrs "$R/perm/tool"))" test "$(attrs "$R/perm/tool")" = "p,c"
t_check "owner change: u,g,c ($(attrs "$R/owner/o.txt"))" test "$(attrs "$R/owner/o.txt")" = "u,g,c"
t_check "hard link: n,c ($(attrs "$R/hard/h1"))" test "$(attrs "$R/hard/h1")" = "n,c"
t_check "symlink retarget includes l ($(attrs "$R/link/cur"))" grep -q '\bl\b' <<<"$(attrs "$R/link/cur" | tr , ' ')"
t_check "symlink old/new target in JSON" test "$(jq -r --arg p "$R/link/cur" '.findings[]|select(.path==$p)|"\(.old.l)>\(.new.l)"' "$T_TMP/c1.json")" = "one>two"
t_check "summary counts" test "$(jq -c '.summary|[.added,.removed,.changed,.errors]' "$T_TMP/c1.json")" = "[3,2,10,0]"

# --- diff shows values; text escapes odd names ------------------------------------------
"$WARD" fim diff "${F[@]}" >"$T_TMP/d.txt" 2>&1 || true
t_check "diff shows old -> new permission" grep -q "p       0755 -> 0700" "$T_TMP/d.txt"

# --- odd names: escaped in text, exact bytes in JSON --------------------------------------
touch "$R/odd/$(printf 'new\nline')" "$R/odd/$(printf 'bad\xff\xfename')"
"$WARD" fim check "${F[@]}" >"$T_TMP/c2.txt" 2>&1 || true
t_check "newline name escaped on one text line" grep -q 'changed  .*/odd/new\\nline  \[' "$T_TMP/c2.txt"
"$WARD" fim check --json "${F[@]}" >"$T_TMP/c2.json" 2>&1 || true
t_check "JSON stays valid with odd names" jq -e . "$T_TMP/c2.json" >/dev/null
want_hex=$(printf '%s' "$R/odd/$(printf 'bad\xff\xfename')" | od -An -tx1 | tr -d ' \n')
t_check "invalid UTF-8 name kept as path_hex" test "$(jq -r --arg h "$want_hex" '[.findings[]|select(.path_hex==$h)]|length' "$T_TMP/c2.json")" = 1
t_check "newline name exact in JSON" test "$(jq -r --arg p "$R/odd/$(printf 'new\nline')" '[.findings[]|select(.path==$p)]|length' "$T_TMP/c2.json")" = 1

# --- accept folds the current state in ----------------------------------------------------
"$WARD" fim accept "${F[@]}" "$R" >/dev/null 2>&1 || true
rc=0; "$WARD" fim check "${F[@]}" >/dev/null 2>&1 || rc=$?
t_check "after accept: exit 0" test "$rc" = 0
echo more >>"$R/add/keep"; echo z >"$R/mv/zz"
"$WARD" fim accept "${F[@]}" "$R/add" >/dev/null 2>&1 || true
rc=0; "$WARD" fim check --json "${F[@]}" >"$T_TMP/c3.json" 2>&1 || rc=$?
t_check "partial accept leaves the rest reported" test "$(jq -r '.findings[]|"\(.kind) \(.path)"' "$T_TMP/c3.json" | sort | tr '\n' ' ')" = "added $R/mv/zz changed $R/mv "
"$WARD" fim accept "${F[@]}" "$R/mv" >/dev/null 2>&1 || true

# --- tampering is refused -------------------------------------------------------------------
cp "$DB" "$T_TMP/good.db"
sqlite3 "$DB" "UPDATE files SET mode = mode | 2 WHERE k = (SELECT k FROM files ORDER BY k LIMIT 1 OFFSET 5)"
rc=0; "$WARD" fim check "${F[@]}" >"$T_TMP/t1.out" 2>"$T_TMP/t1.err" || rc=$?
t_check "modified row: exit 2" test "$rc" = 2
t_check "modified row: clear message" grep -q "baseline was modified: the row for .* fails its HMAC" "$T_TMP/t1.err"
t_check "modified row: no findings printed" test ! -s "$T_TMP/t1.out"
cp "$T_TMP/good.db" "$DB"
sqlite3 "$DB" "DELETE FROM files WHERE k = (SELECT k FROM files ORDER BY k LIMIT 1 OFFSET 7)"
rc=0; "$WARD" fim check "${F[@]}" >/dev/null 2>"$T_TMP/t2.err" || rc=$?
t_check "deleted row: exit 2" test "$rc" = 2
t_check "deleted row: clear message" grep -q "rows were added, deleted or reordered" "$T_TMP/t2.err"
cp "$T_TMP/good.db" "$DB"
sqlite3 "$DB" "UPDATE meta SET v = v - 86400 WHERE k = 'created'"
rc=0; "$WARD" fim check "${F[@]}" >/dev/null 2>"$T_TMP/t4.err" || rc=$?
t_check "edited meta.created: exit 2 ($rc)" test "$rc" = 2
t_check "edited meta.created: clear message" grep -q "creation time edited" "$T_TMP/t4.err"
cp "$T_TMP/good.db" "$DB"
sqlite3 "$DB" "DELETE FROM meta"
rc=0; "$WARD" fim check "${F[@]}" >/dev/null 2>"$T_TMP/t5.err" || rc=$?
t_check "deleted meta rows: exit 2 ($rc)" test "$rc" = 2
t_check "deleted meta rows: names the missing row" grep -q "meta 'version' is missing" "$T_TMP/t5.err"
t_check "deleted meta rows: no 'not an error'" bash -c "! grep -qi 'not an error' '$T_TMP/t5.err'"
cp "$T_TMP/good.db" "$DB"
head -c 32 /dev/urandom >"$T_TMP/other.key"; chmod 600 "$T_TMP/other.key"
rc=0; "$WARD" fim check --db "$DB" --key "$T_TMP/other.key" --path "$R" >/dev/null 2>"$T_TMP/t3.err" || rc=$?
t_check "wrong key: exit 2 with message" grep -q "refusing to trust it" "$T_TMP/t3.err"
rc=0; "$WARD" fim check "${F[@]}" >/dev/null 2>&1 || rc=$?
t_check "restored baseline verifies again" test "$rc" = 0
"$WARD" fim check --json "${F[@]}" >"$T_TMP/c4.json" 2>/dev/null || true
t_check "summary says when the baseline was made" jq -e '.summary.baseline_created | test("^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T")' "$T_TMP/c4.json"

# --- permission errors are reported, not mistaken for removals -----------------------------
U=$T_TMP/unpriv; mkdir -p "$U/tree/locked"; echo s >"$U/tree/locked/secret"; echo p >"$U/tree/pub"
chown -R nobody "$U"; chown root "$U/tree/locked" "$U/tree/locked/secret"; chmod 755 "$U/tree/locked"
chmod 755 "$T_TMP"
runuser -u nobody -- "$WARD" fim init --db "$U/b.db" --key "$U/b.key" --path "$U/tree" >/dev/null 2>&1 || true
chmod 700 "$U/tree/locked"
rc=0; runuser -u nobody -- "$WARD" fim check --json --db "$U/b.db" --key "$U/b.key" --path "$U/tree" >"$U/c.json" 2>/dev/null || rc=$?
t_check "EACCES: exit 2" test "$rc" = 2
t_check "EACCES: error reported for the directory" test "$(jq -r '[.findings[]|select(.kind=="error" and (.error|test("ermission")))]|length' "$U/c.json")" = 1
t_check "EACCES: children not reported removed" test "$(jq -r '[.findings[]|select(.kind=="removed")]|length' "$U/c.json")" = 0
t_check "EACCES: children counted unverified" test "$(jq -r '.summary.unverified' "$U/c.json")" = 1

# --- files vanishing while the scan runs are absent, not errors ---------------------------
V=$T_TMP/vanish; mkdir -p "$V/many"
(cd "$V/many" && seq 1 20000 | xargs touch)
"$WARD" fim init --db "$T_TMP/v.db" --key "$KEY" --path "$V" >/dev/null 2>&1 || true
rm -rf "$V/many" &
RMPID=$!
rc=0; "$WARD" fim check --json --db "$T_TMP/v.db" --key "$KEY" --path "$V" >"$T_TMP/v.json" 2>/dev/null || rc=$?
wait $RMPID
t_check "vanishing files: exit 1, not an error ($rc)" test "$rc" = 1
t_check "vanishing files: no error findings" test "$(jq '.summary.errors' "$T_TMP/v.json")" = 0
rc=0; "$WARD" fim check --json --db "$T_TMP/v.db" --key "$KEY" --path "$V" >"$T_TMP/v2.json" 2>/dev/null || rc=$?
t_check "after the removal every file is reported removed" test "$(jq '.summary.removed' "$T_TMP/v2.json")" = 20001

# --- bad input --------------------------------------------------------------------------------
rc=0; "$WARD" fim check --db "$DB" --key "$KEY" --path "$R p+q" >/dev/null 2>"$T_TMP/e1" || rc=$?
t_check "bad spec: exit 2 naming the term" grep -q "unknown attribute or group 'q'" "$T_TMP/e1"
rc=0; "$WARD" fim check --db "$T_TMP/none.db" --key "$KEY" --path "$R" >/dev/null 2>"$T_TMP/e2" || rc=$?
t_check "missing baseline: exit 2 with hint" grep -q "run 'ward fim init' first" "$T_TMP/e2"
t_done
