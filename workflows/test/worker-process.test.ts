// The worker as it runs in production: `tsx workflows/src/worker.ts` in its own process,
// configured by the environment alone, stopped by SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@aigrid/db/testing';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHealthCheck } from '../src/client';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** The worker process, with its stdout parsed as JSON log lines. */
function startWorker(env: Record<string, string>) {
  const child: ChildProcess = spawn(TSX, ['workflows/src/worker.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  let output = '';
  const waiters: { msg: string; resolve: (line: LogLine) => void }[] = [];
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    buffered += chunk.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const part of parts) {
      if (!part.trim()) continue;
      const line = JSON.parse(part) as LogLine;
      lines.push(line);
      for (const waiter of waiters) if (waiter.msg === line.msg) waiter.resolve(line);
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    child,
    lines,
    output: () => output,
    exited,
    waitForLog(msg: string) {
      const seen = lines.find((line) => line.msg === msg);
      if (seen) return Promise.resolve(seen);
      return Promise.race([
        new Promise<LogLine>((resolve) => waiters.push({ msg, resolve })),
        exited.then((code) => {
          throw new Error(`worker exited (${code}) before logging "${msg}":\n${output}`);
        }),
      ]);
    },
  };
}

describe('worker process', () => {
  let db: TestDatabase;
  let connection: Connection;
  let client: Client;
  const address = process.env.AIGRID_TEST_TEMPORAL_ADDRESS ?? '';

  beforeAll(async () => {
    if (!address) throw new Error('AIGRID_TEST_TEMPORAL_ADDRESS is not set: run through vitest');
    db = await createTestDatabase();
    connection = await Connection.connect({ address });
    client = new Client({ connection, namespace: 'default' });
  });

  afterAll(async () => {
    await connection?.close();
    await db?.drop();
  });

  it('runs workflows until SIGTERM, then stops cleanly', async () => {
    const taskQueue = `test-worker-process-${randomUUID()}`;
    const worker = startWorker({
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: taskQueue,
      LOG_LEVEL: 'info',
    });
    try {
      const running = await worker.waitForLog('worker running');
      expect(running).toMatchObject({ taskQueue, namespace: 'default', temporalAddress: address });

      const result = await runHealthCheck(client, { taskQueue, timeoutMs: 20_000 });
      expect(result.database).toMatchObject({ ok: true, organizations: 0, sites: 0, nodes: 0 });

      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
      expect(worker.lines.map((line) => line.msg)).toEqual(
        expect.arrayContaining(['worker running', 'shutting down worker', 'worker stopped']),
      );
      // Every line is JSON (parsed above) and none leaks the database URL or its password.
      expect(worker.output()).not.toContain(db.url);
      expect(worker.output()).not.toContain(new URL(db.url).password || '\0');
    } finally {
      worker.child.kill('SIGKILL');
    }
  });

  it('exits 1 with a clear message when the environment is invalid', async () => {
    const worker = startWorker({ DATABASE_URL: 'mysql://root:hunter2@db.example/aigrid' });
    expect(await worker.exited).toBe(1);
    expect(worker.lines).toEqual([
      expect.objectContaining({
        msg: 'Invalid environment: DATABASE_URL must be a postgres:// or postgresql:// URL',
      }),
    ]);
    expect(worker.output()).not.toContain('hunter2');
  });
});
