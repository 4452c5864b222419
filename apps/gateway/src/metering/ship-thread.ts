// The usage shipper's thread, seen from the gateway's main thread. Shipping (Prisma's query
// compiler, the pg driver, JSON) takes several to tens of ms of CPU per batch: in a worker thread
// with its own Prisma client it never stalls the event loop that serves requests. The spool
// writer stays on the main thread; the worker learns how far the spool is committed from shared
// memory (SharedProgress) and reports how many events it inserted the same way. A worker that
// dies is logged and started again: it resumes from the cursor on disk, and events it inserted
// after its last cursor write are inserted again and skipped by their key.
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { SpoolPos } from './spool-format';

/**
 * The writer's committed position and the shipped count, in a SharedArrayBuffer. Shared memory
 * rather than a message per group commit: publishing costs the main thread two atomic stores and
 * never wakes the worker, which reads the position when it polls.
 *
 * The position is two words. The writer stores the offset, then the segment; the reader loads
 * the segment, the offset, then the segment again and retries if it changed. Offsets stored while
 * segment `s` is published are offsets of `s`, except the start (0) of the next segment, stored
 * just before that segment number; so a read is either exact or behind the writer (conservative:
 * the shipper reads less now and the rest on its next round), never past what is fsynced.
 */
export class SharedProgress {
  private static readonly SEGMENT = 0;
  private static readonly OFFSET = 1;
  private static readonly SHIPPED = 2;
  readonly buffer: SharedArrayBuffer;
  private readonly words: BigInt64Array;

  constructor(buffer = new SharedArrayBuffer(3 * BigInt64Array.BYTES_PER_ELEMENT)) {
    this.buffer = buffer;
    this.words = new BigInt64Array(buffer);
  }

  /** Main thread, after each group commit: everything before `pos` is fsynced. */
  publishCommitted(pos: SpoolPos): void {
    Atomics.store(this.words, SharedProgress.OFFSET, BigInt(pos.offset));
    Atomics.store(this.words, SharedProgress.SEGMENT, BigInt(pos.segment));
  }

  /** Worker: the last published committed position (or one behind it: see above). */
  committed(): SpoolPos {
    for (;;) {
      const segment = Atomics.load(this.words, SharedProgress.SEGMENT);
      const offset = Atomics.load(this.words, SharedProgress.OFFSET);
      if (Atomics.load(this.words, SharedProgress.SEGMENT) === segment) {
        return { segment: Number(segment), offset: Number(offset) };
      }
    }
  }

  /** Worker, after each INSERT. */
  addShipped(events: number): void {
    Atomics.add(this.words, SharedProgress.SHIPPED, BigInt(events));
  }

  /** Events inserted by every worker of this meter so far. */
  shipped(): number {
    return Number(Atomics.load(this.words, SharedProgress.SHIPPED));
  }
}

/** What the worker gets as `workerData`. */
export interface ShipWorkerData {
  dir: string;
  databaseUrl: string;
  logLevel: string;
  /** Where shipping starts when no cursor is on disk yet. */
  from: SpoolPos;
  progress: SharedArrayBuffer;
  shipIntervalMs: number;
  batchSize: number;
  /** How many workers died before this one. */
  restarts: number;
  /** Tests only: module whose `wrapDb(db, restarts)` wraps the worker's Prisma client. */
  testDbWrapper?: string;
  /** Modules the bootstrap loads: tsx's register API, then ship-worker.ts. */
  tsx: string;
  entry: string;
}

export type ToWorker = { type: 'close'; timeoutMs: number };
export type FromWorker = { type: 'ready' } | { type: 'closed' };

export type ShipThreadOptions = Omit<ShipWorkerData, 'progress' | 'restarts' | 'tsx' | 'entry'> & {
  log: Logger;
  progress: SharedProgress;
};

// The gateway runs its TypeScript sources through tsx (`node --import tsx`, or vitest), but on
// Node 20 `--import` in a worker's execArgv is ignored, and a worker's .ts entry fails with
// ERR_UNKNOWN_FILE_EXTENSION. So the worker starts from this small script, which registers tsx's
// loader in the worker's thread and then imports ship-worker.ts.
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.tsx).then((tsx) => {
  tsx.register();
  return import(workerData.entry);
});
`;
const TSX_API = import.meta.resolve('tsx/esm/api');
const ENTRY = new URL('./ship-worker.ts', import.meta.url).href;

const FIRST_RESTART_DELAY_MS = 1_000;
const MAX_RESTART_DELAY_MS = 30_000;
/** A worker that ran this long before dying resets the restart backoff. */
const HEALTHY_RUN_MS = 60_000;
/** Time for the worker to close its database connections after its last round, in `close`. */
const CLOSE_GRACE_MS = 1_000;

export class ShipThread {
  private readonly o: ShipThreadOptions;
  private worker: Worker | null = null;
  private restarts = 0;
  private crashStreak = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private closing = false;

  constructor(opts: ShipThreadOptions) {
    this.o = opts;
  }

  /** Starts the worker; resolves once it ships, rejects if it cannot start. */
  start(): Promise<void> {
    return this.spawn();
  }

  /**
   * Has the worker ship what is committed (for up to `timeoutMs`), then stops it. Afterwards
   * nothing touches the database or the folder for this meter.
   */
  async close(timeoutMs: number): Promise<void> {
    this.closing = true;
    if (this.restartTimer) {
      clearTimeout(this.restartTimer);
      this.restartTimer = null;
    }
    const worker = this.worker;
    if (!worker) {
      this.o.log.warn(
        { dir: this.o.dir },
        'metering shipper thread not running at close; the next start ships the rest',
      );
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => {
        worker.on('message', (m: FromWorker) => m.type === 'closed' && resolve());
        worker.once('exit', () => resolve());
        worker.postMessage({ type: 'close', timeoutMs } satisfies ToWorker);
      }),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs + CLOSE_GRACE_MS))),
    ]);
    clearTimeout(timer);
    await worker.terminate();
  }

  private spawn(): Promise<void> {
    const { log, progress, ...rest } = this.o;
    const workerData: ShipWorkerData = {
      ...rest,
      progress: progress.buffer,
      restarts: this.restarts,
      tsx: TSX_API,
      entry: ENTRY,
    };
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData });
    this.worker = worker;
    const startedAt = Date.now();
    let failure: unknown;
    let ready = false;
    worker.on('error', (err) => (failure = err));
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (m: FromWorker) => {
        if (m.type !== 'ready') return;
        ready = true;
        resolve();
      });
      worker.once('exit', (exitCode) => {
        this.worker = null;
        if (this.closing) return resolve();
        if (!ready && this.restarts === 0) {
          // The first worker of a meter could not even start: fail createMeter.
          return reject(failure ?? new Error(`metering shipper thread exited (${exitCode})`));
        }
        resolve();
        this.crashStreak = Date.now() - startedAt >= HEALTHY_RUN_MS ? 1 : this.crashStreak + 1;
        const delayMs = Math.min(
          MAX_RESTART_DELAY_MS,
          FIRST_RESTART_DELAY_MS * 2 ** (this.crashStreak - 1),
        );
        log.error(
          { err: failure, exitCode, dir: this.o.dir, restartInMs: delayMs },
          'metering shipper thread died; restarting it',
        );
        this.restartTimer = setTimeout(() => {
          this.restartTimer = null;
          this.restarts += 1;
          void this.spawn();
        }, delayMs);
      });
    });
  }
}
