import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineSupervisor } from './engine-supervisor';

const ENGINE_BIN = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../packages/engine-sim/bin/engine-sim.mjs',
);

let supervisor: EngineSupervisor | undefined;
afterEach(async () => {
  await supervisor?.stopAll();
});

async function waitHealthy(s: EngineSupervisor, replicaId: string) {
  for (let i = 0; i < 100; i += 1) {
    if (await s.probe(replicaId)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('engine never became healthy');
}

describe('EngineSupervisor', () => {
  it('runs a configured engine command line (as for `vllm serve`) with its placeholders filled', async () => {
    // A stand-in for `vllm serve {model} --port {port} --tensor-parallel-size {gpus}`.
    const command = `${process.execPath} ${ENGINE_BIN} --model {model} --gpu {gpu} --gpus {gpus} --port {port} --time-scale 0.05`;
    supervisor = new EngineSupervisor({ command, timeScale: 1, portBase: 18_700, log: () => {} });
    const engine = await supervisor.start({
      replicaId: 'r1',
      modelId: 'qwen2.5-7b-instruct',
      gpuTypeId: 'A10G',
      gpuCount: 1,
    });
    await waitHealthy(supervisor, 'r1');
    const models = (await (await fetch(`${engine.url}/v1/models`)).json()) as {
      data: { id: string }[];
    };
    expect(models.data.map((m) => m.id)).toEqual(['qwen2.5-7b-instruct']);
    // Starting the same replica again is a no-op.
    expect(
      (await supervisor.start({ replicaId: 'r1', modelId: 'x', gpuTypeId: 'A10G', gpuCount: 1 }))
        .url,
    ).toBe(engine.url);
    await supervisor.stop('r1');
    await expect(fetch(`${engine.url}/health`)).rejects.toThrow();
    expect(supervisor.list()).toEqual([]);
  });

  it('reports a crash at once and restarts the engine with backoff', async () => {
    const crashes: string[] = [];
    supervisor = new EngineSupervisor({
      timeScale: 0.05,
      portBase: 18_750,
      log: () => {},
      onCrash: (id) => crashes.push(id),
    });
    const engine = await supervisor.start({
      replicaId: 'r2',
      modelId: 'llama-3.1-8b-instruct',
      gpuTypeId: 'L40S',
      gpuCount: 1,
    });
    await waitHealthy(supervisor, 'r2');
    execFileSync('kill', ['-KILL', String(supervisor.pidOf('r2'))]);
    await new Promise((r) => setTimeout(r, 200));
    expect(crashes).toEqual(['r2']);
    expect(await supervisor.probe('r2')).toBe(false);
    await waitHealthy(supervisor, 'r2');
    expect(supervisor.get('r2')).toMatchObject({ healthy: true, restarts: 1, url: engine.url });
  });

  it('keeps restarting an engine whose command exits, and reports it unhealthy', async () => {
    supervisor = new EngineSupervisor({
      command: 'exit 3',
      timeScale: 1,
      portBase: 18_800,
      log: () => {},
    });
    await supervisor.start({ replicaId: 'r3', modelId: 'm', gpuTypeId: 'L4', gpuCount: 1 });
    await new Promise((r) => setTimeout(r, 300));
    expect(await supervisor.probe('r3')).toBe(false);
    expect(supervisor.get('r3')?.restarts).toBeGreaterThanOrEqual(1);
  });
});
