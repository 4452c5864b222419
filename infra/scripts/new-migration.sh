#!/usr/bin/env bash
# Writes prisma/migrations/<stamp>_<name>/migration.sql: the SQL that takes a database migrated
# with every existing migration to what prisma/schema.prisma describes.
# Needs a running PostgreSQL (npm start runs one): DATABASE_URL defaults to the embedded one.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
name="${1:?usage: npm run db:new-migration -- <name>}"
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres:postgres@127.0.0.1:55432/postgres}"
exec node --import tsx infra/dev/src/cli/new-migration.ts "$name"
