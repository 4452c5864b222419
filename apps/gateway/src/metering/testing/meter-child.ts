// Child process of the metering crash tests: records usage through a meter on the folder it is
// given, says "ENDED" on stdout once the `end`s of its complete requests are durable, then keeps
// shipping until the test kills it with SIGKILL. With `killAfterInsert` it kills itself right
// after its first successful INSERT, before the shipper can write its cursor.
import { createPrismaClient, type Db } from '@aigrid/db';
import { z } from 'zod';
import { createMeter } from '../index';
import { completeRecord, quietLog } from './meter-test-helpers';

const ZChildInput = z.object({
  dir: z.string(),
  databaseUrl: z.string(),
  organizationId: z.string(),
  endpointId: z.string(),
  prefix: z.string(),
  complete: z.number().int(),
  unfinished: z.number().int(),
  batchSize: z.number().int(),
  shipIntervalMs: z.number().int(),
  killAfterInsert: z.boolean(),
});

const input = ZChildInput.parse(JSON.parse(process.argv[2] ?? '{}'));
const realDb = createPrismaClient(input.databaseUrl);

function killingAfterFirstInsert(db: Db): Db {
  const usageEvent = new Proxy(db.usageEvent, {
    get(target, prop, receiver) {
      if (prop !== 'createMany') return Reflect.get(target, prop, receiver);
      return async (args: Parameters<Db['usageEvent']['createMany']>[0]) => {
        const result = await target.createMany(args);
        process.stdout.write('INSERTED\n');
        process.kill(process.pid, 'SIGKILL');
        return result;
      };
    },
  });
  return new Proxy(db, {
    get: (target, prop, receiver) =>
      prop === 'usageEvent' ? usageEvent : Reflect.get(target, prop, receiver),
  });
}

const meter = await createMeter({
  dir: input.dir,
  db: input.killAfterInsert ? killingAfterFirstInsert(realDb) : realDb,
  log: quietLog(),
  batchSize: input.batchSize,
  shipIntervalMs: input.shipIntervalMs,
});
const tenant = { organizationId: input.organizationId, endpointId: input.endpointId };
const at = new Date();
// Half of the unfinished requests begin before the complete ones and half after, so that the
// shipper's cursor is held back by an open request while it ships the others.
const half = Math.floor(input.unfinished / 2);
for (let j = 0; j < half; j += 1) {
  meter.begin({ ...tenant, id: `${input.prefix}-open-${j}`, at });
}
for (let i = 1; i <= input.complete; i += 1) {
  const id = `${input.prefix}-done-${i}`;
  meter.begin({ ...tenant, id, at });
  meter.end(completeRecord(tenant, id, i));
}
for (let j = half; j < input.unfinished; j += 1) {
  meter.begin({ ...tenant, id: `${input.prefix}-open-${j}`, at });
}
// `end` lines are durable within about 10 ms; wait well past that before saying so.
await new Promise((resolve) => setTimeout(resolve, 100));
process.stdout.write('ENDED\n');
setInterval(() => undefined, 1_000);
