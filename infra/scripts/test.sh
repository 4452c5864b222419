#!/usr/bin/env bash
# npm test: install what is missing (Chromium included), then lint, typecheck, unit and
# integration tests (real PostgreSQL and Temporal) and browser tests (Playwright in Chromium).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
bash infra/scripts/install-tools.sh --browser
export NEXT_TELEMETRY_DISABLED=1
exec node --import tsx infra/dev/src/cli/test.ts "$@"
