#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Differential test of the layered view: layer stacks (adversarial ones and random ones from a
# fixed seed, tests/integration/scan/layergen.py) are unpacked by real tools and compared with
# `ward scan image --files`: path set, type, mode, symlink target and file sha256.
#   docker load + create + export: the reference (overlay2, what a container sees);
#   skopeo (docker-archive -> OCI layout) + umoci unpack: a second, whole-rootfs unpacker,
#   compared except on the cases where it differs from docker by design (UMOCI_DIFFERS);
#   ward on the OCI layout must give the same view as on the docker archive.
# Docker refuses two cases outright (DOCKER_REFUSES); that refusal is checked, and there ward
# is compared with umoci. Secrets must be reported where content survives and not where it
# was whited out. Seed and count: WARD_DIFF_SEED (default 19), WARD_DIFF_COUNT (default 10).
. "$(dirname "$0")/lib.sh"
. "$WARD_SRC/tests/integration/docker.sh"
t_need_root
G=$WARD_SRC/tests/integration/scan
SEED=${WARD_DIFF_SEED:-19} COUNT=${WARD_DIFF_COUNT:-10}

for tool in umoci skopeo; do
  command -v $tool >/dev/null || _ward_docker_apt $tool || t_require "$tool missing (scripts/deps.sh test)"
done
# Under CI the engine must be there (as in the other docker tests); elsewhere the docker half
# is skipped with the reason, and the umoci half still runs.
DOCKER=1
if ! ward_docker_start; then
  [ "${CI:-}" = true ] && { echo "FAIL: docker engine required under CI: $WARD_DOCKER_WHY"; exit 1; }
  echo "# SKIP docker half: $WARD_DOCKER_WHY"; DOCKER=0
else
  t_on_exit ward_docker_stop
fi

# Cases docker refuses to load: the same name twice in one layer ("duplicates of file paths
# not supported"), a hard link to a lower layer's file (the link is made inside the layer's
# own directory), a whiteout after the layer's own entry of that name (mknod: file exists).
# ward takes the later entry, the lower file, the lower content hidden, as umoci does.
DOCKER_REFUSES=" dup_in_layer link_cross_layer recreate_whiteout_same "
# Cases where umoci (one rootfs, layers unpacked over each other) differs from overlayfs:
# it writes through a lower layer's symlink, fails on a lower file used as a directory and
# keeps a lower directory's mode when a layer writes below it without naming it, deletes a
# whited-out directory that the same layer makes again (overlayfs merges it with the lower
# one) and ignores a hard link's header mode (docker sets it on the shared inode).
UMOCI_DIFFERS=" whiteout_recreate_same link_mode through_symlink symlink_write_hides through_abs_symlink parent_over_file implicit_parent_mode "

python3 "$G/layergen.py" "$T_TMP" "$SEED" "$COUNT" "$(echo $DOCKER_REFUSES | tr ' ' ,)" ||
  { t_fail "layergen"; t_done; exit 1; }
names=() umoci_names=()
for img in "$T_TMP"/*.tar; do names+=("$(basename "$img" .tar)"); done

# the three run side by side (skopeo, umoci and docker are mostly start-up and waiting)
umoci_all() {
  local n
  for n in "${names[@]}"; do
    [[ $UMOCI_DIFFERS == *" $n "* ]] && continue
    skopeo copy -q docker-archive:"$T_TMP/$n.tar" oci:"$T_TMP/$n.oci":x 2>"$T_TMP/$n.uerr" &&
      umoci unpack --image "$T_TMP/$n.oci":x "$T_TMP/$n.b" >/dev/null 2>>"$T_TMP/$n.uerr" ||
      echo "$n: $(tail -n 1 "$T_TMP/$n.uerr")" >>"$T_TMP/umoci.failed"
  done
}
umoci_all & UPID=$!

ward_all() {
  local n
  for n in "${names[@]}"; do
    "$WARD" scan image "$T_TMP/$n.tar" --json --files -q -o "$T_TMP/$n.json" 2>"$T_TMP/$n.err" ||
      echo "$n: $(cat "$T_TMP/$n.err")" >>"$T_TMP/ward.failed"
  done
}
ward_all & WPID=$!

if [ $DOCKER = 1 ]; then
  for n in $DOCKER_REFUSES; do
    t_check "$n: docker refuses to load it" \
      bash -c "! docker load -q -i '$T_TMP/$n.tar' >/dev/null 2>&1"
  done
  docker load -q -i "$T_TMP/all.docker" >/dev/null 2>"$T_TMP/dload.err" ||
    t_fail "docker load: $(cat "$T_TMP/dload.err")"
  for n in "${names[@]}"; do
    [[ $DOCKER_REFUSES == *" $n "* ]] && continue
    if id=$(docker create "wdiff/$n:1" /x 2>"$T_TMP/$n.derr"); then
      docker export "$id" >"$T_TMP/$n.export.tar"
      docker rm "$id" >/dev/null
    else
      t_fail "$n: docker create: $(cat "$T_TMP/$n.derr")"
    fi
  done
fi
wait $UPID $WPID
[ -f "$T_TMP/ward.failed" ] && while read -r l; do t_fail "ward scan: $l"; done <"$T_TMP/ward.failed"
[ -f "$T_TMP/umoci.failed" ] && while read -r l; do t_fail "umoci: $l"; done <"$T_TMP/umoci.failed"
# ward reads a skopeo-made OCI layout as it reads the docker archive
skopeo copy -q docker-archive:"$T_TMP/through_symlink.tar" oci:"$T_TMP/ts-oci":x
"$WARD" scan image "$T_TMP/ts-oci" --json --files -q -o "$T_TMP/ts-oci.json"
t_check "ward: the OCI layout has the docker archive's view" \
  cmp -s <(python3 "$G/layerview.py" ward "$T_TMP/through_symlink.json") \
  <(python3 "$G/layerview.py" ward "$T_TMP/ts-oci.json")

while IFS= read -r l; do
  case $l in
    "ok - "*) t_ok "${l#ok - }" ;;
    "not ok - "*) t_fail "${l#not ok - }" ;;
    *) echo "$l" ;;
  esac
done < <(python3 "$G/layerview.py" compare "$T_TMP" "${names[@]}")
# every case was compared with at least one tool
for n in "${names[@]}"; do
  [ -e "$T_TMP/$n.b" ] || [ -e "$T_TMP/$n.export.tar" ] || t_fail "$n: compared with no tool"
done

# Content analysis follows the final view: a secret that survives as a hard link past a
# whiteout, or written through a lower symlink, is reported at its final name; whited-out
# or opaque-hidden copies are not.
jqt() { jq -e "$@" >/dev/null; }
t_check "secret kept by a hard link is reported at the link" \
  jqt '[.secrets[] | .path] == ["s/keep.txt"]' "$T_TMP/link_past_whiteout.json"
t_check "secret written through a lower symlink is reported where docker puts it" \
  jqt '[.secrets[] | .path] == ["v/y"]' "$T_TMP/through_symlink.json"
t_check "secret a write through a lower symlink does not replace is still reported" \
  jqt '[.secrets[] | .path] == ["real/y"]' "$T_TMP/symlink_write_hides.json"
t_check "secret in a directory whited out and made again in one layer is reported" \
  jqt '[.secrets[] | .path] == ["w/a"]' "$T_TMP/whiteout_recreate_same.json"
t_check "secret in a whited-out directory is not reported" \
  jqt '.secrets == []' "$T_TMP/whiteout_dir_recreate.json"
t_check "secret under an opaque directory is not reported" \
  jqt '.secrets == []' "$T_TMP/opaque_empty.json"
t_done
