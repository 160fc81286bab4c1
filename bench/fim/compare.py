#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Exact comparison of `ward fim check --json` with an AIDE 0.18 JSON report
(report_format=json, report_level=changed_attributes): the set of added, removed and
changed paths and, per changed path, the set of changed attribute names.

AIDE's attribute names are mapped to ward's spec letters (perm -> p, modify_time -> m, ...).
One normalisation, see docs/benchmarks/fim.md: AIDE reads a file's ACL with acl_get_file,
which for a file without an extended ACL returns the three base entries (user::, group::,
other::), i.e. the permission bits; a chmod then shows in AIDE as perm *and* acl. When both
the old and the new AIDE ACL hold base entries only, that acl change is the perm change
again and is dropped. A change of an extended ACL is kept.

Usage: compare.py WARD_JSON AIDE_JSON [PREFIX]
Prints "identical: N paths" and exits 0, or every differing path with both views and
exits 1. PREFIX, when given, is stripped from the paths shown.
"""
import json
import sys

AIDE_NAMES = {
    "perm": "p", "uid": "u", "gid": "g", "size": "s", "modify_time": "m",
    "change_time": "c", "inode": "i", "linkcount": "n", "link_count": "n",
    "link_name": "l", "xattrs": "x", "acl": "acl", "ftype": "ftype", "file_type": "ftype",
    "sha256": "sha256", "sha512": "sha512",
}
BASE_ACL = ("A: user::", "A: group::", "A: other::")


def base_only(acl):
    if not isinstance(acl, list):
        return False
    return all(isinstance(e, str) and e.startswith(BASE_ACL) for e in acl)


def ward_view(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    out = {}
    for fd in doc.get("findings", []):
        kind = fd.get("kind")
        if kind == "changed":
            out[fd["path"]] = ("changed", frozenset(fd.get("changed", [])))
        elif kind in ("added", "removed"):
            out[fd["path"]] = (kind, frozenset())
        else:
            out[fd["path"]] = (kind, frozenset([fd.get("message", "")]))
    return out


def aide_view(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    out = {}
    for kind in ("added", "removed"):
        for p in (doc.get(kind) or {}):
            out[p] = (kind, frozenset())
    details = doc.get("details") or {}
    normalised = 0
    for p in (doc.get("changed") or {}):
        names = set()
        for attr, val in (details.get(p) or {}).items():
            if attr == "acl" and isinstance(val, dict) and base_only(val.get("old")) \
                    and base_only(val.get("new")):
                normalised += 1
                continue
            names.add(AIDE_NAMES.get(attr, "aide:" + attr))
        out[p] = ("changed", frozenset(names))
    return out, normalised


def show(v):
    if v is None:
        return "(not reported)"
    kind, names = v
    return kind + (" [" + ",".join(sorted(names)) + "]" if names else "")


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    prefix = sys.argv[3] if len(sys.argv) > 3 else ""
    ward = ward_view(sys.argv[1])
    aide, normalised = aide_view(sys.argv[2])
    diff = sorted(p for p in set(ward) | set(aide) if ward.get(p) != aide.get(p))
    kinds = {}
    for v in ward.values():
        kinds[v[0]] = kinds.get(v[0], 0) + 1
    summary = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
    print(f"ward {len(ward)} paths ({summary}), AIDE {len(aide)} paths; "
          f"{normalised} AIDE acl change(s) of base entries only counted as the perm change")
    if not diff:
        print(f"identical: {len(ward)} paths (same paths, same kinds, same changed attributes)")
        return 0
    print(f"DIFFERENT: {len(diff)} of {len(set(ward) | set(aide))} paths")
    for p in diff:
        shown = p[len(prefix):] if prefix and p.startswith(prefix) else p
        print(f"  {shown}\n    ward: {show(ward.get(p))}\n    AIDE: {show(aide.get(p))}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
