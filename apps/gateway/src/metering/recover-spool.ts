// Start-up recovery of a spool folder left by a previous process (stopped or killed). It finds
// where shipping resumes (the cursor, or the oldest segment) and every request that began and
// never ended: the process died while serving it. Each such request gets an `end` line with
// status 0 (INTERRUPTED_STATUS) and the counts of its last `progress` line (what a stream had
// sent the client by then; none for a request cut before its first token), so that it is one
// event —
// never lost, never counted twice: its id is the event's key, and no later `end` can come from a
// process that is gone.
import type { Logger } from 'pino';
import { deleteSegmentsBefore, listSegments, readCursor } from './spool-files';
import type { BeginLine, ProgressLine, SpoolPos } from './spool-format';
import { readSpool } from './spool-reader';

export interface RecoveredSpool {
  /** Where shipping resumes. */
  from: SpoolPos;
  /** Number for the new process's first segment (above every existing one). */
  nextSegment: number;
  /** Requests begun and never ended, oldest first, with their last progress if any. */
  interrupted: { begin: BeginLine; progress?: ProgressLine }[];
}

const RECOVERY_READ_BYTES = 4 * 1024 * 1024;

export async function recoverSpool(dir: string, log: Logger): Promise<RecoveredSpool> {
  const segments = await listSegments(dir);
  const last = segments.at(-1);
  const cursor = await readCursor(dir);
  const from = cursor ?? { segment: segments[0] ?? 1, offset: 0 };
  const nextSegment = Math.max(last ?? 0, from.segment) + 1;
  await deleteSegmentsBefore(dir, from.segment);
  const open = new Map<string, { begin: BeginLine; progress?: ProgressLine }>();
  let corrupt = 0;
  if (last !== undefined) {
    for (let pos = from; ;) {
      const chunk = await readSpool(dir, pos, { segment: last, offset: null }, RECOVERY_READ_BYTES);
      for (const { line } of chunk.entries) {
        if (line.type === 'begin') {
          if (!open.has(line.id)) open.set(line.id, { begin: line });
        } else if (line.type === 'progress') {
          const request = open.get(line.id);
          if (request) request.progress = line;
        } else {
          open.delete(line.id);
        }
      }
      corrupt += chunk.corrupt;
      if (chunk.next.segment === pos.segment && chunk.next.offset === pos.offset) break;
      pos = chunk.next;
    }
  }
  if (corrupt > 0) log.error({ dir, lines: corrupt }, 'metering spool lines do not parse; skipped');
  const interrupted = [...open.values()];
  if (interrupted.length > 0) {
    log.warn(
      { dir, requests: interrupted.length },
      'requests interrupted by a gateway restart recorded with status 0',
    );
  }
  return { from, nextSegment, interrupted };
}
