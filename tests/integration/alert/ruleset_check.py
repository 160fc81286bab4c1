#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Static checks of ward's default ruleset (rules/*.yaml), independent of the engine:
YAML shape, unique names, MITRE tactic and technique tags, a known priority, an output
with %fields, macros and lists defined before use, and a docs/default-rules.md row per
rule. Prints one line per problem and exits 1 when there is any."""
import glob
import os
import re
import sys

import yaml

PRIOS = {"EMERGENCY", "ALERT", "CRITICAL", "ERROR", "WARNING", "NOTICE",
         "INFORMATIONAL", "INFO", "DEBUG"}
TECH = re.compile(r"^T\d{4}(\.\d{3})?$")
IDENT = re.compile(r"\bward_[a-z0-9_]+\b")


def main(src):
    problems = []
    rules, defined = [], set()
    files = sorted(glob.glob(os.path.join(src, "rules", "*.yaml")))
    if not files:
        problems.append("no rule files in rules/")
    for path in files:
        name = os.path.basename(path)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if not text.startswith("# SPDX-License-Identifier:"):
            problems.append(f"{name}: no SPDX line")
        doc = yaml.safe_load(text)
        if not isinstance(doc, list):
            problems.append(f"{name}: top level is not a list")
            continue
        for item in doc:
            if not isinstance(item, dict):
                problems.append(f"{name}: item is not a mapping")
                continue
            body = item.get("condition", "")
            if "list" in item:
                body = " ".join(str(x) for x in item.get("items", []))
            # every ward_ identifier used must already exist (files load in name order)
            for ref in IDENT.findall(str(body)):
                if ref not in defined:
                    problems.append(f"{name}: {item.get('rule') or item.get('macro') or item.get('list')}"
                                    f" uses {ref} before it is defined")
            for key in ("macro", "list"):
                if key in item:
                    defined.add(item[key])
            if "rule" not in item:
                continue
            r = item["rule"]
            rules.append(r)
            tags = item.get("tags", [])
            if not any(t.startswith("mitre_") for t in tags):
                problems.append(f"{name}: {r}: no mitre_<tactic> tag")
            if not any(TECH.match(t) for t in tags):
                problems.append(f"{name}: {r}: no ATT&CK technique id tag")
            if not ({"host", "container"} & set(tags)):
                problems.append(f"{name}: {r}: neither host nor container tag")
            if str(item.get("priority", "")).upper() not in PRIOS:
                problems.append(f"{name}: {r}: bad priority {item.get('priority')!r}")
            if "%" not in str(item.get("output", "")):
                problems.append(f"{name}: {r}: output has no %field")
            if not str(item.get("desc", "")).strip():
                problems.append(f"{name}: {r}: no desc")
    dup = {r for r in rules if rules.count(r) > 1}
    for r in sorted(dup):
        problems.append(f"duplicate rule name: {r}")
    if len(rules) < 40:
        problems.append(f"only {len(rules)} rules, at least 40 expected")
    with open(os.path.join(src, "docs", "default-rules.md"), encoding="utf-8") as f:
        doc_rows = {line.split("|")[1].strip() for line in f if line.startswith("| ")}
    for r in rules:
        if r not in doc_rows:
            problems.append(f"docs/default-rules.md: no row for {r}")
    for p in problems:
        print(p)
    print(f"{len(rules)} rules, {len(defined)} lists and macros, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
