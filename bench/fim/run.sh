#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ward fim vs AIDE 0.18, side by side on one tree, same attributes (p+ftype+i+n+u+g+s+m+c+
# l+xattrs+acl+sha256), two workers each: init, check on an unchanged tree, check --full,
# each with a cold (drop_caches) and a warm cache, then a check after seeding 100 changes
# whose findings must be identical: bench/fim/compare.py compares the added, removed and
# changed paths and, per changed path, the changed attribute names (AIDE's JSON report at
# report_level=changed_attributes against ward's JSON). Wall time and peak RSS from
# /usr/bin/time. Exits 1 when the findings differ, or when TREE itself was written during
# the run (then the comparison proves nothing).
#
# The tree is reached through an overlay mount (lower = TREE, upper in a temp dir) so the
# 100 changes never touch the host's files. Needs root (mount, drop_caches). On a shared
# machine, run it on a private copy that nobody else writes, not on the live /usr:
#   cp -a /usr /var/tmp/ward-fim-usr && bench/fim/run.sh /var/tmp/ward-fim-usr
#
# Usage: bench/fim/run.sh [TREE] (default /usr); env WARD = optimized ward binary.
# STRIDE=N picks every Nth directory for the seeded files (default 7; 1 for small trees).
# SEEDED_ONLY=1: only one init and the seeded check per tool (the exact comparison),
# no timing passes.
# RESUME=DIR continues a run whose init steps finished in DIR (mount and baselines kept).
set -euo pipefail
TREE=${1:-/usr}
WARD=${WARD:-$(cd "$(dirname "$0")/../.." && pwd)/build-fim-rel/ward}
if [ -n "${RESUME:-}" ]; then
	W=$RESUME
else
	W=$(mktemp -d /tmp/ward-bench-fim.XXXXXX)
fi
M=$W/tree
cleanup() { umount "$M" 2>/dev/null || true; rm -rf "$W"; }
trap cleanup EXIT
command -v aide >/dev/null || { echo "apt-get install aide" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "apt-get install time" >&2; exit 2; }
if [ -z "${RESUME:-}" ]; then
	mkdir -p "$W"/{upper,work,tree}
	mount -t overlay overlay -o "lowerdir=$TREE,upperdir=$W/upper,workdir=$W/work" "$M"
fi

GROUP="p+ftype+i+n+u+g+s+m+c+l+xattrs+acl+sha256"
cat >"$W/aide.conf" <<C
database_in=file:$W/aide.db
database_out=file:$W/aide.db.new
gzip_dbout=no
num_workers=2
report_format=json
report_level=changed_attributes
report_url=file:$W/aide.report
G = $GROUP
$M G
C
WF=(--db "$W/ward.db" --key "$W/ward.key" --path "$M $GROUP")

RES=$W/results.tsv
[ -n "${RESUME:-}" ] || : >"$RES"
cold() { sync; echo 3 >/proc/sys/vm/drop_caches; }
# run NAME CMD...: records wall seconds and peak RSS (KiB)
run() {
	local name=$1; shift
	/usr/bin/time -f "%e %M" -o "$W/t.out" "$@" >"$W/$name.stdout" 2>"$W/$name.stderr" || true
	# time prints "Command exited with non-zero status N" first when the command fails
	read -r secs rss < <(tail -1 "$W/t.out")
	printf '%s\t%s\t%s\n' "$name" "$secs" "$rss" | tee -a "$RES"
}
aide_init() { aide -c "$W/aide.conf" --init && mv "$W/aide.db.new" "$W/aide.db"; }
export -f aide_init; export W

STAMP=$W/start.stamp
[ -e "$STAMP" ] || touch -d '-2 seconds' "$STAMP"
echo "tree: $TREE via overlay at $M ($(find "$M" -xdev | wc -l) entries); ward: $WARD"
if [ -n "${SEEDED_ONLY:-}" ]; then
	run ward_init_warm "$WARD" fim init "${WF[@]}"
	run aide_init_warm bash -c aide_init
elif [ -z "${RESUME:-}" ]; then
	cold; run ward_init_cold "$WARD" fim init "${WF[@]}"
	run ward_init_warm "$WARD" fim init "${WF[@]}"
	cold; run aide_init_cold bash -c aide_init
	run aide_init_warm bash -c aide_init
else
	sed -i '/^ward_check\|^ward_full\|^aide_check/d' "$RES"
fi
if [ -z "${SEEDED_ONLY:-}" ]; then
	cold; run ward_check_cold "$WARD" fim check "${WF[@]}"
	run ward_check_warm "$WARD" fim check "${WF[@]}"
	cold; run ward_full_cold "$WARD" fim check --full "${WF[@]}"
	run ward_full_warm "$WARD" fim check --full "${WF[@]}"
	cold; run aide_check_cold aide -c "$W/aide.conf" --check
	run aide_check_warm aide -c "$W/aide.conf" --check
	grep -q '"outline": "AIDE found NO differences' "$W/aide.report" || echo "WARNING: AIDE saw changes on the unchanged tree"
fi

# 100 changes in different directories: 25 appends, 15 chmod, 10 chown, 15 deletes,
# 15 new files, 10 renames, 10 symlink retargets
mapfile -t files < <(find "$M" -xdev -type f -size -256k -printf '%h\t%p\n' | sort -u -t$'\t' -k1,1 | cut -f2 | awk -v s="${STRIDE:-7}" 'NR % s == (s > 3 ? 3 : 0)' | head -90)
mapfile -t links < <(find "$M" -xdev -type l -printf '%h\t%p\n' | sort -u -t$'\t' -k1,1 | cut -f2 | awk -v s="${STRIDE:-7}" 'NR % (s > 3 ? 5 : 1) == 0' | head -10)
[ "${#files[@]}" -ge 90 ] && [ "${#links[@]}" -ge 10 ] || { echo "tree too small to seed 100 changes" >&2; exit 2; }
for i in $(seq 0 24); do echo "seeded $i" >>"${files[$i]}"; done
for i in $(seq 25 39); do chmod 600 "${files[$i]}"; done
for i in $(seq 40 49); do chown 4321:4321 "${files[$i]}"; done
for i in $(seq 50 64); do rm -f "${files[$i]}"; done
for i in $(seq 65 79); do echo new >"$(dirname "${files[$i]}")/ward-bench-new-$i"; done
for i in $(seq 80 89); do mv "${files[$i]}" "${files[$i]}.renamed"; done
for i in $(seq 0 9); do ln -sfn "/nonexistent/ward-bench-$i" "${links[$i]}"; done
sleep 1 # AIDE keeps times in whole seconds
run ward_check_seeded "$WARD" fim check --json "${WF[@]}"
run aide_check_seeded aide -c "$W/aide.conf" --check
same=0
python3 "$(dirname "$0")/compare.py" "$W/ward_check_seeded.stdout" "$W/aide.report" "$M" \
	| tee "$W/compare.out" || same=$?
# the lower tree must not have changed under both tools (the seeded changes go to the
# overlay's upper layer): otherwise a difference may come from a third party
written=$(find "$TREE" -xdev \( -newer "$STAMP" -o -cnewer "$STAMP" \) -print 2>/dev/null | head -5)
if [ -n "$written" ]; then
	echo "TREE WAS WRITTEN DURING THE RUN (use a private copy):"; echo "$written"
	same=3
else
	echo "tree untouched during the run: nothing under $TREE changed after the start"
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "inf" }'; }
get() { awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$RES"; }
echo
echo "| step | cache | AIDE s | ward s | speed-up | AIDE peak RSS MiB | ward peak RSS MiB |"
echo "|---|---|---|---|---|---|---|"
for row in "init cold aide_init_cold ward_init_cold" "init warm aide_init_warm ward_init_warm" \
	   "check unchanged cold aide_check_cold ward_check_cold" \
	   "check unchanged warm aide_check_warm ward_check_warm" \
	   "check --full cold aide_check_cold ward_full_cold" \
	   "check --full warm aide_check_warm ward_full_warm" \
	   "check, 100 changes warm aide_check_seeded ward_check_seeded"; do
	set -- $row
	n=$#; a=${@:n-1:1}; w=${@:n:1}; cache=${@:n-2:1}; step=${*:1:n-3}
	[ -n "$(get "$a" 2)" ] && [ -n "$(get "$w" 2)" ] || continue
	echo "| $step | $cache | $(get "$a" 2) | $(get "$w" 2) | $(ratio "$(get "$a" 2)" "$(get "$w" 2)") | $(( $(get "$a" 3) / 1024 )) | $(( $(get "$w" 3) / 1024 )) |"
done
[ "$same" = 0 ] || exit 1
