#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A minimal webhook receiver for ward's alert tests (not a product component).

Listens on 127.0.0.1:PORT (0 = pick a free port), appends every POST body as one line to
OUT, and writes the bound port to PORTFILE once it accepts connections. --fail N answers the
first N POSTs with HTTP 503 so retry paths can be checked. Exits on SIGTERM.

--tls-cert/--tls-key serve HTTPS instead; --tls-client-ca also requires a client certificate
signed by that CA (a client without one fails the handshake and nothing is recorded).
--headers FILE appends each accepted POST's request headers as one JSON list of
[name, value] pairs, in the order received, so tests can check them exactly.
"""
import argparse
import http.server
import json
import os
import signal
import ssl
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--out", required=True)
    ap.add_argument("--portfile", required=True)
    ap.add_argument("--fail", type=int, default=0)
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--tls-client-ca")
    ap.add_argument("--headers")
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
            if args.headers:
                with open(args.headers, "a") as f:
                    f.write(json.dumps([[k, v] for k, v in self.headers.items()]) + "\n")
            with open(args.out, "ab") as f:
                f.write(ctype.encode() + b"\t" + body.replace(b"\n", b" ") + b"\n")
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *a):
            pass

    srv = http.server.HTTPServer(("127.0.0.1", args.port), Handler)
    if args.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
        if args.tls_client_ca:
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(args.tls_client_ca)
        # a failed handshake raises in accept(); socketserver drops that connection and
        # keeps serving, so a refused client is just not recorded
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    tmp = args.portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, args.portfile)
    srv.serve_forever()


if __name__ == "__main__":
    main()
