import { execFileSync } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMigrations, migrate, MIGRATIONS_DIR } from './migrate';
import { createTestDatabase, type TestDatabase } from './testing';

const ROOT = path.resolve(MIGRATIONS_DIR, '../..');

/** Everything PostgreSQL knows about the public schema, in a comparable form. */
async function describeSchema(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const q = async (sql: string) => (await client.query(sql)).rows.map((r) => JSON.stringify(r));
    return {
      columns:
        await q(`SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default
        FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
        ORDER BY table_name, column_name`),
      constraints:
        await q(`SELECT rel.relname AS table, con.conname, pg_get_constraintdef(con.oid) AS def
        FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid
        JOIN pg_namespace ns ON ns.oid = rel.relnamespace
        WHERE ns.nspname = 'public' AND rel.relname <> '_prisma_migrations' ORDER BY 1, 2`),
      indexes: await q(`SELECT tablename, indexname, indexdef FROM pg_indexes
        WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY 1, 2`),
      enums: await q(`SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels
        FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname ORDER BY 1`),
    };
  } finally {
    await client.end();
  }
}

describe('migrations', () => {
  let fromMigrations: TestDatabase;
  let fromSchema: TestDatabase;

  beforeAll(async () => {
    fromMigrations = await createTestDatabase({ empty: true });
    fromSchema = await createTestDatabase({ empty: true });
  });
  afterAll(async () => {
    await fromMigrations?.drop();
    await fromSchema?.drop();
  });

  it('applies every migration once, then nothing on a second run', async () => {
    const all = listMigrations().map((m) => m.name);
    expect(all.length).toBeGreaterThan(0);
    expect((await migrate(fromMigrations.url)).applied).toEqual(all);
    expect(await migrate(fromMigrations.url)).toEqual({ applied: [], alreadyApplied: all.length });
    const rows = await fromMigrations.prisma.$queryRawUnsafe<{ migration_name: string }[]>(
      'SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY 1',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(all);
  });

  it('yields exactly the schema that schema.prisma describes', async () => {
    // What Prisma itself would create for the current schema, straight from schema.prisma.
    const sql = execFileSync(
      'bash',
      [
        'infra/scripts/prisma.sh',
        'migrate',
        'diff',
        '--from-empty',
        '--to-schema-datamodel',
        'prisma/schema.prisma',
        '--script',
      ],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: fromSchema.url }, encoding: 'utf8' },
    );
    const client = new pg.Client({ connectionString: fromSchema.url });
    await client.connect();
    await client.query(sql);
    await client.end();

    const expected = await describeSchema(fromSchema.url);
    const actual = await describeSchema(fromMigrations.url);
    expect(expected.columns.length).toBeGreaterThan(50);
    expect(actual).toEqual(expected);
  });

  it('refuses a migration that was edited after it was applied', async () => {
    const db = await createTestDatabase({ empty: true });
    try {
      await migrate(db.url);
      await db.prisma.$executeRawUnsafe(
        `UPDATE "_prisma_migrations" SET checksum = 'edited' WHERE migration_name = (SELECT min(migration_name) FROM "_prisma_migrations")`,
      );
      await expect(migrate(db.url)).rejects.toThrow(/was changed after it was applied/);
    } finally {
      await db.drop();
    }
  });
});
