#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Ceiling test: the event rate at which a sensor starts to drop. The open/close workload is
# paced at increasing rates (workload -r), each rate one run.sh round with only the open
# phase, for ward and (given FALCO_LIBS_SRC or a build) Falco's libs; it prints, per rate and
# sensor, the rate the workload reached, the events the sensor delivered and its drops. It
# judges nothing. Bounded: about 3 s of workload per rate and sensor plus each sensor's start.
#
# Usage: bench/sensor/ceiling.sh BUILD_DIR
# Environment:
#   CEILING_RATES="..."    open/close pairs per second to offer; 0 is unpaced (as fast as the
#                          workload goes) (default: 25000 50000 100000 200000 0)
#   CEILING_SECONDS=S      workload seconds per paced rate (default 3; unpaced: 600,000 pairs)
#   CEILING_CONFIGS="..."  sensors (default: ward-json ward-quiet agent, plus falco-scap
#                          when Falco's libs are there)
#   BENCH_OUT=FILE         summary JSON (default bench/sensor/results/ceiling-<host>.json)
#   and run.sh's BENCH_IDLE_WAIT, BENCH_NICE, FALCO_LIBS_SRC, FALCO_LIBS_BUILD, WARD
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd)
falco_build=${FALCO_LIBS_BUILD:-$build/bench-falco}
rates=${CEILING_RATES:-25000 50000 100000 200000 0}
secs=${CEILING_SECONDS:-3}
configs=${CEILING_CONFIGS:-ward-json ward-quiet agent}
if [ -z "${CEILING_CONFIGS:-}" ] &&
  { [ -n "${FALCO_LIBS_SRC:-}" ] || [ -x "$falco_build/libsinsp/examples/sinsp-example" ]; }; then
  configs+=" falco-scap"
fi
out=${BENCH_OUT:-$here/results/ceiling-$(hostname -s).json}
work=$build/bench-sensor/ceiling
mkdir -p "$work"
rm -f "$work"/rate-*.json

for r in $rates; do
  if [ "$r" = 0 ]; then n=600000; else n=$((r * secs)); fi
  printf '==> ceiling: %s open/close pairs at %s/s (0: unpaced) under: none %s\n' "$n" "$r" "$configs" >&2
  BENCH_OPEN=$n BENCH_EXEC=0 BENCH_CONNECT=0 BENCH_RATE=$r BENCH_REPEAT=1 \
    BENCH_CONFIGS="none $configs" BENCH_OUT="$work/rate-$r.json" \
    "$here/run.sh" "$build" >"$work/rate-$r.md"
done

python3 - "$out" "$work" $rates <<'EOF'
import json, sys
out, work, rates = sys.argv[1], sys.argv[2], sys.argv[3:]
rows, machine = [], None
for r in rates:
    with open("{}/rate-{}.json".format(work, r), encoding="utf-8") as f:
        d = json.load(f)
    machine = d["machine"]
    for cfg, s in d["summary"].items():
        if cfg.startswith("_"):
            continue
        ph = s["phases"]["open"]
        rows.append({"offered_per_s": int(r), "config": cfg, "pairs": ph["n"],
                     "reached_per_s": ph["n"] / ph["s"] if ph["s"] else None,
                     "open_cpu_s": ph.get("cpu"), "events": s.get("events"),
                     "events_per_s": s.get("events_per_s"), "drops": s.get("drops"),
                     "sensor_cpu_s": s.get("cpu_workload_s"), "load1": s.get("load1_before"),
                     "foreign_progs": s.get("foreign_progs")})
lines = ["| offered pairs/s | configuration | reached pairs/s | events | drops | drop share | sensor CPU s | load |",
         "|---:|---|---:|---:|---:|---:|---:|---|"]
for x in rows:
    share = x["drops"] / (x["drops"] + x["events"]) if x.get("drops") is not None and x.get("events") else None
    lines.append("| {} | {} | {} | {} | {} | {} | {} | {} |".format(
        x["offered_per_s"] or "unpaced", x["config"],
        "{:,.0f}".format(x["reached_per_s"]) if x["reached_per_s"] else "–",
        "{:,.0f}".format(x["events"]) if x.get("events") is not None else "–",
        "{:,.0f}".format(x["drops"]) if x.get("drops") is not None else "–",
        "{:.2%}".format(share) if share is not None else "–",
        "{:.2f}".format(x["sensor_cpu_s"]) if x.get("sensor_cpu_s") is not None else "–",
        ",".join(str(v) for v in x["load1"] or [])))
text = "\n".join(lines)
print(text)
with open(out, "w", encoding="utf-8") as f:
    json.dump({"mode": "ceiling", "machine": machine, "rows": rows, "table_md": text}, f, indent=1, sort_keys=True)
    f.write("\n")
EOF
echo "==> ceiling: summary in $out" >&2
