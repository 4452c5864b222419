// Files of the spool folder other than the segments' contents: the list of segments, the
// shipping cursor (everything before it is in PostgreSQL) and durable renames.
import { open, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { parseSegmentFileName, segmentFileName, type SpoolPos } from './spool-format';

const CURSOR_FILE = 'cursor.json';

/** Segment numbers present in `dir`, ascending. */
export async function listSegments(dir: string): Promise<number[]> {
  const names = await readdir(dir);
  return names
    .map(parseSegmentFileName)
    .filter((n): n is number => n !== null)
    .sort((a, b) => a - b);
}

export function segmentPath(dir: string, segment: number): string {
  return path.join(dir, segmentFileName(segment));
}

/** Makes a file's creation, rename or removal in `dir` durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const ZCursor = z.object({
  segment: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
});

/** The shipping cursor, or null when nothing was ever shipped from this folder. */
export async function readCursor(dir: string): Promise<SpoolPos | null> {
  let text: string;
  try {
    text = await readFile(path.join(dir, CURSOR_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const parsed = ZCursor.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${path.join(dir, CURSOR_FILE)} is not a spool cursor`);
  return parsed.data;
}

/** Replaces the cursor atomically: write a temporary file, fsync it, rename it, fsync the folder. */
export async function writeCursor(dir: string, pos: SpoolPos): Promise<void> {
  const target = path.join(dir, CURSOR_FILE);
  const temp = `${target}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(JSON.stringify({ segment: pos.segment, offset: pos.offset }));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, target);
  await fsyncDir(dir);
}

/** Deletes the segments numbered below `segment` (all of their records are shipped). */
export async function deleteSegmentsBefore(dir: string, segment: number): Promise<number> {
  const old = (await listSegments(dir)).filter((s) => s < segment);
  for (const s of old) await rm(segmentPath(dir, s), { force: true });
  if (old.length > 0) await fsyncDir(dir);
  return old.length;
}
