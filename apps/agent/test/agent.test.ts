// The agent as a real process against the real grid: enrolment, heartbeats, activities on the
// node's task queue starting the simulated engine, crash recovery, and revocation.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Grid } from '@aigrid/infra/grid';
import { startThrowawayGrid } from '@aigrid/infra/throwaway-grid';
import { createAigridClient, signInWithPassword, signUp, type AigridClient } from '@aigrid/sdk';
import { Client, Connection } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOnNode, unloadOnNode } from './test-workflows';

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.join(here, '../bin/aigrid-agent.mjs');

let grid: Grid | undefined;
let dir: string;
let api: AigridClient;
let siteId: string;
let temporal: Client;
let testWorker: Worker;
let workerRun: Promise<void>;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'aigrid-agent-state-'));
  grid = await startThrowawayGrid({ name: 'agent' });
  const email = `ops-${randomBytes(4).toString('hex')}@example.test`;
  await signUp({
    url: grid.webUrl,
    name: 'Node Operator',
    email,
    password: 'agent-pass-2468',
    organizationName: 'Edge Ops',
    kind: 'OPERATOR',
  });
  const sessionToken = await signInWithPassword({
    url: grid.webUrl,
    email,
    password: 'agent-pass-2468',
  });
  api = createAigridClient({ url: grid.webUrl, sessionToken });
  siteId = (
    await api.site.create.mutate({
      name: 'Paris-POP-7',
      metroId: 'paris',
      countryCode: 'FR',
      jurisdictions: ['EU'],
      uplinkGbps: 100,
      egressPricePerGbMicros: 10_000,
    })
  ).id;
  const connection = await Connection.connect({ address: grid.temporalAddress });
  temporal = new Client({ connection });
  testWorker = await Worker.create({
    connection: await (
      await import('@temporalio/worker')
    ).NativeConnection.connect({
      address: grid.temporalAddress,
    }),
    taskQueue: 'agent-test',
    workflowsPath: fileURLToPath(new URL('./test-workflows.ts', import.meta.url)),
  });
  workerRun = testWorker.run();
}, 300_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  testWorker?.shutdown();
  await workerRun?.catch(() => undefined);
  await grid?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

function agent(args: string[]): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  let out = '';
  const child = spawn(
    process.execPath,
    [
      BIN,
      '--control-plane',
      grid!.webUrl,
      '--temporal',
      grid!.temporalAddress,
      '--time-scale',
      '0.05',
      ...args,
    ],
    { env: { ...process.env, AIGRID_GPU_TYPE: 'L40S', AIGRID_GPU_COUNT: '4', LOG_LEVEL: 'info' } },
  );
  children.push(child);
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms: number) {
  const deadline = Date.now() + ms;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} not reached within ${ms} ms (last: ${JSON.stringify(last)})`);
}

describe('node agent', () => {
  it('refuses a wrong enrolment token with a clear error and starts no worker', async () => {
    const a = agent([
      '--token',
      `agn_${randomBytes(32).toString('base64url')}`,
      '--state',
      path.join(dir, 'wrong.json'),
    ]);
    expect(await a.exited).toBe(1);
    expect(a.output()).toMatch(/enrolment token is not valid/);
    expect(a.output()).not.toMatch(/agent running/);
  });

  it(
    'enrols, reports healthy within a heartbeat, runs a model on its task queue, survives an engine crash, and stops when revoked',
    { timeout: 180_000 },
    async () => {
      const { node, enrolmentToken } = await api.node.create.mutate({
        siteId,
        name: 'par7-gpu-1',
        gpuTypeId: 'L40S',
        gpuCount: 4,
      });
      const started = Date.now();
      const a = agent(['--token', enrolmentToken, '--state', path.join(dir, 'par7.json')]);
      await until(
        'node healthy',
        () => api.node.get.query({ id: node.id }),
        (n) => n.status === 'HEALTHY',
        15_000,
      );
      expect(Date.now() - started).toBeLessThan(15_000);

      const taskQueue = `node.${node.id}`;
      const replicaId = `rep-${randomBytes(4).toString('hex')}`;
      const loaded = await temporal.workflow.execute(loadOnNode, {
        taskQueue: 'agent-test',
        workflowId: `load-${replicaId}`,
        args: [taskQueue, { replicaId, modelId: 'llama-3.1-8b-instruct', gpuCount: 1 }],
      });
      expect(loaded.replicaId).toBe(replicaId);
      const models = (await (await fetch(`${loaded.url}/v1/models`)).json()) as {
        data: { id: string }[];
      };
      expect(models.data.map((m) => m.id)).toContain('llama-3.1-8b-instruct');
      // Loading again is a no-op that returns the same engine.
      const again = await temporal.workflow.execute(loadOnNode, {
        taskQueue: 'agent-test',
        workflowId: `load-again-${replicaId}`,
        args: [taskQueue, { replicaId, modelId: 'llama-3.1-8b-instruct', gpuCount: 1 }],
      });
      expect(again.url).toBe(loaded.url);

      // Kill the engine: the next heartbeat says degraded, then the agent restarts it.
      const port = new URL(loaded.url).port;
      execFileSync('pkill', ['-KILL', '-f', `engine-sim.mjs.*--port ${port}`]);
      await until(
        'node degraded',
        () => api.node.get.query({ id: node.id }),
        (n) => n.status === 'DEGRADED',
        8_000,
      );
      await until(
        'node healthy again',
        () => api.node.get.query({ id: node.id }),
        (n) => n.status === 'HEALTHY',
        20_000,
      );
      expect((await fetch(`${loaded.url}/health`)).ok).toBe(true);

      await temporal.workflow.execute(unloadOnNode, {
        taskQueue: 'agent-test',
        workflowId: `unload-${replicaId}`,
        args: [taskQueue, replicaId],
      });
      await expect(fetch(`${loaded.url}/health`)).rejects.toThrow();

      // A new token for the node cuts this agent off: it stops by itself.
      await api.node.rotateToken.mutate({ id: node.id });
      expect(await a.exited).toBe(1);
      expect(a.output()).toMatch(/refused this agent/);
    },
  );
});
