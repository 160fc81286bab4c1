#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A minimal webhook receiver for ward's alert tests (not a product component).

Listens on 127.0.0.1:PORT (0 = pick a free port), appends every POST body as one line to
OUT, and writes the bound port to PORTFILE once it accepts connections. --fail N answers the
first N POSTs with HTTP 503 so retry paths can be checked. Exits on SIGTERM.
"""
import argparse
import http.server
import os
import signal
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--out", required=True)
    ap.add_argument("--portfile", required=True)
    ap.add_argument("--fail", type=int, default=0)
    args = ap.parse_args()
    state = {"fail": args.fail, "posts": 0}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0"))
            if n < 0 or n > (4 << 20):
                self.send_response(413)
                self.end_headers()
                return
            body = self.rfile.read(n)
            state["posts"] += 1
            if state["fail"] > 0:
                state["fail"] -= 1
                self.send_response(503)
                self.end_headers()
                return
            ctype = self.headers.get("Content-Type", "")
            with open(args.out, "ab") as f:
                f.write(ctype.encode() + b"\t" + body.replace(b"\n", b" ") + b"\n")
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *a):
            pass

    srv = http.server.HTTPServer(("127.0.0.1", args.port), Handler)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    tmp = args.portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, args.portfile)
    srv.serve_forever()


if __name__ == "__main__":
    main()
