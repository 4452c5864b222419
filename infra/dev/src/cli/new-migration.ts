// `npm run db:new-migration -- <name>`: writes the SQL from the schema as of the last migration
// (each migration folder keeps a snapshot, schema.prisma) to the current prisma/schema.prisma.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { listMigrations, MIGRATIONS_DIR } from '@aigrid/db/migrate';
import { REPO_ROOT } from '../services/paths';

const name = (process.argv[2] ?? '').toLowerCase().replace(/[^a-z0-9]+/g, '_');
if (!name) {
  console.error('usage: npm run db:new-migration -- <name>');
  process.exit(2);
}
const last = listMigrations().at(-1);
const snapshot = last ? path.join(MIGRATIONS_DIR, last.name, 'schema.prisma') : undefined;
if (snapshot && !existsSync(snapshot)) {
  console.error(`${snapshot} is missing: every migration folder keeps the schema it leads to.`);
  process.exit(1);
}
const from = snapshot ? ['--from-schema-datamodel', snapshot] : ['--from-empty'];
let sql: string;
try {
  sql = execFileSync(
    'bash',
    [
      'infra/scripts/prisma.sh',
      'migrate',
      'diff',
      ...from,
      '--to-schema-datamodel',
      'prisma/schema.prisma',
      '--script',
    ],
    { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
} catch {
  console.error(
    'prisma migrate diff failed (above). Its schema engine needs a reachable PostgreSQL: ' +
      'run `npm start` in another terminal, or set DATABASE_URL.',
  );
  process.exit(1);
}
if (!sql.split('\n').some((line) => line.trim() && !line.startsWith('--'))) {
  console.log('prisma/schema.prisma has no changes since the last migration.');
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const dir = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
mkdirSync(dir);
writeFileSync(path.join(dir, 'migration.sql'), sql);
copyFileSync(path.join(REPO_ROOT, 'prisma/schema.prisma'), path.join(dir, 'schema.prisma'));
console.log(`wrote ${path.relative(REPO_ROOT, dir)}/migration.sql`);
