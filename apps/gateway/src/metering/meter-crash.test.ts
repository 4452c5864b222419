// Kill -9 tests: a child process records usage through a meter and is killed with SIGKILL at a
// random moment; a new meter on the same folder must then ship every request exactly once.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@aigrid/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMeter, INTERRUPTED_STATUS } from './index';
import { createTenant, quietLog, triangle, type Tenant } from './testing/meter-test-helpers';

const CHILD = fileURLToPath(new URL('./testing/meter-child.ts', import.meta.url));
const GATEWAY_DIR = fileURLToPath(new URL('../..', import.meta.url));

let t: TestDatabase;
let tenant: Tenant;

beforeAll(async () => {
  t = await createTestDatabase();
  tenant = await createTenant(t.prisma, 'Crashy');
});
afterAll(() => t.drop());

interface Run {
  prefix: string;
  complete: number;
  unfinished: number;
  batchSize: number;
  /** Kill this many ms (at most) after the child says its ends are durable. */
  killWithinMs?: number;
  killAfterInsert?: boolean;
}

/** Runs the child until it is killed; resolves with what it said on stdout. */
async function runChildUntilKilled(dir: string, run: Run): Promise<string> {
  const input = {
    dir,
    databaseUrl: t.url,
    ...tenant,
    prefix: run.prefix,
    complete: run.complete,
    unfinished: run.unfinished,
    batchSize: run.batchSize,
    shipIntervalMs: 5,
    killAfterInsert: run.killAfterInsert ?? false,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(input)], {
    cwd: GATEWAY_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (run.killWithinMs !== undefined && stdout.includes('ENDED')) {
      const delay = Math.random() * run.killWithinMs;
      setTimeout(() => child.kill('SIGKILL'), delay);
    }
  });
  const timeout = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const signal = await exited;
  clearTimeout(timeout);
  if (signal !== 'SIGKILL' || !stdout.includes('ENDED')) {
    throw new Error(`child ended with ${signal}, said ${JSON.stringify(stdout)}: ${stderr}`);
  }
  return stdout;
}

async function recoverAndCount(dir: string, prefix: string, expectedRows: number) {
  const meter = await createMeter({ dir, databaseUrl: t.url, log: quietLog(), shipIntervalMs: 10 });
  const deadline = Date.now() + 20_000;
  const where = { id: { startsWith: `${prefix}-` } };
  while ((await t.prisma.usageEvent.count({ where })) < expectedRows && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await meter.close();
  // A third start must change nothing: every request is already counted once.
  await (await createMeter({ dir, databaseUrl: t.url, log: quietLog() })).close();
  const byStatus = await t.prisma.usageEvent.groupBy({
    by: ['status'],
    where,
    _count: true,
    _sum: { promptTokens: true, completionTokens: true, egressBytes: true },
    orderBy: { status: 'asc' },
  });
  return byStatus.map((g) => ({
    status: g.status,
    rows: g._count,
    promptTokens: g._sum.promptTokens,
    completionTokens: g._sum.completionTokens,
    egressBytes: g._sum.egressBytes,
  }));
}

function expected(complete: number, unfinished: number) {
  return [
    {
      status: INTERRUPTED_STATUS,
      rows: unfinished,
      promptTokens: 0,
      completionTokens: 0,
      egressBytes: 0n,
    },
    {
      status: 200,
      rows: complete,
      promptTokens: triangle(complete),
      completionTokens: 2 * triangle(complete),
      egressBytes: BigInt(100 * triangle(complete)),
    },
  ];
}

describe('metering across SIGKILL', () => {
  for (const [i, run] of [
    { prefix: 'kill-a', complete: 200, unfinished: 7, batchSize: 50, killWithinMs: 30 },
    { prefix: 'kill-b', complete: 3_000, unfinished: 11, batchSize: 100, killWithinMs: 300 },
    { prefix: 'kill-c', complete: 3_000, unfinished: 4, batchSize: 25, killWithinMs: 1_000 },
  ].entries()) {
    it(`loses and double-counts nothing when killed at a random moment (${i + 1})`, async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'aigrid-spool-crash-'));
      try {
        await runChildUntilKilled(dir, run);
        expect(await recoverAndCount(dir, run.prefix, run.complete + run.unfinished)).toEqual(
          expected(run.complete, run.unfinished),
        );
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  it('counts once what was inserted just before a crash that kept the cursor behind', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'aigrid-spool-crash-'));
    const run = { prefix: 'insert-crash', complete: 400, unfinished: 3, batchSize: 1_000 };
    try {
      const said = await runChildUntilKilled(dir, { ...run, killAfterInsert: true });
      expect(said).toContain('INSERTED');
      // The one batch is in PostgreSQL, its cursor is not on disk: the restart inserts it again.
      const where = { id: { startsWith: `${run.prefix}-` } };
      const inserted = await t.prisma.usageEvent.count({ where });
      expect(inserted).toBeGreaterThan(0);
      expect(await recoverAndCount(dir, run.prefix, run.complete + run.unfinished)).toEqual(
        expected(run.complete, run.unfinished),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
