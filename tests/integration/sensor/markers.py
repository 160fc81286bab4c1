#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Performs the marker actions the sensor tests assert on, each in a recognisable way.
# Usage: markers.py DIR   (writes DIR/markers.json describing what was done)
import json, os, socket, sys

d = sys.argv[1]
out = {"pid": os.getpid()}

# open of an existing marker file, and a failing open
with open(os.path.join(d, "marker-file")) as f:
    f.read()
try:
    open(os.path.join(d, "no-such-marker"))
except FileNotFoundError:
    pass

# file operations
os.mkdir(os.path.join(d, "mk-dir"))
os.rename(os.path.join(d, "mk-dir"), os.path.join(d, "mk-dir2"))
os.rmdir(os.path.join(d, "mk-dir2"))
os.symlink("/etc/passwd", os.path.join(d, "link-to-passwd"))
os.chmod(os.path.join(d, "marker-file"), 0o4755)
# times and extended attributes, by path and by fd
os.utime(os.path.join(d, "marker-file"), (1000000000, 1000000000))
xfd = os.open(os.path.join(d, "marker-file"), os.O_RDONLY)
os.utime(xfd, (1000000001, 1000000001))
os.setxattr(os.path.join(d, "marker-file"), "user.ward-marker", b"1")
os.setxattr(xfd, "user.ward-marker-fd", b"1")
os.removexattr(os.path.join(d, "marker-file"), "user.ward-marker")
os.close(xfd)
os.unlink(os.path.join(d, "link-to-passwd"))

# a refused connect, then a real loopback connection whose socket becomes stdin
s = socket.socket()
try:
    s.connect(("127.0.0.1", 1))
except OSError:
    pass
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen()
port = l.getsockname()[1]
out["port"] = port
c = socket.socket()
c.connect(("127.0.0.1", port))
a, _ = l.accept()
os.dup2(c.fileno(), 0)

# a plain fork (glibc: clone with CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD)
child = os.fork()
if child == 0:
    os._exit(0)
os.waitpid(child, 0)
out["child"] = child

json.dump(out, open(os.path.join(d, "markers.json"), "w"))

# fileless execution: run /bin/true from a memfd with a marker argv
fd = os.memfd_create("ward-fileless")
with open("/bin/true", "rb") as f:
    os.write(fd, f.read())
os.execve("/proc/self/fd/%d" % fd, ["ward-memfd-marker", "x"], {})
