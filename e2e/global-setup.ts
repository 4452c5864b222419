// Starts the real grid (embedded PostgreSQL and Temporal, worker, production web build) in a
// throw-away data folder, unless E2E_EXTERNAL=1 says the app at E2E_BASE_URL is already running.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDevEnv } from '@aigrid/infra/env';
import { startGrid } from '@aigrid/infra/grid';
import { freePort } from '@aigrid/infra/services';

export default async function globalSetup() {
  if (process.env.E2E_EXTERNAL === '1') return;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'aigrid-e2e-'));
  chmodSync(dataDir, 0o755);
  const env = parseDevEnv({
    AIGRID_DATA_DIR: dataDir,
    AIGRID_PG_PORT: String(await freePort()),
    TEMPORAL_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    WEB_PORT: process.env.E2E_WEB_PORT,
  });
  const grid = await startGrid({
    env,
    webMode: 'production',
    seed: true,
    log: (line) => process.stdout.write(`[grid] ${line}\n`),
    childLog: (name, line) => {
      if (/error|fatal|panic/i.test(line)) process.stdout.write(`[${name}] ${line}\n`);
    },
  });
  return async () => {
    await grid.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
