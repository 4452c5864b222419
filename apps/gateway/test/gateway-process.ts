// The real gateway as a child process (`node --import tsx src/main.ts`), for tests that kill it:
// started with its settings in the environment, ready once it logs "gateway listening" (with
// GATEWAY_PORT=0 it listens on a free port and says which).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const GATEWAY_DIR = fileURLToPath(new URL('..', import.meta.url));
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

export interface GatewayProcess {
  pid: number;
  url: string;
  /** Everything it wrote (pino JSON lines on stdout, anything on stderr). */
  output(): string;
  /** Resolves with the signal (or exit code) once the process is gone. */
  exited: Promise<NodeJS.Signals | number | null>;
  /** SIGKILL, then wait for the exit. No-op if it is already gone. */
  kill(): Promise<void>;
}

const live = new Set<ChildProcess>();

export async function startGatewayProcess(
  env: Record<string, string>,
  timeoutMs = 20_000,
): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: GATEWAY_DIR,
    env: { ...process.env, GATEWAY_PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let output = '';
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve(signal ?? code);
    }),
  );
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      void kill();
      reject(new Error(`gateway did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    let started = false;
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      if (started) return;
      const listening = output
        .split('\n')
        .slice(0, -1) // complete lines only
        .filter((line) => line.includes('"gateway listening"'))
        .map((line) => (JSON.parse(line) as { url?: string }).url)
        .find(Boolean);
      if (listening) {
        started = true;
        clearTimeout(timer);
        resolve(listening);
      }
    });
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited (${how}) before listening:\n${output}`));
    });
  });
  return { pid: child.pid!, url, output: () => output, exited, kill };
}

/** SIGKILLs every gateway process still running (for afterAll, whatever happened). */
export async function killAllGatewayProcesses(): Promise<void> {
  await Promise.all(
    [...live].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}
