#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Writes a ward capture file holding records the sensor cannot produce on this machine (the
# kernel has no module loading; there is no public network): the exact struct ward_ev_raw
# layout of bpf/ward_abi.h, so `ward agent --replay` evaluates them like live events.
# Usage: synth_capture.py OUT.cap CONTAINER_ID
import struct, sys, time

ABI = 1
RAW = "<HHHhIIIIIIIIIIIIQQQQq6QQQIIIIIIIIHHI16sHHI16sIIQ16s5H5Bx"
assert struct.calcsize(RAW) == 288, struct.calcsize(RAW)
EXEC, CONNECT, MODULE, SNAPSHOT = 1, 15, 29, 64
AF_INET, FD_IPV4 = 2, 3
now = int(time.clock_gettime(time.CLOCK_BOOTTIME) * 1e9)
# process start times: before now, distinct per pid, never negative (the field is unsigned),
# whatever the uptime (a start of now - pid seconds went negative on hosts up < 70 min)
def pstart(pid):
    return now // 2 + pid * 1000

def record(kind, nr, pid, comm, strs=(), ret=0, args=(0,) * 6, fd_type=0, remote=None,
           proto=0, ppid=1):
    body = b""
    lens, flags = [0] * 5, [0] * 5
    for slot, text, fl in strs:
        data = text.encode() + b"\0"
        lens[slot], flags[slot] = len(data), fl
        body += data
    rfam, rport, raddr = remote if remote else (0, 0, b"")
    hdr = struct.pack(RAW, ABI, kind, 288 + len(body), nr, pid, pid, ppid, 0,
                      0, 0, 0, 0, 0xffffffff, pid, 0, pid,
                      now, pstart(pid), 10**9, 0, ret, *args, 0, 0,
                      0, 0, 0, 0, fd_type, rfam, 1 if fd_type else 0, proto,
                      0, 0, 0, b"", rfam, rport, 0, raddr.ljust(16, b"\0"),
                      0, 0, 0, comm.encode(), *lens, *flags)
    return hdr + body

out, cid = sys.argv[1], sys.argv[2]
recs = [
    # a container process and a host database server, as the /proc snapshot would show them
    record(SNAPSHOT, -1, 4101, "insmod", [(0, "/sbin/insmod", 0), (1, "insmod\0evil.ko", 4),
                                          (2, "/", 0), (4, "/docker/" + cid, 0)]),
    record(SNAPSHOT, -1, 4102, "postgres", [(0, "/usr/lib/postgresql/15/bin/postgres", 0),
                                            (1, "postgres", 4), (2, "/", 0)]),
    record(SNAPSHOT, -1, 4103, "kmod", [(0, "/usr/bin/kmod", 0), (1, "modprobe\0dummy", 4),
                                        (2, "/", 0)]),
    # finit_module(fd, "", 0) in the container (fails: EPERM) and init_module on the host
    record(MODULE, 313, 4101, "insmod", ret=-1, args=(3, 0, 0, 0, 0, 0)),
    record(MODULE, 175, 4103, "kmod", ret=0, strs=[(4, "", 0)]),
    # the database server connects to a public address, then to a private peer (benign)
    record(CONNECT, 42, 4102, "postgres", ret=0, args=(7, 0, 16, 0, 0, 0), fd_type=FD_IPV4,
           remote=(AF_INET, 5432, bytes([203, 0, 113, 9])), proto=6),
    record(CONNECT, 42, 4102, "postgres", ret=0, args=(8, 0, 16, 0, 0, 0), fd_type=FD_IPV4,
           remote=(AF_INET, 5432, bytes([10, 1, 2, 3])), proto=6),
]
with open(out, "wb") as f:
    f.write(b"WARDCAP1" + struct.pack("<IIQQ", 1, ABI, 0, time.time_ns()) + b"synthetic".ljust(32, b"\0"))
    for r in recs:
        f.write(struct.pack("<I", len(r)) + r)
