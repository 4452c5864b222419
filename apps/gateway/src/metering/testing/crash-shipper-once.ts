// Fault for the metering tests, loaded by the shipper thread as its `testDbWrapper`: the first
// shipper thread of a meter dies (an uncaught exception) right after its first INSERT succeeded,
// before it could write its cursor; the threads started after it work normally.
import type { Db } from '@aigrid/db';
import { wrapCreateMany } from './meter-test-helpers';

export function wrapDb(db: Db, restarts: number): Db {
  if (restarts > 0) return db;
  return wrapCreateMany(db, async (createMany) => {
    await createMany();
    setImmediate(() => {
      throw new Error('injected shipper thread crash');
    });
    return new Promise<never>(() => undefined);
  });
}
