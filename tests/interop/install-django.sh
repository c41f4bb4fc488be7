#!/usr/bin/env bash
# Installs the reference Django + simplejwt stack from Debian packages (PyPI is not
# reachable here). Idempotent: does nothing when /usr/bin/python3 already imports them.
# Always /usr/bin/python3: the python3 first on PATH may be an interpreter without them.
set -euo pipefail

PACKAGES=(python3-django python3-djangorestframework python3-djangorestframework-simplejwt python3-cryptography)
PY=/usr/bin/python3

have_stack() {
  [ -x "$PY" ] && "$PY" -c 'import django, rest_framework, rest_framework_simplejwt, cryptography' >/dev/null 2>&1
}

if have_stack; then
  echo "Django + simplejwt already installed for $PY"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "apt-get not found: install ${PACKAGES[*]} by hand" >&2
  exit 1
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "not root and no sudo: cannot install ${PACKAGES[*]}" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update
"${SUDO[@]}" apt-get install -y --no-install-recommends "${PACKAGES[@]}"

if ! have_stack; then
  echo "packages installed but $PY still cannot import django/rest_framework_simplejwt/cryptography" >&2
  exit 1
fi
echo "Django + simplejwt installed for $PY"
