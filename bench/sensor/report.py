#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Summarises the sensor benchmark's raw samples (one JSON object per line, written by
run.sh) into markdown tables on stdout and one JSON file. With several samples per
configuration each number is the median (drops: the maximum). Slowdowns are against the "none" configuration;
"vs floor" divides a configuration's slowdown by the floor's. It reads numbers, it does not
measure anything."""
import argparse
import json
import statistics
import sys

PHASES = ("open", "exec", "connect")
ORDER = ("none", "floor", "ward-json", "ward-quiet", "agent", "agent-enforce", "ward-json-ring16m", "auditd", "bpftrace")
TARGET_FLOOR_RATIO = 1.5
TARGET_RSS_MB = 40.0


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v, spec=".2f", none="–"):
    return none if v is None else format(v, spec)


def summarise(samples):
    by_cfg = {}
    for s in samples:
        if not s.get("workload"):
            continue
        by_cfg.setdefault(s["config"], []).append(s)
    out = {}
    for cfg, all_ss in by_cfg.items():
        # another sensor attached to the same hooks during a sample (a peer's test run on a
        # shared machine) slows the workload: use the clean samples when there are any
        ss = [x for x in all_ss if x.get("foreign_progs", 0) == 0] or all_ss
        r = {"samples": len(ss), "samples_total": len(all_ss),
             "contaminated": all(x.get("foreign_progs", 0) for x in ss), "phases": {}}
        for p in PHASES:
            r["phases"][p] = {"n": ss[0]["workload"][p]["n"],
                              "s": median(x["workload"][p]["s"] for x in ss)}
        r["total_s"] = median(sum(x["workload"][p]["s"] for p in PHASES) for x in ss)
        if all("cpu" in x["workload"][p] for x in ss for p in PHASES):
            for p in PHASES:
                r["phases"][p]["cpu"] = median(x["workload"][p]["cpu"] for x in ss)
            r["total_cpu"] = median(sum(x["workload"][p]["cpu"] for p in PHASES) for x in ss)
        # drops: the worst sample counts, a median would hide a bad run
        if any("drops" in x["sensor"] for x in ss):
            r["drops"] = max(x["sensor"].get("drops", 0) for x in ss)
            r["drops_per_sample"] = [x["sensor"].get("drops") for x in all_ss]
        for key in ("events", "cpu_workload_s", "cpu_s", "kauditd_cpu_s", "rss_kb", "settle_s"):
            if any(key in x["sensor"] for x in ss):
                r[key] = median(x["sensor"].get(key) for x in ss)
        r["load1_before"] = [x["load1_before"] for x in ss]
        r["foreign_progs"] = [x["foreign_progs"] for x in ss]
        r["accepted"] = [x["workload"]["connect"].get("accepted") for x in ss]
        out[cfg] = r
    for r in out.values():
        if r.get("events") is not None and r["total_s"]:
            r["events_per_s"] = r["events"] / r["total_s"]
    none = out.get("none")
    floor = out.get("floor")
    for cfg, r in out.items():
        if not none:
            break
        r["slowdown"] = {p: r["phases"][p]["s"] / none["phases"][p]["s"] for p in PHASES}
        r["slowdown"]["total"] = r["total_s"] / none["total_s"]
        if "total_cpu" in r and "total_cpu" in none:
            r["cpu_slowdown"] = {p: r["phases"][p]["cpu"] / none["phases"][p]["cpu"] for p in PHASES}
            r["cpu_slowdown"]["total"] = r["total_cpu"] / none["total_cpu"]
            if floor and "total_cpu" in floor and cfg != "none":
                fc = floor["total_cpu"] / none["total_cpu"]
                r["cpu_vs_floor"] = r["cpu_slowdown"]["total"] / fc
        if floor and cfg != "none":
            fs = {p: floor["phases"][p]["s"] / none["phases"][p]["s"] for p in PHASES}
            fs["total"] = floor["total_s"] / none["total_s"]
            r["vs_floor"] = {k: r["slowdown"][k] / fs[k] for k in fs}
            # the stricter reading: added time over the floor's added time
            r["overhead_vs_floor"] = {
                k: ((r["slowdown"][k] - 1) / (fs[k] - 1)) if fs[k] > 1.005 else None for k in fs}
    return out


def table(summary):
    cfgs = [c for c in ORDER if c in summary] + [c for c in summary if c not in ORDER]
    lines = ["| configuration | open/close s | fork+exec s | connect s | total s | slowdown open / exec / connect / total | vs floor (total) |",
             "|---|---:|---:|---:|---:|---|---:|"]
    for c in cfgs:
        r = summary[c]
        sd = r.get("slowdown", {})
        lines.append("| {} | {} | {} | {} | {} | {} | {} |".format(
            c + (" (n={}{})".format(r["samples"], ", other sensors attached" if r["contaminated"] else "")),
            *(fmt(r["phases"][p]["s"]) for p in PHASES), fmt(r["total_s"]),
            " / ".join(fmt(sd.get(k), ".2f") + "x" for k in (*PHASES, "total")) if sd else "–",
            fmt(r.get("vs_floor", {}).get("total"), ".2f") + ("x" if r.get("vs_floor") else "")))
    if all("total_cpu" in summary[c] for c in cfgs):
        lines += ["", "Workload CPU time (user + system of the workload and its children; BPF programs run in its context):", "",
                  "| configuration | open/close CPU s | fork+exec CPU s | connect CPU s | total CPU s | CPU slowdown open / exec / connect / total | vs floor (total) |",
                  "|---|---:|---:|---:|---:|---|---:|"]
        for c in cfgs:
            r = summary[c]
            sd = r.get("cpu_slowdown", {})
            lines.append("| {} | {} | {} | {} | {} | {} | {} |".format(
                c, *(fmt(r["phases"][p]["cpu"]) for p in PHASES), fmt(r["total_cpu"]),
                " / ".join(fmt(sd.get(k), ".2f") + "x" for k in (*PHASES, "total")) if sd else "–",
                fmt(r.get("cpu_vs_floor"), ".2f") + ("x" if r.get("cpu_vs_floor") else "")))
    lines += ["", "| configuration | events | events/s | drops (worst sample) | sensor CPU s during workload | sensor CPU s incl. drain | peak RSS MB | drain after workload s |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for c in cfgs:
        r = summary[c]
        if c == "none":
            continue
        cpu = fmt(r.get("cpu_s"))
        if r.get("kauditd_cpu_s") is not None:
            cpu += " (+{} kauditd)".format(fmt(r["kauditd_cpu_s"]))
        lines.append("| {} | {} | {} | {} | {} | {} | {} | {} |".format(
            c, fmt(r.get("events"), ".0f"), fmt(r.get("events_per_s"), ",.0f"),
            fmt(r.get("drops"), ".0f"), fmt(r.get("cpu_workload_s")), cpu,
            fmt(r["rss_kb"] / 1024 if r.get("rss_kb") is not None else None, ".1f"),
            fmt(r.get("settle_s"))))
    lines += ["", "Targets (ward): zero drops; slowdown at most {}x the floor's; peak RSS under {:.0f} MB.".format(
        TARGET_FLOOR_RATIO, TARGET_RSS_MB)]
    for c in cfgs:
        if not c.startswith("ward") or "vs_floor" not in summary[c]:
            continue
        r = summary[c]
        vf = r["vs_floor"]["total"]
        ovf = r["overhead_vs_floor"]["total"]
        cvf = r.get("cpu_vs_floor")
        lines.append("- {}: drops {} ({}); wall slowdown vs floor {:.2f}x ({}); CPU slowdown vs floor {}; added wall time vs floor's added time {}; RSS {:.1f} MB ({})".format(
            c, fmt(r.get("drops"), ".0f"), "met" if r.get("drops") == 0 else "MISSED",
            vf, "met" if vf <= TARGET_FLOOR_RATIO else "MISSED",
            (fmt(cvf, ".2f") + "x (" + ("met" if cvf <= TARGET_FLOOR_RATIO else "MISSED") + ")") if cvf else "n/a",
            fmt(ovf, ".2f") + "x" if ovf is not None else "n/a",
            r["rss_kb"] / 1024, "met" if r["rss_kb"] / 1024 < TARGET_RSS_MB else "MISSED"))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--mode", required=True)
    ap.add_argument("--machine", required=True)
    a = ap.parse_args()
    with open(a.raw, encoding="utf-8") as f:
        samples = [json.loads(line) for line in f if line.strip()]
    summary = summarise(samples)
    text = table(summary)
    print(text)
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump({"mode": a.mode, "machine": json.loads(a.machine), "summary": summary,
                   "samples": samples, "table_md": text}, f, indent=1, sort_keys=True)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
