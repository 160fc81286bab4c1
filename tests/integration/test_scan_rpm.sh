#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# rpm Berkeley DB "Packages" (RHEL/CentOS <= 8): genuine hash databases written by Berkeley DB
# itself (db5.3_load) from header blobs of rpm packages built and installed here with
# rpmbuild and rpm (tests/data/rpmdb/make.sh), in a root filesystem and in an image: the
# packages with epoch, version-release, arch, source rpm, OS from os-release, and purls.
. "$(dirname "$0")/lib.sh"
. "$WARD_SRC/tests/integration/scan/fixtures.sh"
t_need_root
jqt() { jq -e "$@" >/dev/null; }
for tool in rpm rpmbuild db5.3_load; do
  command -v "$tool" >/dev/null || { t_fail "$tool missing (scripts/deps.sh test installs rpm, db5.3-util)"; t_done; exit 1; }
done

"$WARD_SRC/tests/data/rpmdb/make.sh" "$T_TMP/db" || { t_fail "building rpm BDB fixtures"; t_done; exit 1; }
for v in le512 be4096; do
  R=$T_TMP/root-$v
  mkdir -p "$R/var/lib/rpm" "$R/etc"
  cp "$T_TMP/db/$v/Packages" "$R/var/lib/rpm/Packages"
  printf 'NAME="CentOS Linux"\nVERSION="8"\nID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="8"\nPRETTY_NAME="CentOS Linux 8"\n' >"$R/etc/os-release"
  "$WARD" scan rootfs "$R" --json -q -o "$T_TMP/$v.json" --db /nonexistent
  J=$T_TMP/$v.json
  t_check "$v: two rpm packages" jqt '[.packages[] | select(.kind=="os")] | length == 2' "$J" ||
    jq -c '.packages' "$J"
  t_check "$v: ward-hello with epoch, version-release, noarch, source rpm" jqt '[.packages[] | select(.name=="ward-hello" and .version=="2:1.2.3-4.el8" and .source_name=="ward-hello" and .path=="var/lib/rpm/Packages")] | length == 1' "$J"
  t_check "$v: ward-tiny x86_64 without epoch" jqt '[.packages[] | select(.name=="ward-tiny" and .version=="0.9-1")] | length == 1' "$J"
  t_check "$v: OS from os-release" jqt '.os.id=="centos" and .os.version_id=="8"' "$J"
  t_check "$v: purls" jqt '([.packages[].purl] | sort) == ["pkg:rpm/centos/ward-hello@1.2.3-4.el8?arch=noarch&epoch=2&distro=centos-8", "pkg:rpm/centos/ward-tiny@0.9-1?arch=x86_64&distro=centos-8"]' "$J"
done

# the same database in an image layer, at SUSE's newer location
R=$T_TMP/img-root
mkdir -p "$R/usr/lib/sysimage/rpm" "$R/etc"
cp "$T_TMP/db/le512/Packages" "$R/usr/lib/sysimage/rpm/Packages"
cp "$T_TMP/root-le512/etc/os-release" "$R/etc/"
mk_docker_archive "$T_TMP/img.tar" "$R"
"$WARD" scan image "$T_TMP/img.tar" --json -q -o "$T_TMP/img.json" --db /nonexistent
t_check "image: packages from usr/lib/sysimage/rpm/Packages" jqt '[.packages[] | select(.path=="usr/lib/sysimage/rpm/Packages")] | length == 2' "$T_TMP/img.json"

# a damaged database: a warning naming the file and page, the scan still completes
R=$T_TMP/bad
mkdir -p "$R/var/lib/rpm"
head -c 4608 "$T_TMP/db/le512/Packages" >"$R/var/lib/rpm/Packages"
"$WARD" scan rootfs "$R" --json -o "$T_TMP/bad.json" --db /nonexistent 2>"$T_TMP/bad.err"
t_check "truncated database: warning names the file" grep -q 'warn: var/lib/rpm/Packages: .*truncated' "$T_TMP/bad.err"
t_check "truncated database: the scan completes" jqt '.packages | length == 0' "$T_TMP/bad.json"
t_done
