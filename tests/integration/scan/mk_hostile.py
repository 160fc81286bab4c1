# SPDX-License-Identifier: Apache-2.0
"""Writes the malformed-archive corpus for test_scan_hostile.sh into OUTDIR.

Each case is a docker-save style archive (or OCI layout) that is hostile in exactly one
way. Built at test time; nothing here is large on disk except transiently the bomb.
Usage: python3 mk_hostile.py OUTDIR BUSYBOX_LAYER_TGZ
"""
import gzip, hashlib, io, json, os, sys, tarfile

out, good_tgz = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)


def layer(entries, fmt=tarfile.GNU_FORMAT):
    """entries: (name, bytes) pairs; a None body makes a directory."""
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=fmt) as t:
        for name, body in entries:
            ti = tarfile.TarInfo(name)
            if body is None:
                ti.type = tarfile.DIRTYPE
                t.addfile(ti)
            else:
                ti.size = len(body)
                t.addfile(ti, io.BytesIO(body))
    return b.getvalue()


def docker_archive(path, layers, manifest_layers=None):
    names = [f"{hashlib.sha256(l).hexdigest()}/layer.tar" for l in layers]
    man = [{"Config": "config.json", "RepoTags": ["hostile:1"],
            "Layers": manifest_layers if manifest_layers is not None else names}]
    with tarfile.open(path, "w") as t:
        for n, l in zip(names, layers):
            ti = tarfile.TarInfo(n); ti.size = len(l); t.addfile(ti, io.BytesIO(l))
        for n, body in (("config.json", b'{"rootfs":{"type":"layers","diff_ids":[]}}'),
                        ("manifest.json", json.dumps(man).encode())):
            ti = tarfile.TarInfo(n); ti.size = len(body); t.addfile(ti, io.BytesIO(body))


ok = layer([("etc/", None), ("etc/os-release", b"ID=debian\nVERSION_ID=12\n")])
docker_archive(f"{out}/traversal.tar", [layer([("app/", None), ("../../../tmp/ward-evil", b"x")])])
docker_archive(f"{out}/absolute.tar", [layer([("/etc/shadow", b"root::0:0\n")])])
docker_archive(f"{out}/deep.tar", [layer([("a/" * 200 + "f", b"deep")])])
docker_archive(f"{out}/manifest-outside.tar", [ok], ["../../../../etc/passwd"])
docker_archive(f"{out}/manifest-missing.tar", [ok], ["0" * 64 + "/layer.tar"])

# An entry whose header claims 1 TiB (base-256 size field) with no data behind it.
hdr = tarfile.TarInfo("huge.bin"); hdr.size = 1 << 40
huge = hdr.tobuf(format=tarfile.GNU_FORMAT) + b"\0" * 1024
docker_archive(f"{out}/huge-size.tar", [huge])

# A real gzip layer cut in half: the gzip stream ends mid-member.
with open(good_tgz, "rb") as f:
    data = f.read()
docker_archive(f"{out}/truncated-gzip.tar", [data[: len(data) // 2]])

# Decompression bomb: 512 MiB of zeros, gzip level 9 (about 1000:1).
class Zeros(io.RawIOBase):
    def __init__(self, n): self.left = n
    def readable(self): return True
    def readinto(self, b):
        k = min(len(b), self.left); b[:k] = bytes(k); self.left -= k; return k

bomb_path = f"{out}/bomb-layer.tar.gz"
with gzip.open(bomb_path, "wb", compresslevel=9) as g:
    with tarfile.open(fileobj=g, mode="w") as t:
        ti = tarfile.TarInfo("zeros.bin"); ti.size = 512 << 20
        t.addfile(ti, io.BufferedReader(Zeros(ti.size), 1 << 20))
with open(bomb_path, "rb") as f:
    bomb = f.read()
os.unlink(bomb_path)
docker_archive(f"{out}/bomb.tar", [bomb])

# OCI layouts: a layer blob that is a symlink out of the layout; an index that points at itself.
def oci(path, blobs, index, links=()):
    os.makedirs(f"{path}/blobs/sha256", exist_ok=True)
    with open(f"{path}/oci-layout", "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    for d, body in blobs.items():
        with open(f"{path}/blobs/sha256/{d}", "wb") as f:
            f.write(body)
    for d, target in links:
        os.symlink(target, f"{path}/blobs/sha256/{d}")
    with open(f"{path}/index.json", "w") as f:
        json.dump(index, f)

cfg = b'{"rootfs":{"type":"layers","diff_ids":[]}}'
cd = hashlib.sha256(cfg).hexdigest()
fake = "ab" * 32
man = json.dumps({"schemaVersion": 2, "config": {"digest": "sha256:" + cd, "size": len(cfg)},
                  "layers": [{"digest": "sha256:" + fake, "size": 1}]}).encode()
md = hashlib.sha256(man).hexdigest()
oci(f"{out}/symlink-blob", {cd: cfg, md: man},
    {"schemaVersion": 2, "manifests": [{"digest": "sha256:" + md, "size": len(man)}]},
    links=[(fake, "/etc/passwd")])
loop = json.dumps({"schemaVersion": 2, "manifests": [{"digest": "sha256:" + "cd" * 32}]}).encode()
oci(f"{out}/index-loop", {"cd" * 32: loop},
    {"schemaVersion": 2, "manifests": [{"digest": "sha256:" + "cd" * 32}]})

with open(f"{out}/not-an-image.tar", "wb") as f:
    f.write(os.urandom(4096))
