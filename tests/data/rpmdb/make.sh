#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Builds genuine rpm Berkeley DB "Packages" files: two small rpm packages made with rpmbuild
# (one noarch with an epoch, one x86_64), installed with `rpm -i --justdb` into an rpmdb
# (rpm 4.18 writes sqlite), their header blobs exported and written into Berkeley DB hash
# files by db5.3_load (Debian packages rpm, db5.3-util). rpm itself reads the result back
# with its bdb_ro backend (checked here, except for the checksummed variant it refuses).
# Usage: make.sh OUTDIR   ->  OUTDIR/{le512,be4096,chksum512}/Packages
set -euo pipefail
out=$1
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
spec() { # NAME VERSION RELEASE EPOCH ARCH LICENSE
  cat <<SPEC
Name: $1
Version: $2
Release: $3
$( [ "$4" = - ] || echo "Epoch: $4" )
Summary: ward test package
License: $6
BuildArch: $5
%description
ward test package
%install
mkdir -p %{buildroot}/usr/share/$1
echo $1 > %{buildroot}/usr/share/$1/README
%files
/usr/share/$1/README
SPEC
}
spec ward-hello 1.2.3 4.el8 2 noarch MIT >"$w/hello.spec"
spec ward-tiny 0.9 1 - x86_64 Apache-2.0 >"$w/tiny.spec"
for s in hello tiny; do
  rpmbuild --quiet -bb --define "_topdir $w/top" --define "debug_package %{nil}" \
    --define "_build_id_links none" "$w/$s.spec" >/dev/null
done
mkdir -p "$w/db"
rpm --initdb --dbpath "$w/db"
rpm -i --nodeps --justdb --noscripts --ignorearch --ignoreos --dbpath "$w/db" \
  $(find "$w/top/RPMS" -name '*.rpm') 2>/dev/null
# db_load input: key = 4-byte little-endian instance number, data = header blob; key 0
# holds the next free instance, as rpm's bdb backend keeps it.
python3 - "$w/db/rpmdb.sqlite" "$w/dump.txt" <<'PY'
import sqlite3, struct, sys
rows = sqlite3.connect(sys.argv[1]).execute("SELECT hnum, blob FROM Packages ORDER BY hnum").fetchall()
with open(sys.argv[2], "w") as f:
    f.write("VERSION=3\nformat=bytevalue\ntype=hash\nHEADER=END\n")
    f.write(" %s\n %s\n" % (struct.pack("<I", 0).hex(), struct.pack("<I", rows[-1][0] + 1).hex()))
    for h, b in rows:
        f.write(" %s\n %s\n" % (struct.pack("<I", h).hex(), bytes(b).hex()))
    f.write("DATA=END\n")
PY
for v in "le512:-c db_pagesize=512" "be4096:-c db_pagesize=4096 -c db_lorder=4321" \
         "chksum512:-c db_pagesize=512 -c chksum=1"; do
  n=${v%%:*}
  rm -rf "${out:?}/$n"; mkdir -p "$out/$n"
  # shellcheck disable=SC2086
  db5.3_load -t hash ${v#*:} -f "$w/dump.txt" "$out/$n/Packages"
  [ "$n" = chksum512 ] && continue
  got=$(rpm -qa --dbpath "$out/$n" --define '_db_backend bdb_ro' --qf '%{NAME}\n' 2>/dev/null | sort | tr '\n' ' ')
  [ "$got" = "ward-hello ward-tiny " ] || { echo "rpm cannot read back $n: $got" >&2; exit 1; }
done
