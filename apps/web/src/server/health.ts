// Reachability of what the web app depends on, for /api/health and for monitors.
import { Client, Connection } from '@temporalio/client';
import { runHealthCheck } from '@aigrid/workflows/client';
import { env } from '../env';
import { db } from './db';

export interface ComponentHealth {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

async function timed(check: () => Promise<unknown>): Promise<ComponentHealth> {
  const started = performance.now();
  try {
    await check();
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return {
      ok: false,
      latencyMs: Math.round(performance.now() - started),
      error: (err as Error).message.split('\n')[0],
    };
  }
}

/**
 * Database: a query. Temporal: the frontend answers. With `deep`, a health-check workflow runs
 * on the control-plane worker, which proves the worker is up too.
 */
export async function checkHealth({ deep }: { deep: boolean }) {
  const settings = env();
  const database = await timed(() => db().$queryRaw`SELECT 1`);
  let connection: Connection | undefined;
  const temporal = await timed(async () => {
    connection = await Connection.connect({
      address: settings.TEMPORAL_ADDRESS,
      connectTimeout: 2_000,
    });
    await connection.workflowService.getSystemInfo({});
  });
  let worker: ComponentHealth | undefined;
  if (deep) {
    worker = temporal.ok
      ? await timed(() =>
          runHealthCheck(
            new Client({ connection: connection!, namespace: settings.TEMPORAL_NAMESPACE }),
            { taskQueue: settings.TEMPORAL_TASK_QUEUE, timeoutMs: 5_000 },
          ),
        )
      : { ok: false, latencyMs: 0, error: 'Temporal is unreachable' };
  }
  await connection?.close().catch(() => undefined);
  const ok = database.ok && temporal.ok && (worker?.ok ?? true);
  return { status: ok ? 'ok' : 'degraded', database, temporal, ...(worker ? { worker } : {}) };
}
