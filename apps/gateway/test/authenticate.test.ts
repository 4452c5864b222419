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

/** The test database, counting the single-key lookups a request would wait for. */
function countingLookups(real: Db) {
  const counter = { lookups: 0 };
  const apiKey = new Proxy(real.apiKey, {
    get(target, prop, receiver) {
      if (prop === 'findUnique') {
        return (args: Parameters<Db['apiKey']['findUnique']>[0]) => {
          counter.lookups++;
          return target.findUnique(args);
        };
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  const wrapped = new Proxy(real, {
    get: (target, prop, receiver) =>
      prop === 'apiKey' ? apiKey : (Reflect.get(target, prop, receiver) as unknown),
  });
  return { db: wrapped, counter };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('keeps a key in use checked in the background and still honours its revocation', async () => {
  const org = await createOrg(db.prisma, 'Sparse');
  const key = await createKey(db.prisma, org);
  const { db: counted, counter } = countingLookups(db.prisma);
  const cacheMs = 400;
  const auth = createKeyAuthenticator({ db: counted, log: pino({ level: 'silent' }), cacheMs });
  try {
    const bearer = `Bearer ${key.secret}`;
    expect(await auth.authenticate(bearer)).toEqual({ id: key.id, organizationId: org });
    expect(counter.lookups).toBe(1);
    // A request every 2.5 cache periods: without background checks each would wait for a lookup.
    for (let i = 0; i < 3; i++) {
      await sleep(cacheMs * 2.5);
      await auth.authenticate(bearer);
    }
    expect(counter.lookups).toBe(1);

    await db.prisma.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
    await sleep(cacheMs + 100);
    await expect(auth.authenticate(bearer)).rejects.toMatchObject({ status: 401 });
    expect(counter.lookups).toBe(1);
  } finally {
    auth.close();
  }
});
