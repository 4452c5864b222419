import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  /** Sends `signal` (SIGTERM by default), then SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number, signal?: NodeJS.Signals): Promise<void>;
}

/** Spawns a long-running child whose output lines are prefixed with its name. */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: SpawnOptions & { log?: (line: string) => void } = {},
): ManagedProcess {
  const log = options.log ?? ((line: string) => process.stdout.write(`[${name}] ${line}\n`));
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) log(line);
    });
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (err) => {
      log(`failed to start: ${err.message}`);
      resolve(-1);
    });
  });
  return {
    name,
    child,
    exited,
    async stop(timeoutMs = 10_000, signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `check` until it returns true or `timeoutMs` passes. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  abort?: Promise<unknown>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let aborted = false;
  void abort?.then(() => (aborted = true));
  while (Date.now() < deadline) {
    if (aborted) throw new Error(`${what}: the process exited before it was ready`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} was not ready within ${Math.round(timeoutMs / 1000)} s`);
}

/** Processes whose parent is `pid`, from /proc (Linux). */
function childrenOf(pid: number): number[] {
  const kids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) kids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return kids;
}

/**
 * SIGKILLs a process and its children with their process groups: a node lost at once, agent and
 * engines (which the agent starts in process groups of their own).
 */
export function killProcessTree(pid: number): void {
  const kids = childrenOf(pid);
  const kill = (target: number) => {
    try {
      process.kill(target, 'SIGKILL');
      return true;
    } catch {
      return false; // Already gone.
    }
  };
  kill(pid);
  for (const kid of kids) if (!kill(-kid)) kill(kid);
}
