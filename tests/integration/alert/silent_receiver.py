#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A webhook receiver that accepts connections and never answers (a hung server), for
ward's shutdown tests. Writes the bound port to PORTFILE; exits on SIGTERM.
Usage: silent_receiver.py PORTFILE"""
import socket
import sys

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(128)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
held = []
while True:
    c, _ = s.accept()
    held.append(c)  # kept open, never read nor answered
