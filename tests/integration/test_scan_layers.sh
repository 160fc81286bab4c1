#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Layered images that delete and re-add files: whiteouts (.wh.NAME), opaque directories
# (.wh..wh..opq) and re-added files, as a docker-save archive (layers before the manifest)
# and the same image converted by skopeo to an OCI layout. Deleted packages, secrets and
# malware must not be reported; re-added ones must, with the layer that re-added them.
. "$(dirname "$0")/lib.sh"
. "$WARD_SRC/tests/integration/scan/fixtures.sh"
t_need_root
jqt() { jq -e "$@" >/dev/null; }

BB=$(fx_busybox_root) || { t_fail "busybox root"; t_done; exit 1; }
L1=$T_TMP/l1 L2=$T_TMP/l2 L3=$T_TMP/l3
mkdir -p "$L1" "$L2/app/node_modules" "$L2/cfg" "$L2/www" "$L3/cfg" "$L3/app/node_modules/minimist"
cp -a "$BB/." "$L1/"
mkdir -p "$L1/etc" "$L1/var/lib/dpkg" "$L1/app/node_modules/minimist" "$L1/app/node_modules/lodash" "$L1/cfg" "$L1/www"
printf 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' >"$L1/etc/os-release"
printf 'Package: oldpkg\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0-1\n\nPackage: keptpkg\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.0-1\n' >"$L1/var/lib/dpkg/status"
echo '{"name":"minimist","version":"1.2.0"}' >"$L1/app/node_modules/minimist/package.json"
echo '{"name":"lodash","version":"4.17.15","license":"MIT"}' >"$L1/app/node_modules/lodash/package.json"
echo 'token=ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123' >"$L1/cfg/gh.txt"
echo 'key=AKIAZ7QRSTUVWXYZ2345' >"$L1/cfg/keep.txt"
echo '<?php eval($_POST["c"]); ?>' >"$L1/www/shell.php"
# layer 2: delete minimist, the token file and (opaque) everything under www; shrink dpkg
: >"$L2/app/node_modules/.wh.minimist"; : >"$L2/cfg/.wh.gh.txt"; : >"$L2/www/.wh..wh..opq"
echo '<html>hello</html>' >"$L2/www/index.html"
mkdir -p "$L2/var/lib/dpkg"
printf 'Package: keptpkg\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.0-1\n' >"$L2/var/lib/dpkg/status"
# layer 3: re-add a token file and minimist at another version
echo 'token=ghp_ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvu9876' >"$L3/cfg/gh.txt"
echo '{"name":"minimist","version":"1.2.6"}' >"$L3/app/node_modules/minimist/package.json"

mk_docker_archive "$T_TMP/img.tar" "$L1" "$L2" "$L3"
skopeo copy -q docker-archive:"$T_TMP/img.tar" oci:"$T_TMP/oci":latest

check_image() {
  local what=$1 json=$2
  t_check "$what: 3 layers" jqt '.layers | length == 3' "$json"
  t_check "$what: os detected" jqt '.os.id == "debian" and .os.version_id == "12"' "$json"
  t_check "$what: lodash 4.17.15 from layer 1" jqt --arg l "$(jq -r '.layers[0]' "$json")" \
    '[.packages[] | select(.name=="lodash" and .version=="4.17.15" and .layer==$l and .purl=="pkg:npm/lodash@4.17.15")] | length == 1' "$json"
  t_check "$what: deleted minimist 1.2.0 not reported" jqt '[.packages[] | select(.name=="minimist" and .version=="1.2.0")] | length == 0' "$json"
  t_check "$what: re-added minimist 1.2.6 from layer 3" jqt --arg l "$(jq -r '.layers[2]' "$json")" \
    '[.packages[] | select(.name=="minimist" and .version=="1.2.6" and .layer==$l)] | length == 1' "$json"
  t_check "$what: dpkg status replaced in layer 2 (oldpkg gone)" jqt '[.packages[] | select(.name=="oldpkg")] | length == 0' "$json"
  t_check "$what: keptpkg from layer 2 with deb purl" jqt --arg l "$(jq -r '.layers[1]' "$json")" \
    '[.packages[] | select(.name=="keptpkg" and .layer==$l and .purl=="pkg:deb/debian/keptpkg@2.0-1?arch=amd64&distro=debian-12")] | length == 1' "$json"
  t_check "$what: one gh token, the re-added one (line 1, layer 3, redacted)" jqt --arg l "$(jq -r '.layers[2]' "$json")" \
    '[.secrets[] | select(.path=="cfg/gh.txt")] | length == 1 and .[0].layer==$l and .[0].line==1 and (.[0].snippet | contains("ghp_") | not)' "$json"
  t_check "$what: untouched AWS key still reported" jqt '[.secrets[] | select(.path=="cfg/keep.txt" and .rule=="aws-access-key-id")] | length == 1' "$json"
  t_check "$what: web shell under opaque dir not reported" jqt '[.malware[] | select(.path=="www/shell.php")] | length == 0' "$json"
  t_check "$what: no whiteout file reported as content" jqt '[.packages[], .secrets[], .malware[] | select(.path | test("\\.wh\\."))] | length == 0' "$json"
}

"$WARD" scan image "$T_TMP/img.tar" --json -q -o "$T_TMP/docker.json"
check_image docker-archive "$T_TMP/docker.json"
"$WARD" scan image "$T_TMP/oci" --json -q -o "$T_TMP/oci.json"
check_image oci-layout "$T_TMP/oci.json"
t_check "same packages either way" diff <(jq -c '[.packages[] | [.name,.version,.path]]' "$T_TMP/docker.json") \
  <(jq -c '[.packages[] | [.name,.version,.path]]' "$T_TMP/oci.json")

# The same files without layering: the web shell is found when it is really there.
"$WARD" scan rootfs "$L1" --json -q -o "$T_TMP/l1.json"
t_check "control: web shell found in layer 1 alone" jqt '[.malware[] | select(.path=="www/shell.php" and .rule=="ward_php_webshell")] | length == 1' "$T_TMP/l1.json"
t_check "control: minimist 1.2.0 found in layer 1 alone" jqt '[.packages[] | select(.name=="minimist" and .version=="1.2.0")] | length == 1' "$T_TMP/l1.json"
t_done
