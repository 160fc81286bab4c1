# SPDX-License-Identifier: Apache-2.0
"""Layer stacks for the differential test (test_scan_differential.sh).

Writes one docker-save archive per case into OUTDIR: the adversarial cases below (each one
a way the layered view has gone, or could go, wrong) and COUNT random stacks drawn from
SEED. Every archive is loadable by docker, skopeo and umoci; the test unpacks each with
them and compares with `ward scan image --files`. Names never use the top-level
directories a container runtime adds itself (dev, etc, proc, sys), so the docker export
can be compared after dropping those.
Also writes OUTDIR/all.docker, every image but the SKIP ones in one archive.
Usage: python3 layergen.py OUTDIR SEED COUNT [SKIP,SKIP...]
"""
import hashlib, io, json, os, random, sys, tarfile

# A token the secret rules know (AWS access key id shape): planted where content must be
# scanned because it survives (hardlink past a whiteout) or must not (whited out).
SECRET = b"aws_key=AKIAZ7QRSTUVWXYZ2345\n"


def f(path, data, mode=0o644):
    return ("file", path, data, mode)


def d(path, mode=0o755):
    return ("dir", path, None, mode)


def sym(path, target):
    return ("sym", path, target, 0o777)


def link(path, target, mode=0o644):
    """A hard link; tar writers give it its target's mode (docker applies it to the inode)."""
    return ("link", path, target, mode)


def wh(path):
    """Whiteout of path: the entry DIR/.wh.BASE."""
    head, _, base = path.rpartition("/")
    return ("file", (head + "/" if head else "") + ".wh." + base, b"", 0o644)


def opq(path):
    return ("file", path + "/.wh..wh..opq", b"", 0o644)


def layer_tar(entries):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.PAX_FORMAT) as t:
        for kind, path, arg, mode in entries:
            ti = tarfile.TarInfo(path)
            ti.mode, ti.mtime, ti.uid, ti.gid = mode, 1700000000, 0, 0
            body = None
            if kind == "file":
                ti.size, body = len(arg), io.BytesIO(arg)
            elif kind == "dir":
                ti.type = tarfile.DIRTYPE
            elif kind == "sym":
                ti.type, ti.linkname = tarfile.SYMTYPE, arg
            else:
                ti.type, ti.linkname = tarfile.LNKTYPE, arg
            t.addfile(ti, body)
    return b.getvalue()


def docker_archive(path, images):
    """A docker-save archive of images (name -> layers): blobs, configs, then manifest.json,
    as docker save orders it. Each image is tagged wdiff/NAME:1."""
    blobs, man = {}, []
    for name, layers in images.items():
        tars = [layer_tar(l) for l in layers]
        digests = [hashlib.sha256(x).hexdigest() for x in tars]
        blobs.update((h + "/layer.tar", x) for h, x in zip(digests, tars))
        cfg = json.dumps({"architecture": "amd64", "os": "linux",
                          "config": {"Cmd": ["/nonexistent"]},
                          "rootfs": {"type": "layers",
                                     "diff_ids": ["sha256:" + h for h in digests]}}).encode()
        cfg_name = hashlib.sha256(cfg).hexdigest() + ".json"
        blobs[cfg_name] = cfg
        man.append({"Config": cfg_name, "RepoTags": [f"wdiff/{name}:1"],
                    "Layers": [h + "/layer.tar" for h in digests]})
    blobs["manifest.json"] = json.dumps(man).encode()
    with tarfile.open(path, "w") as t:
        for n, body in blobs.items():
            ti = tarfile.TarInfo(n)
            ti.size, ti.mtime = len(body), 1700000000
            t.addfile(ti, io.BytesIO(body))


# Adversarial stacks: name -> layers (lists of entries in archive order).
CASES = {
    # the same name twice in one layer: the later entry wins
    "dup_in_layer": [[d("a"), f("a/x", b"first\n"), f("a/x", b"second\n", 0o600)]],
    # the same name in two layers, with a mode change
    "dup_across": [[d("a"), f("a/x", b"one\n", 0o755)], [f("a/x", b"two\n", 0o640)]],
    # content hardlinked, then its first name whited out: it lives on as the link
    "link_past_whiteout": [[d("s"), f("s/key.txt", SECRET), link("s/keep.txt", "s/key.txt")],
                           [wh("s/key.txt")]],
    # the link's target replaced later: the link keeps the old content
    "link_target_replaced": [[f("t", b"old\n"), link("u", "t")], [f("t", b"new\n")]],
    # opaque marker first, then this layer's new entries of the directory
    "opaque_then_own": [[d("o"), f("o/a", b"a\n"), f("o/b", b"b\n")],
                         [d("o"), opq("o"), f("o/c", b"c\n")]],
    # opaque marker after this layer's own entries of the directory: they stay
    "opaque_after_own": [[d("o"), f("o/a", b"a\n"), d("o/sub"), f("o/sub/z", b"z\n")],
                         [d("o"), f("o/n", b"n\n"), opq("o")]],
    # opaque on a directory this layer makes over a lower file
    "opaque_over_file": [[f("p", b"file\n")], [d("p"), opq("p"), f("p/q", b"q\n")]],
    # whiteout of a directory, then a new one of the same name in the next layer
    "whiteout_dir_recreate": [[d("w"), f("w/a", SECRET), d("w/in"), f("w/in/b", b"b\n")],
                              [wh("w")], [d("w"), f("w/c", b"c\n")]],
    # whiteout and re-creation of a directory in one layer, in either order: a whiteout hides
    # lower layers only, so the lower content stays hidden
    "whiteout_recreate_same": [[d("w"), f("w/a", SECRET)], [wh("w"), d("w"), f("w/c", b"c\n")]],
    "recreate_whiteout_same": [[d("w"), f("w/a", SECRET)], [d("w"), f("w/c", b"c\n"), wh("w")]],
    # a hard link whose header mode differs from its target's
    "link_mode": [[f("lm", b"lm\n", 0o755), link("ln", "lm", 0o4755)]],
    # whiteout of something that never existed: nothing happens
    "whiteout_missing": [[f("k", b"k\n")], [wh("nothere"), d("m"), wh("m/none")]],
    # a directory replaced by a file, then by a directory again
    "dir_file_dir": [[d("r"), f("r/a", b"a\n")], [f("r", b"now a file\n")],
                     [d("r", 0o700), f("r/b", b"b\n")]],
    # a file replaced by a directory (same layer order as docker's differ: parent first)
    "file_to_dir": [[f("q", b"q\n", 0o600)], [d("q"), f("q/in", b"in\n")]],
    # a symlink replaced by a file and a file by a symlink
    "type_changes": [[f("s1", b"s1\n"), sym("s2", "s1"), f("s3", b"s3\n", 0o4755)],
                     [f("s2", b"was a link\n"), sym("s1", "s3"), f("s3", b"s3\n", 0o700)]],
    # deep paths, created implicitly by the leaf
    "deep": [[f("/".join(f"d{i}" for i in range(40)) + "/leaf", b"deep\n")],
             [wh("/".join(f"d{i}" for i in range(20)) + "/d20")]],
    # dangling and absolute symlinks are kept as they are
    "symlinks": [[sym("abs", "/x/y"), sym("rel", "../../z"), sym("dot", ".")]],
    # a directory replaced by a symlink in a later layer, and a file written through it:
    # overlay layers are unpacked one by one into empty directories, so the path is a real
    # directory of the top layer that hides the lower symlink
    "symlinked_parent": [[d("real"), f("real/x", b"x\n"), d("v"), f("v/old", b"old\n")],
                         [wh("v"), sym("v", "real")],
                         [d("v"), f("v/y", b"y\n")]],
    # the same without the directory entry: a file written "through" the lower symlink
    "through_symlink": [[d("real"), f("real/x", b"x\n"), d("v"), f("v/old", b"old\n")],
                        [wh("v"), sym("v", "real")],
                        [f("v/y", SECRET)]],
    # a write through a lower symlink must not replace the lower file it points at: the
    # container still sees the secret at real/y (the evasion this case once allowed)
    "symlink_write_hides": [[d("real"), f("real/y", SECRET)], [sym("v", "real")],
                            [f("v/y", b"benign\n")]],
    # through an absolute symlink to a directory that does not exist yet
    "through_abs_symlink": [[sym("lnk", "/made/here")], [f("lnk/z", b"z\n")]],
    # a hard link in a later layer to a file of a lower layer
    "link_cross_layer": [[f("t", b"t\n", 0o600)], [link("u", "t", 0o600)], [wh("t")]],
    # a lower file or symlink where this layer needs a directory: the layer makes one
    "parent_over_file": [[f("pf", b"file\n"), sym("ps", "pf")], [f("pf/in", b"in\n"),
                                                              f("ps/in", b"in2\n")]],
    # a lower directory's mode when this layer writes below it without naming it
    "implicit_parent_mode": [[d("ip", 0o700), f("ip/a", b"a\n")], [f("ip/b", b"b\n")]],
    # an empty opaque directory hides a whole lower tree
    "opaque_empty": [[d("e"), d("e/f"), f("e/f/g", SECRET)], [d("e"), opq("e")]],
    # hard link that is a second name inside a layer, both names then replaced in turn
    "link_both_replaced": [[f("h1", b"h\n", 0o600), link("h2", "h1", 0o600)],
                           [f("h1", b"h1 new\n")], [wh("h2")]],
}


def random_stack(rng):
    """Layers over a small name pool so that names collide across layers. As docker's
    differ writes them, each entry's parents come first as directory entries. Within one
    layer a name is used once and nothing is written under a name the layer whites out;
    hard links point at files of the same layer, symlinks never serve as parents: the
    cases where runtimes are known to differ are the adversarial ones above, not drawn."""
    pool = ["a", "b", "c", "x", "x/a", "x/b", "x/y", "x/y/a", "x/y/z", "y", "y/q", "z/z/z"]
    state = {}  # path -> "file" | "dir" | "sym", the view after the layers so far
    modes = {}  # file path -> mode, for hard links
    layers = []
    for _ in range(rng.randint(1, 5)):
        used, entries = set(), []

        def drop_below(p):
            for q in [q for q in state if q.startswith(p + "/")]:
                del state[q]

        def parents(p):
            """Emits p's parent directories; False when one is taken in this layer."""
            parts = p.split("/")
            qs = ["/".join(parts[:i]) for i in range(1, len(parts))]
            if any(q in used and state.get(q) != "dir" for q in qs):
                return False
            for q in qs:
                if q not in used:
                    if state.get(q) != "dir":
                        drop_below(q)
                    entries.append(d(q))
                    state[q] = "dir"
                    used.add(q)
            return True

        for _ in range(rng.randint(1, 8)):
            p = rng.choice(pool)
            op = rng.choice(["file", "file", "file", "dir", "sym", "link", "wh", "opq"])
            if p in used or any(u.startswith(p + "/") for u in used):
                continue
            if (op == "wh" and p not in state) or (op == "opq" and state.get(p) != "dir"):
                continue
            files = sorted(q for q in used if state.get(q) == "file")
            if op == "link" and not files:
                op = "file"
            if not parents(p):
                continue
            used.add(p)
            if op == "wh":
                entries.append(wh(p))
                drop_below(p)
                del state[p]
                continue
            if op == "opq":
                drop_below(p)
                entries.append(d(p, rng.choice([0o755, 0o750])))
                entries.append(opq(p))
                continue
            if op != "dir":
                drop_below(p)
            if op == "file":
                data = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 64)))
                modes[p] = rng.choice([0o644, 0o600, 0o755, 0o4755])
                entries.append(f(p, data, modes[p]))
            elif op == "dir":
                entries.append(d(p, rng.choice([0o755, 0o700, 0o1777])))
            elif op == "sym":
                entries.append(sym(p, rng.choice(pool)))
            else:
                tg = rng.choice(files)
                modes[p] = modes[tg]
                entries.append(link(p, tg, modes[tg]))
                op = "file"
            state[p] = op
        layers.append(entries or [d("x")])
    return layers


def main():
    out, seed, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    skip = set(sys.argv[4].split(",")) if len(sys.argv) > 4 else set()
    os.makedirs(out, exist_ok=True)
    rng = random.Random(seed)
    images = dict(CASES)
    images.update((f"random{i:02d}", random_stack(rng)) for i in range(count))
    for name, layers in images.items():
        docker_archive(os.path.join(out, name + ".tar"), {name: layers})
    # one archive of them all for a single `docker load`, without the ones it refuses
    docker_archive(os.path.join(out, "all.docker"),
                   {n: l for n, l in images.items() if n not in skip})


if __name__ == "__main__":
    main()
