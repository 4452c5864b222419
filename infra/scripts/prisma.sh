#!/usr/bin/env bash
# Runs the Prisma CLI offline: the commands we use need no native engines, so point the
# engine variables at an existing file to stop the CLI from trying to download them.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-/bin/false}"
export PRISMA_QUERY_ENGINE_LIBRARY="${PRISMA_QUERY_ENGINE_LIBRARY:-/bin/false}"
export PRISMA_HIDE_UPDATE_MESSAGE=1
export CHECKPOINT_DISABLE=1
cd "$root"
exec "$root/node_modules/.bin/prisma" "$@"
