// Rows that only matter for a while: write-rate counters (one per key and minute), idempotency
// records (a retry with the same key within a day gets the first result back) and sign-in
// attempts (throttling looks back 15 minutes; kept longer for investigating abuse). Deleted once
// past their use, so that the tables do not grow with traffic forever.
import type { Db } from './client';

export interface Retention {
  rateLimitCounterMs: number;
  idempotencyRecordMs: number;
  authAttemptMs: number;
}

export const DEFAULT_RETENTION: Retention = {
  rateLimitCounterMs: 10 * 60_000,
  idempotencyRecordMs: 24 * 60 * 60_000,
  authAttemptMs: 30 * 24 * 60 * 60_000,
};

export interface Pruned {
  rateLimitCounters: number;
  idempotencyRecords: number;
  authAttempts: number;
}

/** Deletes the rows past their retention; returns how many of each. */
export async function pruneExpiredRows(
  db: Db,
  now: Date,
  retention: Retention = DEFAULT_RETENTION,
): Promise<Pruned> {
  const before = (ms: number) => new Date(now.getTime() - ms);
  const [rateLimitCounters, idempotencyRecords, authAttempts] = await Promise.all([
    db.rateLimitCounter.deleteMany({
      where: { windowStart: { lt: before(retention.rateLimitCounterMs) } },
    }),
    db.idempotencyRecord.deleteMany({
      where: { createdAt: { lt: before(retention.idempotencyRecordMs) } },
    }),
    db.authAttempt.deleteMany({ where: { createdAt: { lt: before(retention.authAttemptMs) } } }),
  ]);
  return {
    rateLimitCounters: rateLimitCounters.count,
    idempotencyRecords: idempotencyRecords.count,
    authAttempts: authAttempts.count,
  };
}
