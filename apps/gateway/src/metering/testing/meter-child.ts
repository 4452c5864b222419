// Child process of the metering crash tests: records usage through a meter on the folder it is
// given, says "ENDED" on stdout once the `end`s of its complete requests are durable, then keeps
// shipping until the test kills it with SIGKILL. With `killAfterInsert` its shipper thread kills
// the process right after its first successful INSERT (made after "ENDED"), before the shipper
// can write its cursor (see kill-after-insert.ts).
import { BroadcastChannel } from 'node:worker_threads';
import { z } from 'zod';
import { createMeter } from '../index';
import { ENDED_CHANNEL } from './kill-after-insert';
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
const meter = await createMeter({
  dir: input.dir,
  databaseUrl: input.databaseUrl,
  testDbWrapper: input.killAfterInsert
    ? new URL('./kill-after-insert.ts', import.meta.url).href
    : undefined,
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
new BroadcastChannel(ENDED_CHANNEL).postMessage('ENDED');
setInterval(() => undefined, 1_000);
