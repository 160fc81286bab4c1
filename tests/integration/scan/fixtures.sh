# SPDX-License-Identifier: Apache-2.0
# Builds (once) and caches the real images the scan tests use, under $WARD_SCAN_CACHE
# (default /var/cache/ward-test/scan). Source it, then call the function you need; each
# prints the path it made. Everything is built here from Debian packages (debootstrap,
# umoci, skopeo) and the npm registry; nothing is downloaded from a container registry.
: "${WARD_SCAN_CACHE:=/var/cache/ward-test/scan}"
mkdir -p "$WARD_SCAN_CACHE"

# Serializes builders of the same cached artifact across concurrent test runs.
_fx_locked() { local name=$1; shift; ( flock 9; "$@" ) 9>"$WARD_SCAN_CACHE/.$name.lock"; }

_fx_need() {
  local pkgs=()
  command -v debootstrap >/dev/null || pkgs+=(debootstrap)
  command -v umoci >/dev/null || pkgs+=(umoci)
  command -v skopeo >/dev/null || pkgs+=(skopeo)
  [ -x /bin/busybox ] && /bin/busybox --list >/dev/null 2>&1 && file -L /bin/busybox 2>/dev/null | grep -q static || pkgs+=(busybox-static)
  if [ ${#pkgs[@]} -gt 0 ]; then apt-get install -y "${pkgs[@]}" >/dev/null 2>&1 || true; fi
}

# Debian bookworm minbase root (real packages, real versions); ~35 s the first time.
_fx_debian() {
  local d=$WARD_SCAN_CACHE/bookworm
  if [ ! -f "$d/.complete" ]; then
    rm -rf "$d"
    debootstrap --variant=minbase bookworm "$d" http://deb.debian.org/debian >"$WARD_SCAN_CACHE/debootstrap.log" 2>&1 || return 1
    chroot "$d" apt-get clean
    touch "$d/.complete"
  fi
}
fx_debian_root() { _fx_need; _fx_locked debian _fx_debian || return 1; echo "$WARD_SCAN_CACHE/bookworm"; }

# busybox-static root (2 MB, no download).
_fx_busybox() {
  local d=$WARD_SCAN_CACHE/busybox
  if [ ! -f "$d/.complete" ]; then
    rm -rf "$d"; mkdir -p "$d/bin" "$d/etc"
    cp /bin/busybox "$d/bin/busybox"
    chroot "$d" /bin/busybox --install -s /bin
    touch "$d/.complete"
  fi
}
fx_busybox_root() { _fx_need; _fx_locked busybox _fx_busybox || return 1; echo "$WARD_SCAN_CACHE/busybox"; }

# A node_modules tree of real packages at versions with published advisories.
_fx_npm() {
  local d=$WARD_SCAN_CACHE/npmapp
  if [ ! -f "$d/.complete" ]; then
    rm -rf "$d"; mkdir -p "$d/app"
    (cd "$d/app" && npm install --no-audit --no-fund --prefix . \
      lodash@4.17.15 minimist@1.2.0 node-fetch@2.6.0 @babel/traverse@7.22.0 >"$d/npm.log" 2>&1) || return 1
    touch "$d/.complete"
  fi
}
fx_npm_tree() { _fx_locked npm _fx_npm || return 1; echo "$WARD_SCAN_CACHE/npmapp/app"; }

# OCI layout + docker-archive + oci-archive of the Debian root (one gzip layer).
_fx_debian_images() {
  local d=$WARD_SCAN_CACHE/debimg root=$1
  if [ ! -f "$d/.complete" ]; then
    rm -rf "$d"; mkdir -p "$d"
    umoci init --layout "$d/oci" && umoci new --image "$d/oci:latest" &&
      umoci insert --image "$d/oci:latest" "$root" / >/dev/null && umoci gc --layout "$d/oci" &&
      skopeo copy -q oci:"$d/oci":latest docker-archive:"$d/docker.tar":local/debian:bookworm &&
      skopeo copy -q oci:"$d/oci":latest oci-archive:"$d/oci-archive.tar":latest || return 1
    touch "$d/.complete"
  fi
}
fx_debian_images() {
  local root; root=$(fx_debian_root) || return 1
  _fx_locked debimg _fx_debian_images "$root" || return 1
  echo "$WARD_SCAN_CACHE/debimg"
}

# mk_docker_archive OUT.tar DIR... : a docker-save archive with one uncompressed layer per
# DIR (in order), written with GNU tar, manifest.json placed after the layers as docker
# save does. Whiteouts are plain files named .wh.NAME / .wh..wh..opq inside a DIR.
mk_docker_archive() {
  local out=$1; shift
  local w; w=$(mktemp -d "${TMPDIR:-/tmp}/ward-mkimg.XXXXXX")
  local layers=() diffs=() d i=0 h
  for d in "$@"; do
    tar --sort=name --owner=0 --group=0 --numeric-owner -C "$d" -cf "$w/l$i.tar" .
    h=$(sha256sum "$w/l$i.tar" | cut -d' ' -f1)
    mkdir -p "$w/img/$h"; mv "$w/l$i.tar" "$w/img/$h/layer.tar"
    layers+=("\"$h/layer.tar\""); diffs+=("\"sha256:$h\""); i=$((i+1))
  done
  local dj lj
  dj=$(IFS=,; echo "${diffs[*]}"); lj=$(IFS=,; echo "${layers[*]}")
  printf '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[%s]}}' "$dj" >"$w/img/config.json"
  local ch; ch=$(sha256sum "$w/img/config.json" | cut -d' ' -f1)
  mv "$w/img/config.json" "$w/img/$ch.json"
  printf '[{"Config":"%s.json","RepoTags":["ward-test:latest"],"Layers":[%s]}]' "$ch" "$lj" >"$w/img/manifest.json"
  (cd "$w/img" && tar -cf "$out" --owner=0 --group=0 $(ls -d */ | tr -d /) "$ch.json" manifest.json)
  rm -rf "$w"
}
