// API key checks on the data path against a real database: a key in use is re-checked in the
// background, so a client that sends a request every few seconds never waits for a lookup, and a
// revocation still shows within the cache period.
import type { Db } from '@aigrid/db';
import { createTestDatabase, type TestDatabase } from '@aigrid/db/testing';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createKeyAuthenticator } from '../src/authenticate';
import { createKey, createOrg } from './harness';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

/**
 * The test database, keeping each single-key lookup's state, so that a test can tell a lookup a
 * request waited for (settled by the time the request returns) from one started ahead in the
 * background (still running then).
 */
function trackingLookups(real: Db) {
  const lookups: { settled: boolean }[] = [];
  const apiKey = new Proxy(real.apiKey, {
    get(target, prop, receiver) {
      if (prop === 'findUnique') {
        return (args: Parameters<Db['apiKey']['findUnique']>[0]) => {
          const lookup = { settled: false };
          lookups.push(lookup);
          return target.findUnique(args).then((row) => {
            lookup.settled = true;
            return row;
          });
        };
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  const wrapped = new Proxy(real, {
    get: (target, prop, receiver) =>
      prop === 'apiKey' ? apiKey : (Reflect.get(target, prop, receiver) as unknown),
  });
  return { db: wrapped, lookups };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('keeps a key in use checked in the background and still honours its revocation', async () => {
  const org = await createOrg(db.prisma, 'Sparse');
  const key = await createKey(db.prisma, org);
  const { db: tracked, lookups } = trackingLookups(db.prisma);
  const cacheMs = 800;
  const auth = createKeyAuthenticator({ db: tracked, log: pino({ level: 'silent' }), cacheMs });
  const bearer = `Bearer ${key.secret}`;
  /** Authenticates once; says whether the request waited for a single-key lookup. */
  async function waitedForLookup(): Promise<boolean> {
    const before = lookups.length;
    await auth.authenticate(bearer);
    return lookups.slice(before).some((l) => l.settled);
  }
  try {
    expect(await waitedForLookup()).toBe(true);
    // A request every 2.5 cache periods: without background checks each would wait for a lookup.
    const waited: boolean[] = [];
    for (let i = 0; i < 3; i++) {
      await sleep(cacheMs * 2.5);
      waited.push(await waitedForLookup());
    }
    expect(waited).toEqual([false, false, false]);

    await db.prisma.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
    await sleep(cacheMs + 100);
    await expect(auth.authenticate(bearer)).rejects.toMatchObject({ status: 401 });
  } finally {
    auth.close();
  }
});
