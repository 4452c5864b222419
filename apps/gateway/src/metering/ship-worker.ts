// Entry of the usage shipper's worker thread (started by ship-thread.ts): a UsageShipper with its
// own Prisma client and logger, reading the writer's committed position from shared memory. It
// resumes from the cursor on disk, so a worker started again after one died re-reads from there.
// On a `close` message it ships what is committed (bounded), disconnects and says `closed`.
import { parentPort, workerData } from 'node:worker_threads';
import { createPrismaClient, type Db } from '@aigrid/db';
import { createLogger } from '../logger';
import { SharedProgress, type FromWorker, type ShipWorkerData, type ToWorker } from './ship-thread';
import { UsageShipper } from './ship-usage';
import { readCursor } from './spool-files';

const port = parentPort;
if (!port) throw new Error('ship-worker.ts runs as a worker thread (see ship-thread.ts)');
const data = workerData as ShipWorkerData;
const log = createLogger(data.logLevel).child({ component: 'metering', thread: 'shipper' });
const progress = new SharedProgress(data.progress);
let db: Db = createPrismaClient(data.databaseUrl);
if (data.testDbWrapper) {
  const wrapper = (await import(data.testDbWrapper)) as {
    wrapDb: (db: Db, restarts: number) => Db;
  };
  db = wrapper.wrapDb(db, data.restarts);
}
const shipper = new UsageShipper({
  dir: data.dir,
  db,
  log,
  from: (await readCursor(data.dir)) ?? data.from,
  committed: () => progress.committed(),
  shipIntervalMs: data.shipIntervalMs,
  batchSize: data.batchSize,
  onInserted: (events) => progress.addShipped(events),
});
port.on('message', (m: ToWorker) => {
  if (m.type !== 'close') return;
  void (async () => {
    await shipper.close(m.timeoutMs);
    await db.$disconnect().catch(() => undefined);
    // The main thread terminates this thread on `closed`: write out buffered log lines first.
    await new Promise<void>((resolve) => log.flush(() => resolve()));
    port.postMessage({ type: 'closed' } satisfies FromWorker);
  })();
});
shipper.start();
port.postMessage({ type: 'ready' } satisfies FromWorker);
