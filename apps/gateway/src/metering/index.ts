// Metering: one usage event per request, durable on local disk within milliseconds and shipped to
// PostgreSQL in batches. See docs/operations.md ("Metering") for the files and the guarantees.
// The spool writer runs on the caller's thread (appending is cheap and never waits on disk); the
// shipper runs in a worker thread with its own database client (ship-thread.ts), so that no
// database work for metering runs on the event loop that serves requests.
//
// Status 0: a request that began (`begin`) and whose process died before `end` is recorded, on
// the next start, as an event with status 0 ("interrupted by a gateway restart") carrying the
// counts of its last `progress` (a stream's tokens and bytes sent so far; zero without one), so
// no request is lost and none is counted twice.
import { mkdir } from 'node:fs/promises';
import type { Logger } from 'pino';
import { recoverSpool } from './recover-spool';
import { SharedProgress, ShipThread } from './ship-thread';
import {
  beginLine,
  endLine,
  interruptedLine,
  progressLine,
  type UsageRecord,
} from './spool-format';
import { lockSpoolDir } from './spool-lock';
import { SpoolWriter } from './spool-writer';

export { emptyUsage, INTERRUPTED_STATUS, type UsageRecord } from './spool-format';

export interface Meter {
  /** The request was authorised and resolved to an endpoint: durably note that it started. */
  begin(r: { id: string; organizationId: string; endpointId: string; at: Date }): void;
  /**
   * A stream in progress: what the client has been sent so far, kept so that a process that dies
   * mid-stream still bills it. Call at the first token and then now and then (about once a second).
   */
  progress(r: UsageRecord): void;
  /** It finished (any way): exactly one usage event results. */
  end(r: UsageRecord): void;
  /** Flush, fsync, ship what is pending (bounded wait), stop the shipper thread and timers. */
  close(): Promise<void>;
}

export interface MeterOptions {
  /** The spool folder: one gateway process per folder (enforced by a lock file). */
  dir: string;
  /** PostgreSQL the shipper thread connects to, with its own Prisma client. */
  databaseUrl: string;
  /** Also the shipper thread's log level (it logs with its own pino logger). */
  log: Logger;
  /** Pause between shipping rounds when the shipper has caught up (default 250 ms). */
  shipIntervalMs?: number;
  /** Events per INSERT (default 500). */
  batchSize?: number;
  /** Longest wait in `close` for the last events to ship (default 5 s). */
  closeTimeoutMs?: number;
  /** Wait before a group commit, so that lines arriving together share one fsync (default 2 ms). */
  commitDelayMs?: number;
  /** A segment larger than this is closed and a new one begun (default 8 MiB). */
  segmentBytes?: number;
  /**
   * Tests only: URL of a module whose `wrapDb(db, restarts)` wraps the shipper thread's Prisma
   * client (`restarts`: how many shipper threads died before this one), to inject faults.
   */
  testDbWrapper?: string;
}

/** Internals a test or benchmark may watch; the gateway uses only `Meter`. */
export interface MeterWithStats extends Meter {
  /** Events inserted by this meter's shipper threads so far (re-shipped duplicates included). */
  shipped(): number;
}

export async function createMeter(opts: MeterOptions): Promise<MeterWithStats> {
  const log = opts.log.child({ component: 'metering' });
  await mkdir(opts.dir, { recursive: true });
  const lock = await lockSpoolDir(opts.dir);
  let opened: SpoolWriter | undefined;
  try {
    const recovered = await recoverSpool(opts.dir, log);
    const writer = new SpoolWriter({
      dir: opts.dir,
      firstSegment: recovered.nextSegment,
      log,
      commitDelayMs: opts.commitDelayMs,
      segmentBytes: opts.segmentBytes,
    });
    opened = writer;
    await writer.open();
    for (const i of recovered.interrupted) writer.append(interruptedLine(i.begin, i.progress));
    await writer.flush();
    const progress = new SharedProgress();
    progress.publishCommitted(writer.committed());
    writer.onCommit(() => progress.publishCommitted(writer.committed()));
    const shipper = new ShipThread({
      dir: opts.dir,
      databaseUrl: opts.databaseUrl,
      log,
      logLevel: log.level,
      from: recovered.from,
      progress,
      shipIntervalMs: opts.shipIntervalMs ?? 250,
      batchSize: opts.batchSize ?? 500,
      testDbWrapper: opts.testDbWrapper,
    });
    await shipper.start();
    let closing: Promise<void> | null = null;
    return {
      begin(r) {
        if (closing) return log.error({ requestId: r.id }, 'metering begin after close');
        writer.append(beginLine(r));
      },
      progress(r) {
        if (!closing) writer.append(progressLine(r));
      },
      end(r) {
        if (closing) return log.error({ requestId: r.id }, 'metering end after close');
        writer.append(endLine(r));
      },
      close() {
        closing ??= (async () => {
          await writer.flush().catch(() => undefined);
          await shipper.close(opts.closeTimeoutMs ?? 5_000);
          await writer.close();
          await lock.release();
        })();
        return closing;
      },
      shipped: () => progress.shipped(),
    };
  } catch (err) {
    await opened?.close().catch(() => undefined);
    await lock.release();
    throw err;
  }
}
