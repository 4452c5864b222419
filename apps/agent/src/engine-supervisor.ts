// Starts, watches and stops the inference engine processes of this node, one per replica.
// An engine is reached only through its OpenAI-compatible HTTP API and /metrics, so the
// simulated engine and a real `vllm serve` take the same path. A crashed engine is reported
// unhealthy and restarted with exponential backoff.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';

export interface EngineSpec {
  replicaId: string;
  modelId: string;
  gpuTypeId: string;
  gpuCount: number;
}

export interface EngineState {
  replicaId: string;
  modelId: string;
  url: string;
  healthy: boolean;
  restarts: number;
}

export interface SupervisorOptions {
  /** Command template with {model}, {port}, {gpu}, {gpus}; default: the simulated engine. */
  command?: string;
  timeScale: number;
  portBase: number;
  log: (msg: string, data?: Record<string, unknown>) => void;
  /** Called when an engine dies on its own, so that the control plane hears at once. */
  onCrash?: (replicaId: string) => void;
}

interface Engine {
  spec: EngineSpec;
  port: number;
  child?: ChildProcess;
  healthy: boolean;
  restarts: number;
  stopping: boolean;
  restartTimer?: NodeJS.Timeout;
}

const MAX_BACKOFF_MS = 30_000;

function simulatedEngineBin(): string {
  const require = createRequire(import.meta.url);
  return path.join(
    path.dirname(require.resolve('@aigrid/engine-sim/package.json')),
    'bin/engine-sim.mjs',
  );
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });
}

export class EngineSupervisor {
  private readonly engines = new Map<string, Engine>();

  constructor(private readonly opts: SupervisorOptions) {}

  list(): EngineState[] {
    return [...this.engines.values()].map((e) => ({
      replicaId: e.spec.replicaId,
      modelId: e.spec.modelId,
      url: this.url(e),
      healthy: e.healthy,
      restarts: e.restarts,
    }));
  }

  get(replicaId: string): EngineState | undefined {
    return this.list().find((e) => e.replicaId === replicaId);
  }

  /** Starts the engine of a replica; starting one that runs already is a no-op. */
  async start(spec: EngineSpec): Promise<EngineState> {
    const existing = this.engines.get(spec.replicaId);
    if (existing) return this.get(spec.replicaId)!;
    const engine: Engine = {
      spec,
      port: await this.allocatePort(),
      healthy: false,
      restarts: 0,
      stopping: false,
    };
    this.engines.set(spec.replicaId, engine);
    try {
      this.spawn(engine);
    } catch (err) {
      // A retry must try again, not find a half-registered engine.
      this.engines.delete(spec.replicaId);
      throw err;
    }
    return this.get(spec.replicaId)!;
  }

  /** True once the engine answers /health. */
  async probe(replicaId: string): Promise<boolean> {
    const engine = this.engines.get(replicaId);
    if (!engine?.child) return false;
    try {
      const res = await fetch(`${this.url(engine)}/health`, { signal: AbortSignal.timeout(2_000) });
      engine.healthy = res.ok;
    } catch {
      engine.healthy = false;
    }
    return engine.healthy;
  }

  async stop(replicaId: string): Promise<void> {
    const engine = this.engines.get(replicaId);
    if (!engine) return;
    engine.stopping = true;
    clearTimeout(engine.restartTimer);
    this.engines.delete(replicaId);
    const child = engine.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // The engine runs in its own process group: a command line such as `sh -c 'vllm serve …'`
    // must not leave its children behind.
    signalGroup(child, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.engines.keys()].map((id) => this.stop(id)));
  }

  private url(engine: Engine): string {
    return `http://127.0.0.1:${engine.port}`;
  }

  private async allocatePort(): Promise<number> {
    const used = new Set([...this.engines.values()].map((e) => e.port));
    for (let port = this.opts.portBase; port < this.opts.portBase + 1000; port += 1) {
      if (!used.has(port) && (await portFree(port))) return port;
    }
    throw new Error(`No free engine port from ${this.opts.portBase}`);
  }

  private spawn(engine: Engine) {
    const { spec } = engine;
    const vars: Record<string, string> = {
      model: spec.modelId,
      port: String(engine.port),
      gpu: spec.gpuTypeId,
      gpus: String(spec.gpuCount),
    };
    const child = this.opts.command
      ? spawn(
          'sh',
          // `exec`: the engine replaces the shell, so stopping waits for the engine itself.
          ['-c', `exec ${this.opts.command.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m)}`],
          { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
        )
      : spawn(
          process.execPath,
          [
            simulatedEngineBin(),
            '--model',
            spec.modelId,
            '--gpu',
            spec.gpuTypeId,
            '--gpus',
            String(spec.gpuCount),
            '--port',
            String(engine.port),
            '--host',
            '127.0.0.1',
            '--time-scale',
            String(this.opts.timeScale),
          ],
          { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
        );
    engine.child = child;
    child.stdout?.resume();
    child.stderr?.on('data', (chunk: Buffer) =>
      this.opts.log('engine stderr', {
        replicaId: spec.replicaId,
        line: chunk.toString().trim().slice(0, 500),
      }),
    );
    child.once('exit', (code, signal) => {
      engine.healthy = false;
      if (engine.stopping) return;
      const backoffMs = Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** engine.restarts);
      engine.restarts += 1;
      this.opts.log('engine exited; restarting', {
        replicaId: spec.replicaId,
        code,
        signal,
        backoffMs,
      });
      this.opts.onCrash?.(spec.replicaId);
      engine.restartTimer = setTimeout(() => {
        if (!engine.stopping) this.spawn(engine);
      }, backoffMs);
    });
  }

  /** The process of a replica's engine (for tests that make it crash). */
  pidOf(replicaId: string): number | undefined {
    return this.engines.get(replicaId)?.child?.pid;
  }
}
