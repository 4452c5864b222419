// Vitest global setup: one real PostgreSQL (with a migrated template database) and one real
// Temporal dev server for the whole run. Set AIGRID_TEST_PG_ADMIN_URL or
// AIGRID_TEST_TEMPORAL_ADDRESS to use servers you run yourself instead.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrate } from '@aigrid/db/migrate';
import { adminQuery, databaseUrl } from '@aigrid/db/testing';
import { freePort } from '../services/ports';
import { startEmbeddedPostgres, type PostgresHandle } from '../services/postgres';
import { startTemporalDevServer, type TemporalHandle } from '../services/temporal';

const TEMPLATE = 'aigrid_template';

export default async function setup() {
  const started: { pg?: PostgresHandle; temporal?: TemporalHandle; dir?: string } = {};
  const quiet = () => {};
  try {
    if (!process.env.AIGRID_TEST_PG_ADMIN_URL) {
      started.dir = mkdtempSync(path.join(tmpdir(), 'aigrid-test-'));
      // PostgreSQL runs as its own user when we are root: it must be able to enter the folder.
      chmodSync(started.dir, 0o755);
      started.pg = await startEmbeddedPostgres({
        dataDir: path.join(started.dir, 'pg'),
        port: await freePort(),
        portSetting: 'test PostgreSQL port',
        log: quiet,
      });
      process.env.AIGRID_TEST_PG_ADMIN_URL = started.pg.adminUrl;
    }
    if (!process.env.AIGRID_TEST_TEMPORAL_ADDRESS) {
      // Other processes may take a port between our pick and the server's bind: try again.
      for (let attempt = 1; !started.temporal; attempt += 1) {
        try {
          started.temporal = await startTemporalDevServer({
            port: await freePort(),
            portSetting: 'test Temporal port',
            log: (line) => {
              if (/error|fatal/i.test(line)) process.stderr.write(`[temporal] ${line}\n`);
            },
          });
        } catch (err) {
          if (attempt >= 3) throw err;
        }
      }
      process.env.AIGRID_TEST_TEMPORAL_ADDRESS = started.temporal.address;
    }
    const adminUrl = process.env.AIGRID_TEST_PG_ADMIN_URL;
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${TEMPLATE}" WITH (FORCE)`);
    await adminQuery(adminUrl, `CREATE DATABASE "${TEMPLATE}"`);
    await migrate(databaseUrl(adminUrl, TEMPLATE));
    process.env.AIGRID_TEST_PG_TEMPLATE = TEMPLATE;
  } catch (err) {
    await teardown(started);
    throw err;
  }
  return () => teardown(started);
}

async function teardown(started: { pg?: PostgresHandle; temporal?: TemporalHandle; dir?: string }) {
  await started.temporal?.stop();
  await started.pg?.stop();
  if (started.dir) rmSync(started.dir, { recursive: true, force: true });
}
