#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes a capture that makes `ward agent --replay` raise a burst of alerts without the
eBPF sensor: a host `kmod` process (from the /proc snapshot) calling init_module N times,
which the default rule "Kernel Module Loaded" flags each time. Record layout: struct
ward_ev_raw of bpf/ward_abi.h (288 bytes, then the strings).

Usage: burst_capture.py OUT.cap N [--drops]
  --drops  flags every init_module record with WARD_F_DROPS (the kernel lost records
           before it), as a live sensor under pressure would.
"""
import struct
import sys
import time

ABI = 1
RAW = "<HHHhIIIIIIIIIIIIQQQQq6QQQIIIIIIIIHHI16sHHI16sIIQ16s5H5Bx"
assert struct.calcsize(RAW) == 288
MODULE, SNAPSHOT = 29, 64
F_DROPS = 1 << 6
PID = 4201


def rec(kind, nr, flags, strs, ts, pstart):
    body, lens, sflags = b"", [0] * 5, [0] * 5
    for slot, text, fl in strs:
        data = text.encode() + b"\0"
        lens[slot], sflags[slot] = len(data), fl
        body += data
    hdr = struct.pack(RAW, ABI, kind, 288 + len(body), nr, PID, PID, 1, flags,
                      0, 0, 0, 0, 0xffffffff, PID, 0, PID,
                      ts, pstart, 10**9, 0, 0, *([0] * 6), 0, 0,
                      0, 0, 0, 0, 0, 0, 0, 0,
                      0, 0, 0, b"", 0, 0, 0, b"\0" * 16,
                      0, 0, 0, b"kmod", *lens, *sflags)
    return hdr + body


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    flags = F_DROPS if "--drops" in sys.argv[3:] else 0
    now = int(time.clock_gettime(time.CLOCK_BOOTTIME) * 1e9)
    start = now // 2
    recs = [rec(SNAPSHOT, -1, 0, [(0, "/usr/bin/kmod", 0), (1, "modprobe\0dummy", 4),
                                   (2, "/", 0)], now, start)]
    recs += [rec(MODULE, 175, flags, [(4, "", 0)], now + i * 1000, start) for i in range(n)]
    with open(out, "wb") as f:
        f.write(b"WARDCAP1" + struct.pack("<IIQQ", 1, ABI, 0, time.time_ns())
                + b"burst".ljust(32, b"\0"))
        for r in recs:
            f.write(struct.pack("<I", len(r)) + r)


main()
