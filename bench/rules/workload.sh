#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Syscall-heavy workload for recording a capture (bench/rules/replay.sh): file walks and
# reads, fork+exec of /bin/true, and python3 doing TCP connects. Usage: workload.sh SECONDS
D=${1:-60}
end=$((SECONDS + D))
python3 - "$D" <<'PY' &
import socket, time, sys
end = time.time() + float(sys.argv[1])
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(512)
port = srv.getsockname()[1]
srv.setblocking(False)
while time.time() < end:
    for _ in range(50):
        c = socket.socket()
        try: c.connect(("127.0.0.1", port))
        except OSError: pass
        try:
            a, _ = srv.accept(); a.close()
        except OSError: pass
        c.close()
    try: socket.create_connection(("127.0.0.1", 9), timeout=0.1)
    except OSError: pass
PY
while [ $SECONDS -lt $end ]; do
  find /usr/share -maxdepth 3 >/dev/null 2>&1
  cat /usr/share/doc/*/copyright >/dev/null 2>&1
  for i in $(seq 50); do /bin/true; done
  ls -la /etc /proc/self/ >/dev/null
  head -c 100 /etc/passwd /etc/hosts /etc/os-release >/dev/null
done
wait
