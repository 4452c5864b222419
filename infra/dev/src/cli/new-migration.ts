// `npm run db:new-migration -- <name>`: writes the SQL from the schema as of the last migration
// (each migration folder keeps a snapshot, schema.prisma) to the current prisma/schema.prisma.
// Prisma's WebAssembly schema engine wants a database connection even for this offline diff:
// without DATABASE_URL, a throw-away embedded PostgreSQL serves it.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { freePort } from '../services/ports';
import { startEmbeddedPostgres, type PostgresHandle } from '../services/postgres';
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
let scratch: { dir: string; pg: PostgresHandle } | undefined;
if (!process.env.DATABASE_URL) {
  const dir = mkdtempSync(path.join(tmpdir(), 'aigrid-migration-'));
  chmodSync(dir, 0o755);
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(dir, 'pg'),
    port: await freePort(),
    portSetting: 'scratch PostgreSQL port',
    log: () => {},
  });
  scratch = { dir, pg };
}
const databaseUrl = process.env.DATABASE_URL ?? scratch!.pg.adminUrl;
const stopScratch = async () => {
  await scratch?.pg.stop();
  if (scratch) rmSync(scratch.dir, { recursive: true, force: true });
};

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
    {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, DATABASE_URL: databaseUrl },
    },
  );
} catch {
  console.error('prisma migrate diff failed (its output is above).');
  await stopScratch();
  process.exit(1);
}
await stopScratch();
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
