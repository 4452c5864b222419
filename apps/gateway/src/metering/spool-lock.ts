// One gateway process per spool folder: an exclusive lock file holding the owner's pid and the
// process start time (so that a pid reused after a restart, e.g. pid 1 in a container, is not
// mistaken for a live owner). A lock whose owner is gone is taken over.
import { readFileSync } from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';

const LOCK_FILE = 'LOCK';

interface LockOwner {
  pid: number;
  /** Start time of the process in clock ticks since boot (Linux), or null elsewhere. */
  startTicks: string | null;
}

/** Dirs locked by this process, so that two meters in one process cannot share one either. */
const heldHere = new Set<string>();

function startTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22; the command name (field 2) may contain spaces, so count from its closing ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(owner: LockOwner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  if (owner.startTicks === null) return true;
  const ticks = startTicks(owner.pid);
  return ticks === null || ticks === owner.startTicks;
}

function parseOwner(text: string): LockOwner | null {
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (typeof o.pid !== 'number') return null;
    return { pid: o.pid, startTicks: typeof o.startTicks === 'string' ? o.startTicks : null };
  } catch {
    return null;
  }
}

async function tryCreate(file: string, me: LockOwner): Promise<boolean> {
  try {
    const handle = await open(file, 'wx');
    try {
      await handle.writeFile(JSON.stringify(me));
      await handle.sync();
    } finally {
      await handle.close();
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

export interface SpoolLock {
  release(): Promise<void>;
}

/** Takes the folder's lock or throws naming the process that holds it. */
export async function lockSpoolDir(dir: string): Promise<SpoolLock> {
  const key = path.resolve(dir);
  if (heldHere.has(key)) throw new Error(`Spool folder ${dir} is already in use by this process`);
  const file = path.join(dir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, startTicks: startTicks(process.pid) };
  for (let attempt = 0; !(await tryCreate(file, me)); attempt += 1) {
    const owner = parseOwner(await readFile(file, 'utf8').catch(() => ''));
    const stale = owner === null || owner.pid === process.pid || !isAlive(owner);
    if (!stale || attempt >= 3) {
      throw new Error(
        `Spool folder ${dir} is locked by process ${owner?.pid ?? 'unknown'}: one gateway per folder`,
      );
    }
    // Move the stale lock aside (atomic), then check it really was the stale one: a process
    // that took over between our read and the rename gets its lock back.
    const aside = `${file}.stale.${process.pid}`;
    try {
      await rename(file, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    const moved = parseOwner(await readFile(aside, 'utf8').catch(() => ''));
    if (moved && owner && moved.pid !== owner.pid) {
      await rename(aside, file);
      continue;
    }
    await rm(aside, { force: true });
  }
  heldHere.add(key);
  return {
    async release() {
      heldHere.delete(key);
      await rm(file, { force: true });
    },
  };
}
