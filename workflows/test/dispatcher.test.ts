// The dispatcher's housekeeping against a real database: its first pass deletes rows past their
// use and keeps the others.
import { createTestDatabase, type TestDatabase } from '@aigrid/db/testing';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createGridControl } from '../src/client';
import { startDispatcher } from '../src/dispatcher';
import { createLogger } from '../src/logger';
import { temporalAddress, until } from './support/grid-harness';

let t: TestDatabase;
let connection: Connection;
beforeAll(async () => {
  t = await createTestDatabase();
  connection = await Connection.connect({ address: temporalAddress() });
});
afterAll(async () => {
  await connection?.close();
  await t?.drop();
});

it('prunes expired rate counters as it starts, keeps the current ones, and stops without waiting out its period', async () => {
  const now = Date.now();
  await t.prisma.rateLimitCounter.createMany({
    data: [
      { key: 'write:user-1', windowStart: new Date(now - 60 * 60_000), count: 7 },
      { key: 'write:user-1', windowStart: new Date(now - 60_000), count: 2 },
    ],
  });
  const dispatcher = startDispatcher({
    prisma: t.prisma,
    control: createGridControl(new Client({ connection }), { taskQueue: 'dispatcher-test' }),
    periodMs: 60_000,
    nodeDownAfterMs: 10_000,
    logger: createLogger('silent'),
  });
  try {
    const left = await until(
      'the expired counter pruned',
      () => t.prisma.rateLimitCounter.findMany(),
      (rows) => rows.length === 1,
      10_000,
    );
    expect(left.map((r) => [r.windowStart.getTime(), r.count])).toEqual([[now - 60_000, 2]]);
  } finally {
    await dispatcher.stop();
  }
});
