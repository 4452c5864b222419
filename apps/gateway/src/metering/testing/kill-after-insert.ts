// Fault for the metering crash test (meter-child.ts `killAfterInsert`), loaded by the shipper
// thread as its `testDbWrapper`: the first INSERT of usage events waits until the child has said
// "ENDED" (announced on a BroadcastChannel), then, once it succeeded, the shipper thread says
// "INSERTED" and SIGKILLs the whole process before the shipper can write its cursor.
import { writeSync } from 'node:fs';
import { BroadcastChannel } from 'node:worker_threads';
import type { Db } from '@aigrid/db';
import { wrapCreateMany } from './meter-test-helpers';

export const ENDED_CHANNEL = 'aigrid-meter-child-ended';

export function wrapDb(db: Db): Db {
  const channel = new BroadcastChannel(ENDED_CHANNEL);
  const ended = new Promise<void>((resolve) => (channel.onmessage = () => resolve()));
  channel.unref();
  return wrapCreateMany(db, async (createMany) => {
    await ended;
    const result = await createMany();
    // Straight to the file descriptor: this thread's process.stdout goes through the main thread.
    writeSync(1, 'INSERTED\n');
    process.kill(process.pid, 'SIGKILL');
    return result;
  });
}
