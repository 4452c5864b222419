// Fixed-window counters in PostgreSQL, so that every web process shares one limit.
import type { Db } from '@aigrid/db';

const WINDOW_MS = 60_000;

export async function countWrite(
  db: Db,
  who: string,
  perMinute: number,
  now: Date,
): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }> {
  const windowStart = new Date(Math.floor(now.getTime() / WINDOW_MS) * WINDOW_MS);
  const rows = await db.$queryRaw<{ count: number }[]>`
    INSERT INTO "RateLimitCounter" ("key", "windowStart", "count")
    VALUES (${`write:${who}`}, ${windowStart}, 1)
    ON CONFLICT ("key", "windowStart") DO UPDATE SET "count" = "RateLimitCounter"."count" + 1
    RETURNING "count"`;
  const count = rows[0]?.count ?? 1;
  if (count <= perMinute) return { ok: true };
  const retryAfterSeconds = Math.max(
    1,
    Math.ceil((windowStart.getTime() + WINDOW_MS - now.getTime()) / 1000),
  );
  return { ok: false, retryAfterSeconds };
}
