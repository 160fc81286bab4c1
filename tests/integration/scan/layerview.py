# SPDX-License-Identifier: Apache-2.0
"""Prints a final filesystem as sorted lines "PATH TYPE MODE DETAIL" (DETAIL: the sha256 of a
file, the target of a symlink, "-" otherwise), so two views diff line by line.
  layerview.py ward JSON     `ward scan image --json --files` output
  layerview.py dir ROOT      an unpacked root (umoci unpack's rootfs)
  layerview.py tar FILE      a tar of a root (docker export)
  layerview.py compare DIR NAME...  for each NAME, DIR/NAME.json (ward) against
      DIR/NAME.b/rootfs (umoci) and DIR/NAME.export.tar (docker), those present; prints
      "ok - ..." or "not ok - ..." and the differing lines
Modes are the permission bits; a symlink's is "-" (always 0777 on Linux). For docker the
entries the runtime adds to every container (dev, etc, proc, sys, .dockerenv) are dropped:
the generated images never use those names.
"""
import difflib, hashlib, json, os, stat, sys, tarfile

RUNTIME = {"dev", "etc", "proc", "sys", ".dockerenv"}


def line(path, kind, mode, detail):
    m = "-" if kind == "symlink" else "%04o" % (mode & 0o7777)
    return f"{path} {kind} {m} {detail}"


def from_ward(path):
    with open(path) as fh:
        files = json.load(fh)["files"]
    for e in files:
        kind = e["type"]
        detail = e.get("sha256") if kind == "file" else e.get("target", "-")
        yield line(e["path"], kind, e["mode"], detail)


def from_dir(root):
    for top, dirs, files in os.walk(root):
        for name in sorted(dirs + files):
            full = os.path.join(top, name)
            rel = os.path.relpath(full, root)
            st = os.lstat(full)
            if stat.S_ISLNK(st.st_mode):
                yield line(rel, "symlink", 0, os.readlink(full))
            elif stat.S_ISDIR(st.st_mode):
                yield line(rel, "dir", st.st_mode, "-")
            elif stat.S_ISREG(st.st_mode):
                with open(full, "rb") as fh:
                    yield line(rel, "file", st.st_mode, hashlib.sha256(fh.read()).hexdigest())
            else:
                yield line(rel, "other", st.st_mode, "-")


def from_tar(path):
    with tarfile.open(path) as t:
        for m in t:
            rel = m.name[2:] if m.name.startswith("./") else m.name
            rel = rel.strip("/")
            rel = "" if rel == "." else rel
            if not rel or rel.split("/")[0] in RUNTIME:
                continue
            if m.issym():
                yield line(rel, "symlink", 0, m.linkname)
            elif m.isdir():
                yield line(rel, "dir", m.mode, "-")
            elif m.isfile() or m.islnk():
                data = t.extractfile(m).read()
                yield line(rel, "file", m.mode if m.isfile() else t.getmember(m.linkname).mode,
                           hashlib.sha256(data).hexdigest())
            else:
                yield line(rel, "other", m.mode, "-")


def compare(top, names):
    for n in names:
        if not os.path.exists(os.path.join(top, n + ".json")):
            continue  # the scan failed, and was reported so
        ward = sorted(from_ward(os.path.join(top, n + ".json")))
        for tool, src, arg in (("umoci unpack", from_dir, n + ".b/rootfs"),
                               ("docker export", from_tar, n + ".export.tar")):
            if not os.path.exists(os.path.join(top, arg)):
                continue
            other = sorted(src(os.path.join(top, arg)))
            if other == ward:
                print(f"ok - {n}: same as {tool}")
                continue
            print(f"not ok - {n}: differs from {tool} (-ward +{tool.split()[0]})")
            for l in difflib.unified_diff(ward, other, lineterm="", n=0):
                if not l.startswith(("---", "+++", "@@")):
                    print("#   " + l)


def main():
    if sys.argv[1] == "compare":
        compare(sys.argv[2], sys.argv[3:])
        return
    src = {"ward": from_ward, "dir": from_dir, "tar": from_tar}[sys.argv[1]]
    for l in sorted(src(sys.argv[2])):
        print(l)


if __name__ == "__main__":
    main()
