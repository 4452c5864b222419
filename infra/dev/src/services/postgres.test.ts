import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './ports';
import { ensureDatabase, startEmbeddedPostgres } from './postgres';

const quiet = () => {};
const dir = mkdtempSync(path.join(tmpdir(), 'aigrid-pg-test-'));
chmodSync(dir, 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('embedded PostgreSQL', () => {
  it('keeps its data in the data folder across a stop and a start', async () => {
    const dataDir = path.join(dir, 'pg');
    const port = await freePort();
    const first = await startEmbeddedPostgres({
      dataDir,
      port,
      portSetting: 'AIGRID_PG_PORT',
      log: quiet,
    });
    await ensureDatabase(first.adminUrl, 'keep');
    await query(first.urlFor('keep'), 'CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)');
    await first.stop();
    expect(first.process.child.exitCode).toBe(0);

    const second = await startEmbeddedPostgres({
      dataDir,
      port,
      portSetting: 'AIGRID_PG_PORT',
      log: quiet,
    });
    try {
      await ensureDatabase(second.adminUrl, 'keep');
      expect(await query(second.urlFor('keep'), 'SELECT v FROM kept')).toEqual([{ v: 42 }]);
    } finally {
      await second.stop();
    }
  });

  it('refuses to start on a taken port, naming the setting', async () => {
    const port = await freePort();
    const running = await startEmbeddedPostgres({
      dataDir: path.join(dir, 'a'),
      port,
      portSetting: 'AIGRID_PG_PORT',
      log: quiet,
    });
    try {
      await expect(
        startEmbeddedPostgres({
          dataDir: path.join(dir, 'b'),
          port,
          portSetting: 'AIGRID_PG_PORT',
        }),
      ).rejects.toThrow(/AIGRID_PG_PORT/);
    } finally {
      await running.stop();
    }
  });
});
