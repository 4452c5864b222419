// Metering: one usage event per request, durable on local disk within milliseconds and shipped to
// PostgreSQL in batches. See docs/operations.md ("Metering") for the files and the guarantees.
//
// Status 0: a request that began (`begin`) and whose process died before `end` is recorded, on
// the next start, as an event with status 0 and zero tokens and bytes ("interrupted by a gateway
// restart"), so no request is lost and none is counted twice.
import { mkdir } from 'node:fs/promises';
import type { Db } from '@aigrid/db';
import type { Logger } from 'pino';
import { recoverSpool } from './recover-spool';
import { UsageShipper } from './ship-usage';
import { beginLine, endLine, interruptedLine, type UsageRecord } from './spool-format';
import { lockSpoolDir } from './spool-lock';
import { SpoolWriter } from './spool-writer';

export { emptyUsage, INTERRUPTED_STATUS, type UsageRecord } from './spool-format';

export interface Meter {
  /** The request was authorised and resolved to an endpoint: durably note that it started. */
  begin(r: { id: string; organizationId: string; endpointId: string; at: Date }): void;
  /** It finished (any way): exactly one usage event results. */
  end(r: UsageRecord): void;
  /** Flush, fsync, ship what is pending (bounded wait), stop timers. */
  close(): Promise<void>;
}

export interface MeterOptions {
  /** The spool folder: one gateway process per folder (enforced by a lock file). */
  dir: string;
  db: Db;
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
}

/** Internals a test or benchmark may watch; the gateway uses only `Meter`. */
export interface MeterWithStats extends Meter {
  /** Events inserted by this meter's shipper so far (re-shipped duplicates included). */
  shipped(): number;
}

export async function createMeter(opts: MeterOptions): Promise<MeterWithStats> {
  const log = opts.log.child({ component: 'metering' });
  await mkdir(opts.dir, { recursive: true });
  const lock = await lockSpoolDir(opts.dir);
  try {
    const recovered = await recoverSpool(opts.dir, log);
    const writer = new SpoolWriter({
      dir: opts.dir,
      firstSegment: recovered.nextSegment,
      log,
      commitDelayMs: opts.commitDelayMs,
      segmentBytes: opts.segmentBytes,
    });
    await writer.open();
    for (const b of recovered.interrupted) writer.append(interruptedLine(b));
    await writer.flush();
    const shipper = new UsageShipper({
      dir: opts.dir,
      db: opts.db,
      log,
      from: recovered.from,
      committed: () => writer.committed(),
      shipIntervalMs: opts.shipIntervalMs ?? 250,
      batchSize: opts.batchSize ?? 500,
    });
    shipper.start();
    let closing: Promise<void> | null = null;
    return {
      begin(r) {
        if (closing) return log.error({ requestId: r.id }, 'metering begin after close');
        writer.append(beginLine(r));
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
      shipped: () => shipper.shipped,
    };
  } catch (err) {
    await lock.release();
    throw err;
  }
}
