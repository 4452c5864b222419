// The worker is killed (SIGKILL) in the middle of provisioning, after capacity was reserved,
// and a new one takes over: the endpoint becomes ACTIVE with exactly one reservation per node.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionWorkflowId } from '../src/workflows/definitions';
import { ROOT, TestGrid, temporalAddress, until } from './support/grid-harness';

const grid = new TestGrid();
const workers: ChildProcess[] = [];
const HOLDING = ['RESERVED', 'LOADING', 'READY', 'DRAINING', 'UNLOADING'];

function startWorker(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'workflows/src/worker.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: grid.db.url,
      TEMPORAL_ADDRESS: temporalAddress(),
      TEMPORAL_TASK_QUEUE: grid.taskQueue,
      AIGRID_RECONCILE_PERIOD_MS: '1000',
      AIGRID_DRAIN_GRACE_MS: '1000',
      AIGRID_NODE_DOWN_AFTER_MS: '3500',
      AIGRID_NODE_START_TIMEOUT_MS: '4000',
      AIGRID_DISPATCH_PERIOD_MS: '500',
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  workers.push(child);
  return child;
}

beforeAll(async () => {
  await grid.start({ worker: false });
  await Promise.all(['fra3-gpu-1', 'par1-gpu-1'].map((n) => grid.startAgent(n)));
}, 120_000);
afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  await grid.stop();
}, 60_000);

describe('provisionEndpoint across a worker crash', () => {
  it('reserves once per node and ends ACTIVE', { timeout: 150_000 }, async () => {
    const first = startWorker();
    const endpoint = await grid.createEndpoint({ redundancy: true });
    // Killed once a reservation is made and loading started: reserve has completed.
    await until(
      'a replica loading',
      () => grid.replicas(endpoint.id),
      (rs) => rs.some((r) => r.state === 'LOADING'),
      60_000,
    );
    first.kill('SIGKILL');
    const atKill = await grid.db.prisma.endpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(atKill.status).toBe('PROVISIONING');

    startWorker();
    await until(
      'ACTIVE',
      () => grid.db.prisma.endpoint.findUniqueOrThrow({ where: { id: endpoint.id } }),
      (e) => e.status === 'ACTIVE',
      90_000,
    );
    const replicas = await grid.replicas(endpoint.id);
    const holding = replicas.filter((r) => HOLDING.includes(r.state));
    const nodes = new Set(holding.map((r) => r.nodeId));
    expect(holding.length).toBeGreaterThanOrEqual(2);
    // Exactly one reservation per chosen node, and no other reservation at all.
    expect(holding.length).toBe(nodes.size);
    expect(replicas).toHaveLength(holding.length);
    expect(holding.every((r) => r.state === 'READY')).toBe(true);
    await grid.recordHistory(provisionWorkflowId(endpoint.id), 'provision-worker-crash');
  });
});
