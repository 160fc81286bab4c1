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
ORDER = ("none", "floor", "ward-json", "ward-quiet", "agent", "agent-enforce", "ward-json-ring16m", "auditd", "bpftrace",
         "falco-scap", "falco-sinsp")
TARGET_FLOOR_RATIO = 1.5
TARGET_RSS_MB = 40.0
TARGET_US_PER_OPEN = 0.4
# ward against Falco's libs doing the same job: capture alone, then capture plus rules
PAIRS = (("ward-quiet", "falco-scap"), ("agent", "falco-sinsp"))


def ratio(a, b):
    return a / b if a is not None and b else None


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
        # a phase of size 0 (ceiling.sh runs only the open phase) has no ratio
        r["slowdown"] = {p: ratio(r["phases"][p]["s"], none["phases"][p]["s"]) if r["phases"][p]["n"] else None
                         for p in PHASES}
        r["slowdown"]["total"] = ratio(r["total_s"], none["total_s"])
        if "total_cpu" in r and "total_cpu" in none:
            r["cpu_slowdown"] = {p: ratio(r["phases"][p]["cpu"], none["phases"][p]["cpu"]) if r["phases"][p]["n"] else None
                                 for p in PHASES}
            r["cpu_slowdown"]["total"] = ratio(r["total_cpu"], none["total_cpu"])
            if floor and "total_cpu" in floor and cfg != "none":
                fc = floor["total_cpu"] / none["total_cpu"]
                r["cpu_vs_floor"] = r["cpu_slowdown"]["total"] / fc
            # what the sensor adds to each open/close pair, in the traced task's CPU time
            # (the BPF programs run there): the figure the per-open target is about
            n = r["phases"]["open"]["n"]
            if n and cfg != "none":
                r["added_us_per_open"] = (r["phases"]["open"]["cpu"] - none["phases"]["open"]["cpu"]) / n * 1e6
        if floor and cfg != "none":
            fs = {p: ratio(floor["phases"][p]["s"], none["phases"][p]["s"]) for p in PHASES}
            fs["total"] = ratio(floor["total_s"], none["total_s"])
            r["vs_floor"] = {k: ratio(r["slowdown"][k], fs[k]) for k in fs}
            # the stricter reading: added time over the floor's added time
            r["overhead_vs_floor"] = {
                k: ((r["slowdown"][k] - 1) / (fs[k] - 1)) if fs[k] and r["slowdown"][k] and fs[k] > 1.005 else None
                for k in fs}
    for r in out.values():
        # the sensor's own CPU per event it delivered (user space: decoding, rules, output)
        if r.get("events") and r.get("cpu_workload_s") is not None:
            r["sensor_us_per_event"] = r["cpu_workload_s"] / r["events"] * 1e6
    out["_pairs"] = {}
    for w, f in PAIRS:
        if w in out and f in out and "total_cpu" in out[w] and "total_cpu" in out[f]:
            a, b = out[w], out[f]
            out["_pairs"]["{} vs {}".format(w, f)] = {
                "total_s": ratio(a["total_s"], b["total_s"]),
                "total_cpu": ratio(a["total_cpu"], b["total_cpu"]),
                "added_us_per_open": ratio(a.get("added_us_per_open"), b.get("added_us_per_open")),
                "sensor_cpu_s": ratio(a.get("cpu_workload_s"), b.get("cpu_workload_s")),
                "rss_kb": ratio(a.get("rss_kb"), b.get("rss_kb")),
            }
    return out


def table(summary):
    cfgs = [c for c in ORDER if c in summary] + [c for c in summary if c not in ORDER and not c.startswith("_")]
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
    lines += ["", "| configuration | events | events/s | drops (worst sample) | sensor CPU s during workload | sensor CPU s incl. drain | peak RSS MB | drain after workload s | added workload CPU µs per open/close | sensor CPU µs per event |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for c in cfgs:
        r = summary[c]
        if c == "none":
            continue
        cpu = fmt(r.get("cpu_s"))
        if r.get("kauditd_cpu_s") is not None:
            cpu += " (+{} kauditd)".format(fmt(r["kauditd_cpu_s"]))
        lines.append("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
            c, fmt(r.get("events"), ".0f"), fmt(r.get("events_per_s"), ",.0f"),
            fmt(r.get("drops"), ".0f"), fmt(r.get("cpu_workload_s")), cpu,
            fmt(r["rss_kb"] / 1024 if r.get("rss_kb") is not None else None, ".1f"),
            fmt(r.get("settle_s")), fmt(r.get("added_us_per_open"), ".2f"),
            fmt(r.get("sensor_us_per_event"), ".2f")))
    if summary.get("_pairs"):
        lines += ["", "ward against Falco's libs on the same workload (ward / Falco; below 1 means ward costs less):", "",
                  "| pair | total wall | workload CPU | added CPU per open | sensor CPU | peak RSS |",
                  "|---|---:|---:|---:|---:|---:|"]
        for k, v in summary["_pairs"].items():
            lines.append("| {} | {} |".format(k, " | ".join(
                fmt(v[x], ".2f") + ("x" if v[x] is not None else "")
                for x in ("total_s", "total_cpu", "added_us_per_open", "sensor_cpu_s", "rss_kb"))))
    lines += ["", "Targets (ward): zero drops; slowdown at most {}x the floor's; at most {} µs added per open; below Falco's libs on the same events; peak RSS under {:.0f} MB.".format(
        TARGET_FLOOR_RATIO, TARGET_US_PER_OPEN, TARGET_RSS_MB)]
    for c in cfgs:
        if not (c.startswith("ward") or c.startswith("agent")) or not summary[c].get("vs_floor", {}).get("total"):
            continue
        r = summary[c]
        vf = r["vs_floor"]["total"]
        ovf = r["overhead_vs_floor"]["total"]
        cvf = r.get("cpu_vs_floor")
        upo = r.get("added_us_per_open")
        lines.append("- {}: drops {} ({}); wall slowdown vs floor {:.2f}x ({}); CPU slowdown vs floor {}; added wall time vs floor's added time {}; added per open {} µs ({}); RSS {:.1f} MB ({})".format(
            c, fmt(r.get("drops"), ".0f"), "met" if r.get("drops") == 0 else "MISSED",
            vf, "met" if vf <= TARGET_FLOOR_RATIO else "MISSED",
            (fmt(cvf, ".2f") + "x (" + ("met" if cvf <= TARGET_FLOOR_RATIO else "MISSED") + ")") if cvf else "n/a",
            fmt(ovf, ".2f") + "x" if ovf is not None else "n/a",
            fmt(upo, ".2f"), "n/a" if upo is None else ("met" if upo <= TARGET_US_PER_OPEN else "MISSED"),
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
