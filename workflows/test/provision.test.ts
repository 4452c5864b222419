// Provisioning, pause, resume and decommission against real agents with the simulated engine,
// the Temporal dev server and PostgreSQL; and the failures: a node whose engine cannot load, and
// a request no placement can satisfy.
import type { EndpointStatus } from '@aigrid/db';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../src/activities/create-activities';
import { workflowsPath } from '../src/worker';
import {
  decommissionWorkflowId,
  progressQuery,
  provisionWorkflowId,
  reconcileWorkflowId,
} from '../src/workflows/definitions';
import type { ProvisionResult } from '../src/workflows/provision-endpoint';
import { TestGrid, until } from './support/grid-harness';

const grid = new TestGrid();
const HOLDING = ['RESERVED', 'LOADING', 'READY', 'DRAINING', 'UNLOADING'];

beforeAll(async () => {
  await grid.start();
  await Promise.all(['fra3-gpu-1', 'fra3-gpu-2', 'par1-gpu-1'].map((n) => grid.startAgent(n)));
}, 120_000);
afterAll(() => grid.stop(), 60_000);

const status = (id: string) => grid.db.prisma.endpoint.findUniqueOrThrow({ where: { id } });
const setStatus = (id: string, to: EndpointStatus) =>
  grid.db.prisma.endpoint.update({ where: { id }, data: { status: to } });

const provisionResult = (id: string): Promise<ProvisionResult> =>
  grid.client.workflow.getHandle(provisionWorkflowId(id)).result();

/** A new endpoint provisioned on one replica, with its replica rows. */
async function activeEndpoint() {
  const endpoint = await grid.createEndpoint({});
  expect((await provisionResult(endpoint.id)).outcome).toBe('active');
  const before = await grid.replicas(endpoint.id);
  expect(before.map((r) => r.state)).toEqual(['READY']);
  return { endpoint, before };
}

const reconcileRunning = (id: string) =>
  until(
    'reconcile running',
    () => grid.client.workflow.getHandle(reconcileWorkflowId(id)).describe(),
    (d) => d.status.name === 'RUNNING',
    15_000,
  );

/** Decommissions an endpoint, so that the next test finds the grid's capacity free. */
async function retire(id: string) {
  await setStatus(id, 'DECOMMISSIONING');
  await grid.control.endpointDeleted(id);
  await grid.client.workflow.getHandle(decommissionWorkflowId(id)).result();
}

describe('provisionEndpoint', () => {
  it(
    'places, reserves, loads and routes an endpoint, then pauses, resumes and decommissions it',
    { timeout: 120_000 },
    async () => {
      const created = Date.now();
      const endpoint = await grid.createEndpoint({ redundancy: false });
      await until(
        'ACTIVE',
        () => status(endpoint.id),
        (e) => e.status === 'ACTIVE',
        30_000,
      );
      const createToActiveMs = Date.now() - created;
      console.log(`create → ACTIVE: ${createToActiveMs} ms`);

      const replicas = await grid.replicas(endpoint.id);
      const ready = replicas.filter((r) => r.state === 'READY');
      expect(ready.length).toBeGreaterThanOrEqual(1);
      expect(replicas.every((r) => r.state === 'READY')).toBe(true);
      for (const r of ready) {
        expect(r.node.site.jurisdictions).toContain('EU');
        expect(r.idempotencyKey).toMatch(
          new RegExp(`^${endpoint.id}:${r.nodeId}:[0-9a-f-]+/1\\.1$`),
        );
        const res = await fetch(`${r.url}/v1/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'llama-3.1-8b-instruct', prompt: 'Hi', max_tokens: 4 }),
        });
        expect(res.status).toBe(200);
      }
      const first = await grid.db.prisma.replica.findFirstOrThrow({
        where: { endpointId: endpoint.id },
      });
      const done = await grid.client.workflow.getHandle(provisionWorkflowId(endpoint.id)).result();
      expect(done.outcome).toBe('active');
      const progress = await grid.client.workflow
        .getHandle(provisionWorkflowId(endpoint.id))
        .query(progressQuery);
      expect(progress.phase).toBe('active');
      const steps = await grid.db.prisma.endpointEvent.findMany({
        where: { endpointId: endpoint.id, kind: 'step' },
        orderBy: { id: 'asc' },
      });
      expect(steps.map((s) => s.message)).toEqual([
        'Placing the endpoint on the live grid.',
        expect.stringMatching(/^Placement chose .*predicted p95 frankfurt \d+ ms/),
        expect.stringMatching(/^Reserved 1 GPU on .*; loading llama-3.1-8b-instruct\.$/),
        expect.stringMatching(/^Loaded on .*; publishing routes\.$/),
        expect.stringMatching(/^Active: 1 replica serving from /),
      ]);
      expect(first.workflowId).toBe(provisionWorkflowId(endpoint.id));
      await grid.recordHistory(provisionWorkflowId(endpoint.id), 'provision-active');

      // Pause: the API marks it PAUSED and signals; its reconcile releases the replicas.
      await grid.db.prisma.endpoint.update({
        where: { id: endpoint.id },
        data: { status: 'PAUSED' },
      });
      await grid.control.endpointPaused(endpoint.id);
      const paused = await grid.client.workflow
        .getHandle(reconcileWorkflowId(endpoint.id))
        .result();
      expect(paused).toEqual({ stopped: 'paused' });
      const afterPause = await grid.replicas(endpoint.id);
      expect(afterPause.filter((r) => HOLDING.includes(r.state))).toEqual([]);
      await expect(fetch(`${ready[0]!.url}/health`)).rejects.toThrow();
      await grid.recordHistory(reconcileWorkflowId(endpoint.id), 'reconcile-paused');

      // Resume: back to PROVISIONING, placed and loaded again.
      await grid.db.prisma.endpoint.update({
        where: { id: endpoint.id },
        data: { status: 'PROVISIONING' },
      });
      await grid.control.endpointResumed(endpoint.id);
      await until(
        'ACTIVE again',
        () => status(endpoint.id),
        (e) => e.status === 'ACTIVE',
        30_000,
      );
      const resumed = await grid.replicas(endpoint.id);
      expect(resumed.filter((r) => r.state === 'READY')).toHaveLength(ready.length);
      expect(resumed.filter((r) => HOLDING.includes(r.state))).toHaveLength(ready.length);

      // Decommission: unrouted, unloaded, released, closed.
      await grid.db.prisma.endpoint.update({
        where: { id: endpoint.id },
        data: { status: 'DECOMMISSIONING' },
      });
      await grid.control.endpointDeleted(endpoint.id);
      const retired = await grid.client.workflow
        .getHandle(decommissionWorkflowId(endpoint.id))
        .result();
      expect(retired).toEqual({ outcome: 'decommissioned', released: ready.length });
      expect((await status(endpoint.id)).status).toBe('DECOMMISSIONED');
      const left = await grid.replicas(endpoint.id);
      expect(left.filter((r) => HOLDING.includes(r.state))).toEqual([]);
      const closing = await grid.db.prisma.endpointEvent.findFirstOrThrow({
        where: { endpointId: endpoint.id },
        orderBy: { id: 'desc' },
      });
      expect(closing.kind).toBe('decommissioned');
      await grid.recordHistory(decommissionWorkflowId(endpoint.id), 'decommission');
    },
  );

  it(
    'resumed while its pause still drains, places again only once the pause has released the replicas',
    { timeout: 120_000 },
    async () => {
      const { endpoint, before } = await activeEndpoint();

      // The API's order: status, then the signal. Resume as soon as the pause drains.
      await setStatus(endpoint.id, 'PAUSED');
      await grid.control.endpointPaused(endpoint.id);
      await until(
        'draining',
        () => grid.replicas(endpoint.id),
        (rs) => rs.some((r) => r.state === 'DRAINING'),
        10_000,
      );
      await setStatus(endpoint.id, 'PROVISIONING');
      await grid.control.endpointResumed(endpoint.id);

      const result = await provisionResult(endpoint.id);
      expect(result.outcome).toBe('active');
      expect((await status(endpoint.id)).status).toBe('ACTIVE');
      const after = await grid.replicas(endpoint.id);
      expect(after.filter((r) => r.id === before[0]!.id).map((r) => r.state)).toEqual(['RELEASED']);
      expect(after.filter((r) => r.state === 'READY')).toHaveLength(1);
      expect(result.replicas.map((r) => r.replicaId)).not.toContain(before[0]!.id);

      // Placement ran after the pause had released the GPUs, not beside the draining replica.
      const events = await grid.db.prisma.endpointEvent.findMany({
        where: { endpointId: endpoint.id },
        orderBy: { id: 'asc' },
      });
      const messages = events.map((e) => e.message);
      const waiting = messages.indexOf(
        'Waiting for the pause to release 1 replica before placing again.',
      );
      const released = messages.findIndex((m) => m.startsWith('Paused: unrouted'));
      const placed = messages.findLastIndex((m) => m.startsWith('Placement chose'));
      expect(waiting).toBeGreaterThan(-1);
      expect(released).toBeGreaterThan(waiting);
      expect(placed).toBeGreaterThan(released);
      // Its reconcile runs again (the paused one ended).
      await reconcileRunning(endpoint.id);
      await grid.recordHistory(provisionWorkflowId(endpoint.id), 'provision-resume-after-release');
      await retire(endpoint.id);
    },
  );

  it(
    'resumed before its reconcile saw the pause, keeps the replicas that still serve',
    { timeout: 120_000 },
    async () => {
      const { endpoint, before } = await activeEndpoint();

      // Pause and resume both land before the reconcile reads the endpoint: it finds it
      // provisioning and ends without releasing anything.
      await setStatus(endpoint.id, 'PROVISIONING');
      await grid.control.endpointPaused(endpoint.id);
      await grid.control.endpointResumed(endpoint.id);

      const result = await provisionResult(endpoint.id);
      expect(result.outcome).toBe('active');
      expect(result.replicas.map((r) => r.replicaId)).toEqual([before[0]!.id]);
      expect((await status(endpoint.id)).status).toBe('ACTIVE');
      const after = await grid.replicas(endpoint.id);
      expect(after.map((r) => [r.id, r.state])).toEqual([[before[0]!.id, 'READY']]);
      const last = await grid.db.prisma.endpointEvent.findFirstOrThrow({
        where: { endpointId: endpoint.id, kind: 'step' },
        orderBy: { id: 'desc' },
      });
      expect(last.message).toMatch(
        /^Active: kept 1 replica serving from .+ that the pause had not released/,
      );
      await reconcileRunning(endpoint.id);
      await grid.recordHistory(provisionWorkflowId(endpoint.id), 'provision-resume-kept');
      await retire(endpoint.id);
    },
  );

  it('fails with placement’s reasons when nothing can serve the request, reserving nothing', async () => {
    const endpoint = await grid.createEndpoint({
      sloTtftP95Ms: 800,
      // No site is both: infeasible however many nodes come up (no wait for capacity).
      jurisdictions: ['EU', 'HIPAA'],
      demand: [{ metroId: 'frankfurt', weightBp: 10_000 }],
    });
    const result = await grid.client.workflow.getHandle(provisionWorkflowId(endpoint.id)).result();
    expect(result.outcome).toBe('failed');
    const row = await status(endpoint.id);
    expect(row.status).toBe('FAILED');
    expect(row.failureReason).toBeTruthy();
    expect(row.failureReason).toBe(result.failureReason);
    const placement = await createActivities({ prisma: grid.db.prisma }).planPlacement({
      endpointId: endpoint.id,
      excludeNodeIds: [],
    });
    expect(placement.feasible).toBe(false);
    expect(placement.reasons.length).toBeGreaterThan(0);
    for (const reason of placement.reasons) {
      // One sentence each, so that they read as a paragraph one after the other.
      expect(reason).toMatch(/^[A-Z].*\.$/);
      expect(row.failureReason).toContain(reason);
    }
    expect(await grid.replicas(endpoint.id)).toEqual([]);
    await grid.recordHistory(provisionWorkflowId(endpoint.id), 'provision-infeasible');
  });

  it(
    'releases the reservation of a node whose engine cannot load and uses another node',
    { timeout: 120_000 },
    async () => {
      // Frankfurt (the cheapest site within the SLO) has one node left, and its engine fails;
      // Paris is the feasible fallback.
      const preferred = 'fra3-gpu-1';
      grid.agents.get('fra3-gpu-2')!.kill();
      await until(
        'fra3-gpu-2 DOWN',
        () => grid.node('fra3-gpu-2'),
        (n) => n.status === 'DOWN',
        15_000,
      );
      grid.agents.get(preferred)!.kill();
      await grid.startAgent(preferred, { AIGRID_ENGINE_COMMAND: 'false' });

      const endpoint = await grid.createEndpoint({});
      await until(
        'ACTIVE or FAILED',
        () => status(endpoint.id),
        (e) => e.status === 'ACTIVE' || e.status === 'FAILED',
        60_000,
      );
      expect((await status(endpoint.id)).status).toBe('ACTIVE');
      const replicas = await grid.replicas(endpoint.id);
      const onBad = replicas.filter((r) => r.node.name === preferred);
      expect(onBad.length).toBe(1);
      expect(onBad[0]!.state).toBe('RELEASED');
      const serving = replicas.filter((r) => r.state === 'READY');
      expect(serving.length).toBeGreaterThanOrEqual(1);
      expect(serving.map((r) => r.node.name)).toEqual(['par1-gpu-1']);
      expect(serving.every((r) => r.idempotencyKey.endsWith('/2.1'))).toBe(true);
      const steps = await grid.db.prisma.endpointEvent.findMany({
        where: { endpointId: endpoint.id, kind: 'step' },
        orderBy: { id: 'asc' },
      });
      expect(steps.map((s) => s.message).join('\n')).toMatch(
        new RegExp(`Released 1 reservation \\(${preferred} failed\\)`),
      );
      await grid.recordHistory(provisionWorkflowId(endpoint.id), 'provision-load-failed');
    },
  );

  it(
    'waits for a node that is still starting when only it can serve, then provisions on it',
    { timeout: 90_000 },
    async () => {
      // Ashburn's agent is not running: its node has never heartbeated.
      const endpoint = await grid.createEndpoint({
        jurisdictions: ['US'],
        demand: [{ metroId: 'ashburn', weightBp: 10_000 }],
      });
      await until(
        'waiting step',
        () =>
          grid.db.prisma.endpointEvent.findMany({
            where: { endpointId: endpoint.id, kind: 'step' },
          }),
        (steps) => steps.some((s) => s.message.startsWith('Waiting for nodes')),
        20_000,
      );
      expect((await status(endpoint.id)).status).toBe('PROVISIONING');
      expect(await grid.replicas(endpoint.id)).toEqual([]);

      await grid.startAgent('ash1-gpu-1');
      await until(
        'ACTIVE or FAILED',
        () => status(endpoint.id),
        (e) => e.status === 'ACTIVE' || e.status === 'FAILED',
        60_000,
      );
      expect((await status(endpoint.id)).status).toBe('ACTIVE');
      const serving = (await grid.replicas(endpoint.id)).filter((r) => r.state === 'READY');
      expect(serving.map((r) => r.node.name)).toEqual(['ash1-gpu-1']);
    },
  );

  it('replays the histories it just recorded', async () => {
    const ids = await grid.db.prisma.endpoint.findMany({ select: { id: true } });
    for (const { id } of ids) {
      for (const wf of [provisionWorkflowId(id), decommissionWorkflowId(id)]) {
        const handle = grid.client.workflow.getHandle(wf);
        const described = await handle.describe().catch(() => null);
        if (!described || described.status.name === 'RUNNING') continue;
        await Worker.runReplayHistory({ workflowsPath }, await handle.fetchHistory(), wf);
      }
    }
  });
});
