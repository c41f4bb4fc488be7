#!/usr/bin/env bash
# Installs what the deployment tests need from Debian (podman, runc, mmdebstrap, podman-compose,
# openssl, catatonit: the pods of `podman kube play` run it as their init; the CNI dnsname plugin:
# compose services find each other by name) when missing, and writes the containers.conf settings podman needs on these machines:
# the sandbox refuses raising RLIMIT_NOFILE/NPROC (default_ulimits), crun refuses the hybrid cgroup
# layout (runc), no systemd (cgroupfs) and no journald (file events). Idempotent.
set -euo pipefail

PACKAGES=(podman runc mmdebstrap podman-compose openssl uidmap catatonit golang-github-containernetworking-plugin-dnsname)
missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing from Debian: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update || true
  apt-get install -y --no-install-recommends "${missing[@]}"
fi

CONF=/etc/containers/containers.conf
if [ ! -s "$CONF" ]; then
  mkdir -p /etc/containers
  cat >"$CONF" <<'CONF'
[containers]
default_ulimits = []

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
  echo "Wrote $CONF"
elif ! grep -q 'runtime *= *"runc"' "$CONF"; then
  echo "warning: $CONF exists without runtime = \"runc\"; podman may fail here" >&2
fi
podman --version
