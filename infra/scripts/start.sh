#!/usr/bin/env bash
# npm start: install what is missing, then run the whole grid (Ctrl-C stops it).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
bash infra/scripts/install-tools.sh
export NEXT_TELEMETRY_DISABLED=1
exec node --import tsx infra/dev/src/cli/start.ts "$@"
