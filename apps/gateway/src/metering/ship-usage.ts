// Ships committed spool lines to PostgreSQL. It reads the spool from its cursor, inserts the
// `end` lines (usage events) in batches with `createMany({ skipDuplicates: true })` — the request
// id is the primary key, so a batch shipped twice (a crash between insert and cursor write, a
// replay after restart) counts once — then moves the cursor past what is shipped. The cursor
// never passes the `begin` of a request that has not ended, so recovery after a crash still finds
// it. Segments wholly before the cursor are deleted. While PostgreSQL is unreachable, the gateway
// keeps spooling and the shipper retries with exponential backoff, logging once per outage.
// In the gateway it runs in its own thread (ship-worker.ts), so none of this is on the event loop
// that serves requests.
import { Prisma, type Db } from '@aigrid/db';
import type { Logger } from 'pino';
import { deleteSegmentsBefore, writeCursor } from './spool-files';
import { comparePos, minPos, type EndLine, type SpoolPos } from './spool-format';
import { readSpool } from './spool-reader';

export interface ShipperOptions {
  dir: string;
  db: Db;
  log: Logger;
  /** Where shipping starts: the persisted cursor. */
  from: SpoolPos;
  /** The writer's committed position: nothing past it is read. */
  committed: () => SpoolPos;
  shipIntervalMs: number;
  batchSize: number;
  /** Called after each INSERT with the number of events it carried (duplicates included). */
  onInserted?: (events: number) => void;
}

type ShipResult = 'idle' | 'more' | 'failed';

const MIN_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 30_000;
/** Spool bytes read per step for each event of a batch (a begin and an end line, with room). */
const READ_BYTES_PER_EVENT = 640;

function toRow(e: EndLine): Prisma.UsageEventCreateManyInput {
  return {
    id: e.id,
    organizationId: e.organizationId,
    endpointId: e.endpointId,
    siteId: e.siteId,
    nodeId: e.nodeId,
    replicaId: e.replicaId,
    clientMetroId: e.clientMetroId,
    promptTokens: e.promptTokens,
    completionTokens: e.completionTokens,
    egressBytes: BigInt(e.egressBytes),
    ttftMs: e.ttftMs,
    status: e.status,
    at: new Date(e.at),
  };
}

export class UsageShipper {
  private readonly o: ShipperOptions;
  private readPos: SpoolPos;
  private persisted: SpoolPos;
  /** Requests whose `begin` was read and whose `end` was not, with the begin's position. */
  private readonly openBegins = new Map<string, SpoolPos>();
  /** `end` lines read and not yet inserted, in spool order. */
  private queue: { row: Prisma.UsageEventCreateManyInput; pos: SpoolPos }[] = [];
  private backoffMs = MIN_BACKOFF_MS;
  private outage: { since: number } | null = null;
  private stopped = false;
  private closed = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  /** Events inserted by this shipper (duplicates included), for tests and benchmarks. */
  shipped = 0;

  constructor(opts: ShipperOptions) {
    this.o = opts;
    this.readPos = opts.from;
    this.persisted = opts.from;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /**
   * Stops the loop, then ships what is committed until done or `timeoutMs` passes. After this
   * resolves the shipper touches neither the database nor the folder again.
   */
  async close(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    this.stopped = true;
    this.wake?.();
    const remaining = () => Math.max(0, deadline - Date.now());
    const timedOut = Symbol('timeout');
    const within = async <T>(p: Promise<T>): Promise<T | typeof timedOut> => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<typeof timedOut>((resolve) => {
        timer = setTimeout(() => resolve(timedOut), remaining());
      });
      try {
        return await Promise.race([p, timeout]);
      } finally {
        clearTimeout(timer);
      }
    };
    let result: ShipResult | typeof timedOut = 'more';
    if (this.loop && (await within(this.loop)) === timedOut) result = timedOut;
    while (result === 'more') result = await within(this.step());
    if (result !== 'idle') {
      this.o.log.warn(
        { dir: this.o.dir, pendingEvents: this.queue.length },
        'metering spool closed before everything was shipped; the next start ships the rest',
      );
    }
    this.closed = true;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const result = await this.step();
      if (this.stopped) return;
      if (result === 'more') continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(
          resolve,
          result === 'failed' ? this.backoffMs : this.o.shipIntervalMs,
        );
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  private async step(): Promise<ShipResult> {
    try {
      return await this.shipOnce();
    } catch (err) {
      this.o.log.error({ err, dir: this.o.dir }, 'metering shipper step failed; retrying');
      this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2);
      return 'failed';
    }
  }

  private async shipOnce(): Promise<ShipResult> {
    const committed = this.o.committed();
    if (this.queue.length < this.o.batchSize && comparePos(this.readPos, committed) < 0) {
      await this.read(committed);
    }
    if (this.queue.length > 0) {
      const batch = this.queue.slice(0, this.o.batchSize);
      if (!(await this.insert(batch.map((q) => q.row)))) return 'failed';
      this.queue.splice(0, batch.length);
    }
    await this.advanceCursor();
    return this.queue.length > 0 || comparePos(this.readPos, this.o.committed()) < 0
      ? 'more'
      : 'idle';
  }

  private async read(committed: SpoolPos): Promise<void> {
    const chunk = await readSpool(
      this.o.dir,
      this.readPos,
      committed,
      Math.max(64 * 1024, this.o.batchSize * READ_BYTES_PER_EVENT),
    );
    if (chunk.corrupt > 0) {
      this.o.log.error(
        { dir: this.o.dir, lines: chunk.corrupt, at: this.readPos },
        'metering spool lines do not parse; skipped',
      );
    }
    for (const { line, pos } of chunk.entries) {
      if (line.type === 'begin') {
        if (!this.openBegins.has(line.id)) this.openBegins.set(line.id, pos);
      } else if (line.type === 'end') {
        this.openBegins.delete(line.id);
        this.queue.push({ row: toRow(line), pos });
      }
    }
    this.readPos = chunk.next;
  }

  /** Inserts one batch; false when the database is unreachable (retried after a backoff). */
  private async insert(rows: Prisma.UsageEventCreateManyInput[]): Promise<boolean> {
    const byId = new Map(rows.map((r) => [r.id, r]));
    let data = [...byId.values()];
    try {
      try {
        await this.o.db.usageEvent.createMany({ data, skipDuplicates: true });
      } catch (err) {
        if (!(err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2003')) {
          throw err;
        }
        data = await this.dropOrphans(data);
        if (data.length > 0) await this.o.db.usageEvent.createMany({ data, skipDuplicates: true });
      }
    } catch (err) {
      if (!this.outage) {
        this.outage = { since: Date.now() };
        this.o.log.error(
          { err, dir: this.o.dir },
          'usage events cannot be written to PostgreSQL; spooling and retrying',
        );
      }
      this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2);
      return false;
    }
    if (this.outage) {
      this.o.log.info(
        { dir: this.o.dir, outageMs: Date.now() - this.outage.since },
        'usage events are written to PostgreSQL again',
      );
      this.outage = null;
    }
    this.backoffMs = MIN_BACKOFF_MS;
    this.shipped += data.length;
    this.o.onInserted?.(data.length);
    return true;
  }

  /**
   * A batch that broke a foreign key: events of an endpoint deleted since the request (its usage
   * rows went with it, by the cascade) are logged and dropped so that they do not block the rest;
   * a deleted site becomes a null `siteId`, as the schema's `onDelete: SetNull` would have made it.
   */
  private async dropOrphans(
    rows: Prisma.UsageEventCreateManyInput[],
  ): Promise<Prisma.UsageEventCreateManyInput[]> {
    const distinct = (ids: (string | null | undefined)[]) =>
      [...new Set(ids)].filter((id): id is string => typeof id === 'string');
    const [endpoints, sites] = await Promise.all([
      this.o.db.endpoint.findMany({
        where: { id: { in: distinct(rows.map((r) => r.endpointId)) } },
        select: { id: true, organizationId: true },
      }),
      this.o.db.site.findMany({
        where: { id: { in: distinct(rows.map((r) => r.siteId)) } },
        select: { id: true },
      }),
    ]);
    const orgOf = new Map(endpoints.map((e) => [e.id, e.organizationId]));
    const siteIds = new Set(sites.map((s) => s.id));
    const known = (r: Prisma.UsageEventCreateManyInput) =>
      orgOf.get(r.endpointId) === r.organizationId;
    const dropped = rows.filter((r) => !known(r)).map((r) => r.id);
    if (dropped.length > 0) {
      this.o.log.error(
        { dir: this.o.dir, requestIds: dropped },
        'usage events of deleted endpoints dropped',
      );
    }
    return rows
      .filter(known)
      .map((r) => (r.siteId && !siteIds.has(r.siteId) ? { ...r, siteId: null } : r));
  }

  /** Persists the cursor when it moved and deletes the segments wholly before it. */
  private async advanceCursor(): Promise<void> {
    const firstOpen = this.openBegins.values().next().value;
    const cursor = minPos(this.readPos, this.queue[0]?.pos, firstOpen) ?? this.readPos;
    if (this.closed || comparePos(cursor, this.persisted) <= 0) return;
    await writeCursor(this.o.dir, cursor);
    const before = this.persisted;
    this.persisted = cursor;
    if (cursor.segment > before.segment) await deleteSegmentsBefore(this.o.dir, cursor.segment);
  }
}
