// Pruning rows past their use, against a real database: only the expired ones go.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_RETENTION, pruneExpiredRows } from './housekeeping';
import { createTestDatabase, type TestDatabase } from './testing';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.drop());

it('deletes rate counters, idempotency records and sign-in attempts past their retention only', async () => {
  const db = t.prisma;
  const now = new Date('2026-12-06T12:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const org = await db.organization.create({
    data: { name: 'Housekept', slug: 'housekept', kinds: ['DEVELOPER'] },
  });
  const r = DEFAULT_RETENTION;

  await db.rateLimitCounter.createMany({
    data: [
      { key: 'write:old', windowStart: ago(r.rateLimitCounterMs + 60_000), count: 3 },
      { key: 'write:new', windowStart: ago(60_000), count: 1 },
    ],
  });
  await db.idempotencyRecord.createMany({
    data: [
      {
        organizationId: org.id,
        procedure: 'endpoint.create',
        key: 'old-key',
        inputHash: 'h',
        createdAt: ago(r.idempotencyRecordMs + 1),
      },
      {
        organizationId: org.id,
        procedure: 'endpoint.create',
        key: 'new-key',
        inputHash: 'h',
        createdAt: ago(r.idempotencyRecordMs - 60_000),
      },
    ],
  });
  await db.authAttempt.createMany({
    data: [
      { email: 'a@x.test', ip: '10.0.0.1', succeeded: false, createdAt: ago(r.authAttemptMs + 1) },
      { email: 'a@x.test', ip: '10.0.0.1', succeeded: false, createdAt: ago(15 * 60_000) },
    ],
  });

  expect(await pruneExpiredRows(db, now)).toEqual({
    rateLimitCounters: 1,
    idempotencyRecords: 1,
    authAttempts: 1,
  });
  expect((await db.rateLimitCounter.findMany()).map((c) => c.key)).toEqual(['write:new']);
  expect((await db.idempotencyRecord.findMany()).map((c) => c.key)).toEqual(['new-key']);
  expect(await db.authAttempt.count()).toBe(1);
  // Again: nothing left to prune.
  expect(await pruneExpiredRows(db, now)).toEqual({
    rateLimitCounters: 0,
    idempotencyRecords: 0,
    authAttempts: 0,
  });
});
