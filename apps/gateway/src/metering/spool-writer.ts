// Group commit of spool lines. `append` only buffers (the request path never waits on disk);
// a flush writes everything buffered in one write and one fdatasync, a few ms after the first
// line arrives, and lines that arrive meanwhile go in the next flush. So a line is durable
// within about `commitDelayMs` plus two fsyncs, and a busy gateway does one fsync per flush,
// not one per request. A segment that grows past `segmentBytes` is closed and a new one begun.
import { open, type FileHandle } from 'node:fs/promises';
import type { Logger } from 'pino';
import { fsyncDir, segmentPath } from './spool-files';
import type { SpoolPos } from './spool-format';

export interface SpoolWriterOptions {
  dir: string;
  /** Number of the first segment this writer creates (above every existing one). */
  firstSegment: number;
  log: Logger;
  commitDelayMs?: number;
  segmentBytes?: number;
}

const DEFAULT_COMMIT_DELAY_MS = 2;
const DEFAULT_SEGMENT_BYTES = 8 * 1024 * 1024;
const MAX_RETRY_MS = 1_000;

export class SpoolWriter {
  private readonly dir: string;
  private readonly log: Logger;
  private readonly commitDelayMs: number;
  private readonly segmentBytes: number;
  private segment: number;
  private handle: FileHandle | null = null;
  /** Bytes of the current segment that are written and fsynced. */
  private committedBytes = 0;
  private buffered: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private failing = false;
  private retryMs = 0;
  private readonly listeners = new Set<() => void>();

  constructor(opts: SpoolWriterOptions) {
    this.dir = opts.dir;
    this.log = opts.log;
    this.segment = opts.firstSegment;
    this.commitDelayMs = opts.commitDelayMs ?? DEFAULT_COMMIT_DELAY_MS;
    this.segmentBytes = opts.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
  }

  /** Creates the first segment file. */
  async open(): Promise<void> {
    await this.openSegment(this.segment);
  }

  /** Everything before this position is on disk and fsynced; the segment is the one written. */
  committed(): SpoolPos {
    return { segment: this.segment, offset: this.committedBytes };
  }

  /** Calls `listener` after each flush that committed lines (and the rotation it may cause). */
  onCommit(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  append(line: string): void {
    this.buffered.push(line);
    this.schedule(this.commitDelayMs);
  }

  /** Writes and fsyncs everything appended so far; rejects when the write failed. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.flushing) await this.flushing.catch(() => undefined);
    if (this.buffered.length === 0) return;
    const writing = this.writeBuffered();
    this.flushing = writing;
    try {
      await writing;
    } finally {
      this.flushing = null;
      if (this.buffered.length > 0) this.schedule(this.failing ? this.retryMs : 0);
    }
  }

  /** Flushes, then closes the segment file. Lines appended afterwards are lost. */
  async close(): Promise<void> {
    await this.flush().catch(() => undefined);
    if (this.buffered.length > 0) {
      this.log.error(
        { lines: this.buffered.length },
        'metering spool closed with lines it could not write',
      );
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.handle?.close();
    this.handle = null;
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.flushing || this.handle === null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush().catch(() => undefined);
    }, delayMs);
  }

  private async openSegment(segment: number): Promise<void> {
    const handle = await open(segmentPath(this.dir, segment), 'a');
    await fsyncDir(this.dir);
    const previous = this.handle;
    this.handle = handle;
    this.segment = segment;
    this.committedBytes = (await handle.stat()).size;
    await previous?.close();
  }

  private async writeBuffered(): Promise<void> {
    const lines = this.buffered;
    this.buffered = [];
    const data = Buffer.from(lines.join(''), 'utf8');
    try {
      if (this.failing) {
        // A failed write may have left part of a line behind: continue in a fresh segment.
        await this.openSegment(this.segment + 1);
      }
      const handle = this.handle;
      if (!handle) throw new Error('metering spool is closed');
      for (let done = 0; done < data.length;) {
        const { bytesWritten } = await handle.write(data, done, data.length - done);
        done += bytesWritten;
      }
      await handle.datasync();
    } catch (err) {
      this.buffered = lines.concat(this.buffered);
      if (!this.failing) {
        this.log.error({ err, dir: this.dir }, 'metering spool write failed; retrying');
      }
      this.failing = true;
      this.retryMs = Math.min(MAX_RETRY_MS, Math.max(10, this.retryMs * 2));
      throw err;
    }
    this.committedBytes += data.length;
    if (this.failing) this.log.info({ dir: this.dir }, 'metering spool writes again');
    this.failing = false;
    this.retryMs = 0;
    if (this.committedBytes >= this.segmentBytes) {
      // Rotation failing is harmless: the segment just grows until a later flush rotates it.
      await this.openSegment(this.segment + 1).catch((err: unknown) => {
        this.log.error({ err, dir: this.dir }, 'metering spool could not start a new segment');
      });
    }
    for (const listener of this.listeners) listener();
  }
}
