#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs a built ward: the binary, the default rules, the systemd unit.
# Usage: scripts/install.sh BUILD_DIR [uninstall]   (env: DESTDIR, PREFIX=/usr/local)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:?usage: $0 BUILD_DIR [uninstall]}
prefix=${PREFIX:-/usr/local}
dest=${DESTDIR:-}
bindir=$prefix/bin
unitdir=$prefix/lib/systemd/system
docdir=$prefix/share/doc/ward
if [ "${2:-}" = uninstall ]; then
  rm -f "$dest$bindir/ward" "$dest$unitdir/ward-agent.service"
  rm -rf "$dest$prefix/share/ward" "$dest$docdir"
  echo "==> removed ward from $dest$prefix (config in $dest/etc/ward and state in /var/lib/ward kept)"
  exit 0
fi
[ -x "$build/ward" ] || { echo "install: $build/ward not built (make all)" >&2; exit 1; }
echo "==> installing ward into $dest$prefix"
install -D -m 0755 "$build/ward" "$dest$bindir/ward"
install -d "$dest/etc/ward" "$dest$prefix/share/ward/rules"
cp -r rules/. "$dest$prefix/share/ward/rules/"
install -d "$dest$unitdir" "$dest$docdir"
install -m 0644 README.md docs/deploy.md "$dest$docdir/"
sed "s|@BINDIR@|$bindir|g; s|@DOCDIR@|$docdir|g" deploy/systemd/ward-agent.service > "$dest$unitdir/ward-agent.service"
chmod 0644 "$dest$unitdir/ward-agent.service"
echo "==> unit: $dest$unitdir/ward-agent.service (systemctl daemon-reload; systemctl enable --now ward-agent)"
