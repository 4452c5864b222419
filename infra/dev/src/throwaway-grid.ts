// A whole grid in a temporary data folder on free ports, for tests and benchmarks: the same
// code path as `npm start`, removed again by `stop()`.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDevEnv } from './env';
import { startGrid, type Grid } from './grid';
import { freePort } from './services/ports';

export interface ThrowawayGridOptions {
  /** Names the temporary folder. */
  name: string;
  /** A fixed web port (e.g. for Playwright's baseURL); free by default. */
  webPort?: number;
  /** Print the grid's progress lines (errors of its processes are always printed). */
  verbose?: boolean;
  /** Start a node agent with the simulated engine for every demo node. */
  agents?: boolean;
}

export async function startThrowawayGrid(opts: ThrowawayGridOptions): Promise<Grid> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `aigrid-${opts.name}-`));
  // PostgreSQL runs as its own user when we are root: it must be able to enter the folder.
  chmodSync(dataDir, 0o755);
  try {
    const env = parseDevEnv({
      AIGRID_DATA_DIR: dataDir,
      AIGRID_PG_PORT: String(await freePort()),
      TEMPORAL_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      WEB_PORT: String(opts.webPort ?? (await freePort())),
      GATEWAY_PORT: String(await freePort()),
    });
    const grid = await startGrid({
      env,
      webMode: 'production',
      seed: true,
      agents: opts.agents ?? false,
      log: (line) => {
        if (opts.verbose) process.stdout.write(`[grid] ${line}\n`);
      },
      childLog: (name, line) => {
        if (/error|fatal|panic/i.test(line)) process.stdout.write(`[${name}] ${line}\n`);
      },
    });
    return {
      ...grid,
      async stop() {
        await grid.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}
