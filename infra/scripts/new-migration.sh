#!/usr/bin/env bash
# Writes prisma/migrations/<stamp>_<name>/migration.sql: the SQL that takes a database migrated
# with every existing migration to what prisma/schema.prisma describes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
name="${1:?usage: npm run db:new-migration -- <name>}"
exec node --import tsx infra/dev/src/cli/new-migration.ts "$name"
