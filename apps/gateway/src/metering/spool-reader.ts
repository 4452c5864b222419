// Reads spool lines from a position up to a limit (the writer's committed position, or the end
// of every segment at recovery), in chunks. Only whole lines count: a line without its newline
// at the end of a closed segment was torn by a crash and is skipped, as is a line that does not
// parse (its request is then recovered from its other record or not at all: see recover-spool).
import { open } from 'node:fs/promises';
import { segmentPath } from './spool-files';
import { comparePos, parseLine, type SpoolLine, type SpoolPos } from './spool-format';

export interface SpoolEntry {
  line: SpoolLine;
  /** Where the line starts. */
  pos: SpoolPos;
}

export interface SpoolChunk {
  entries: SpoolEntry[];
  /** Where the next read starts. */
  next: SpoolPos;
  /** Lines skipped because they did not parse. */
  corrupt: number;
}

const NEWLINE = 0x0a;

async function readBytes(file: string, offset: number, length: number): Promise<Buffer | null> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const buffer = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const { bytesRead } = await handle.read(buffer, read, length - read, offset + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return buffer.subarray(0, read);
  } finally {
    await handle.close();
  }
}

/**
 * Lines from `from` onwards, not past `limit`: segments before `limit.segment` are read to their
 * end, `limit.segment` up to `limit.offset` (null: to its end too). Reads about `maxBytes`.
 */
export async function readSpool(
  dir: string,
  from: SpoolPos,
  limit: { segment: number; offset: number | null },
  maxBytes: number,
): Promise<SpoolChunk> {
  const entries: SpoolEntry[] = [];
  let corrupt = 0;
  let pos = from;
  let budget = maxBytes;
  while (budget > 0 && pos.segment <= limit.segment) {
    const closed = pos.segment < limit.segment || limit.offset === null;
    const end = closed ? Number.POSITIVE_INFINITY : limit.offset!;
    if (pos.offset >= end) break;
    let want = Math.min(budget, end - pos.offset);
    let bytes = await readBytes(segmentPath(dir, pos.segment), pos.offset, want);
    let lastNewline = bytes ? bytes.lastIndexOf(NEWLINE) : -1;
    // A line longer than the budget: read until its end.
    while (bytes && lastNewline < 0 && bytes.length === want && pos.offset + want < end) {
      want = Math.min(want * 2, end - pos.offset);
      bytes = await readBytes(segmentPath(dir, pos.segment), pos.offset, want);
      lastNewline = bytes ? bytes.lastIndexOf(NEWLINE) : -1;
    }
    if (bytes === null || lastNewline < 0) {
      // Missing segment, end of a closed one (possibly a torn last line), or nothing committed.
      if (!closed || pos.segment === limit.segment) break;
      pos = { segment: pos.segment + 1, offset: 0 };
      continue;
    }
    let start = 0;
    while (start <= lastNewline) {
      const nl = bytes.indexOf(NEWLINE, start);
      const text = bytes.toString('utf8', start, nl);
      const line = text.trim() === '' ? null : parseLine(text);
      if (line) entries.push({ line, pos: { segment: pos.segment, offset: pos.offset + start } });
      else if (text.trim() !== '') corrupt += 1;
      start = nl + 1;
    }
    pos = { segment: pos.segment, offset: pos.offset + lastNewline + 1 };
    budget -= lastNewline + 1;
  }
  return { entries, next: comparePos(pos, from) >= 0 ? pos : from, corrupt };
}
