// Retiring a replica lets the requests it runs finish, then unloads it as soon as its engine is
// idle: a pause (or a move, a decommission, a node drain) does not wait out the whole drain grace.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ProvisionResult } from '../src/workflows/provision-endpoint';
import { provisionWorkflowId, reconcileWorkflowId } from '../src/workflows/definitions';
import { TEST_SETTINGS, TestGrid } from './support/grid-harness';

const GRACE_MS = 60_000;
const grid = new TestGrid({ ...TEST_SETTINGS, drainGraceMs: GRACE_MS });

beforeAll(async () => {
  await grid.start();
  await grid.startAgent('fra3-gpu-1');
}, 120_000);
afterAll(() => grid.stop(), 60_000);

it(
  'pauses an endpoint once the request in flight has finished, long before the grace is out',
  { timeout: GRACE_MS - 10_000 },
  async () => {
    const endpoint = await grid.createEndpoint({});
    const provisioned: ProvisionResult = await grid.client.workflow
      .getHandle(provisionWorkflowId(endpoint.id))
      .result();
    expect(provisioned.outcome).toBe('active');
    const [replica] = provisioned.replicas;

    // 4,000 decode steps of the simulated L40S (run 20× faster here): several seconds, longer
    // than routes take to settle.
    const inFlight = fetch(`${replica!.url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'llama-3.1-8b-instruct',
        prompt: 'Tell me a long story.',
        max_tokens: 4_000,
        ignore_eos: true,
      }),
    }).then(async (res) => ({
      status: res.status,
      tokens: ((await res.json()) as { usage: { completion_tokens: number } }).usage
        .completion_tokens,
      finishedAt: Date.now(),
    }));
    await new Promise((r) => setTimeout(r, 300));

    const pausedAt = Date.now();
    await grid.db.prisma.endpoint.update({
      where: { id: endpoint.id },
      data: { status: 'PAUSED' },
    });
    await grid.control.endpointPaused(endpoint.id);
    const paused = await grid.client.workflow.getHandle(reconcileWorkflowId(endpoint.id)).result();
    const releasedAt = Date.now();
    expect(paused).toEqual({ stopped: 'paused' });

    // The request was not cut: it finished whole before the replica was unloaded...
    const done = await inFlight;
    expect(done).toMatchObject({ status: 200, tokens: 4_000 });
    expect(done.finishedAt).toBeLessThanOrEqual(releasedAt);
    const row = await grid.db.prisma.replica.findUniqueOrThrow({
      where: { id: replica!.replicaId },
    });
    expect(row.state).toBe('RELEASED');
    // ...and the replica was released when it went idle, not after the whole grace.
    expect(releasedAt - pausedAt).toBeLessThan(GRACE_MS / 2);
    await grid.recordHistory(reconcileWorkflowId(endpoint.id), 'reconcile-paused-until-idle');
    console.log(
      `pause → released: ${releasedAt - pausedAt} ms (request finished after ${done.finishedAt - pausedAt} ms; grace ${GRACE_MS} ms)`,
    );
  },
);
