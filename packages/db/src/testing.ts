// Test databases: each test file gets a fresh database cloned from a migrated template.
// The test run's global setup (infra/dev/src/testing/global-setup.ts) starts the server,
// migrates the template and sets AIGRID_TEST_PG_ADMIN_URL and AIGRID_TEST_PG_TEMPLATE.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPrismaClient, type Db } from './client';

export interface TestDatabase {
  url: string;
  name: string;
  prisma: Db;
  drop(): Promise<void>;
}

function testEnv() {
  const adminUrl = process.env.AIGRID_TEST_PG_ADMIN_URL;
  const template = process.env.AIGRID_TEST_PG_TEMPLATE;
  if (!adminUrl || !template) {
    throw new Error(
      'AIGRID_TEST_PG_ADMIN_URL is not set: run tests through vitest with the global setup (npm test).',
    );
  }
  return { adminUrl, template };
}

export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database for one test file. */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const { adminUrl, template } = testEnv();
  const name = `t_${randomBytes(6).toString('hex')}`;
  const from = options.empty ? 'template0' : `"${template}"`;
  await adminQuery(adminUrl, `CREATE DATABASE "${name}" TEMPLATE ${from}`);
  const url = databaseUrl(adminUrl, name);
  const prisma = createPrismaClient(url);
  return {
    url,
    name,
    prisma,
    async drop() {
      await prisma.$disconnect();
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}
