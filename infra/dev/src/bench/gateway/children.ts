// Child processes of the gateway benchmark (engines, emulated network, gateways): started with
// the dev services' `startProcess`, ready when they print a JSON line with `"event":"listening"`,
// and measured by the CPU time the kernel charged them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, startProcess, type ManagedProcess } from '../../services';

export interface Child<T> {
  process: ManagedProcess;
  /** The JSON line the child printed when it was ready. */
  ready: T;
  /** User + system CPU time of the process so far, ms. */
  cpuMs(): number;
  stop(): Promise<void>;
}

const CLK_TCK = 100;

export function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / CLK_TCK) * 1000;
}

/**
 * Runs `node [nodeArgs] --import tsx <script> [args]` and waits for its `listening` line. Lines
 * that look like errors are printed with the child's name; everything else is dropped.
 */
export async function startChild<T>(
  name: string,
  script: string,
  args: string[],
  opts: { env?: Record<string, string>; nodeArgs?: string[]; timeoutMs?: number } = {},
): Promise<Child<T>> {
  let resolveReady: (value: T) => void = () => undefined;
  const ready = new Promise<T>((resolve) => (resolveReady = resolve));
  const proc = startProcess(
    name,
    process.execPath,
    [...(opts.nodeArgs ?? []), '--import', 'tsx', path.resolve(REPO_ROOT, script), ...args],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, ...opts.env },
      log: (line) => {
        if (line.includes('"listening"') || line.includes('gateway listening')) {
          try {
            resolveReady(JSON.parse(line) as T);
            return;
          } catch {
            // Not JSON after all: treated as any other line below.
          }
        }
        if (/error|fatal|exception|"level":[456]0/i.test(line))
          process.stdout.write(`[${name}] ${line}\n`);
      },
    },
  );
  const timeoutMs = opts.timeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  const value = await Promise.race([
    ready,
    proc.exited.then((code) => {
      throw new Error(`${name} exited with ${code} before it was ready`);
    }),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${name} not ready within ${timeoutMs} ms`)),
        timeoutMs,
      );
    }),
  ]).catch(async (err: unknown) => {
    await proc.stop(2_000);
    throw err;
  });
  clearTimeout(timer);
  const pid = proc.child.pid!;
  return {
    process: proc,
    ready: value,
    cpuMs: () => cpuMsOf(pid),
    stop: () => proc.stop(10_000),
  };
}
