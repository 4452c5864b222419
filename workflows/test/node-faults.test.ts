// A node dies under traffic, then a node is drained under traffic: reconcile moves the replica
// within the jurisdiction, make-before-break, and the requests sent the way a gateway sends them
// are counted. Real agents, simulated engines, Temporal dev server, PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  drainWorkflowId,
  provisionWorkflowId,
  reconcileWorkflowId,
} from '../src/workflows/definitions';
import { TestGrid, until } from './support/grid-harness';
import { startTraffic } from './support/traffic';

const grid = new TestGrid();
const EU_NODES = ['fra3-gpu-1', 'fra3-gpu-2', 'par1-gpu-1'];

beforeAll(async () => {
  await grid.start();
  // The US node runs too: nothing of an EU endpoint may ever land there.
  await Promise.all([...EU_NODES, 'ash1-gpu-1'].map((n) => grid.startAgent(n)));
}, 120_000);
afterAll(() => grid.stop(), 60_000);

const serving = async (endpointId: string) =>
  (await grid.replicas(endpointId)).filter((r) => r.state === 'READY');

const endpointRow = (id: string) => grid.db.prisma.endpoint.findUniqueOrThrow({ where: { id } });

describe('reconcileEndpoint and drainNode', () => {
  it(
    'moves the replicas of a silent node, then drains a node, within the EU',
    { timeout: 180_000 },
    async () => {
      // Redundant: a replica in Frankfurt and one in Paris, as the scenario's voice startup has.
      const endpoint = await grid.createEndpoint({ redundancy: true, sloTtftP95Ms: 800 });
      await until(
        'ACTIVE',
        () => endpointRow(endpoint.id),
        (e) => e.status === 'ACTIVE',
        30_000,
      );
      await grid.client.workflow.getHandle(provisionWorkflowId(endpoint.id)).result();
      const before = await serving(endpoint.id);
      expect(before.length).toBeGreaterThanOrEqual(2);
      const victim = before.find((r) => r.node.name.startsWith('fra3'))!;
      expect(victim).toBeDefined();

      // 1. A Frankfurt node stops heartbeating (agent and engine killed) under traffic.
      const lossTraffic = await startTraffic(grid.db.prisma, endpoint.id);
      await new Promise((r) => setTimeout(r, 500));
      const killedAt = Date.now();
      grid.agents.get(victim.node.name)!.kill();
      const moved = await until(
        'a replacement serving',
        () => serving(endpoint.id),
        (rs) => rs.length >= before.length && rs.every((r) => r.nodeId !== victim.nodeId),
        60_000,
      );
      const recoveryMs = Date.now() - killedAt;
      await new Promise((r) => setTimeout(r, 500));
      const loss = await lossTraffic.stop();
      console.log(
        `node loss: replacement serving after ${recoveryMs} ms; requests ok ${loss.ok}, failed ${loss.failed}, failed over ${loss.failovers}`,
      );
      expect(moved.every((r) => r.node.site.jurisdictions.includes('EU'))).toBe(true);
      const old = await grid.db.prisma.replica.findUniqueOrThrow({ where: { id: victim.id } });
      expect(old.state).toBe('FAILED');
      expect((await grid.node(victim.node.name)).status).toBe('DOWN');
      await until(
        'ACTIVE after the move',
        () => endpointRow(endpoint.id),
        (e) => e.status === 'ACTIVE',
        20_000,
      );
      const log = await grid.db.prisma.endpointEvent.findMany({
        where: { endpointId: endpoint.id, kind: 'reconcile' },
        orderBy: { id: 'asc' },
      });
      expect(log.map((e) => e.message).join('\n')).toMatch(/stopped heartbeating/);
      expect(loss.failed).toBe(0);
      expect(loss.ok).toBeGreaterThan(0);

      // The node comes back (its agent again): capacity to drain onto.
      await grid.startAgent(victim.node.name);

      // 2. Drain the Frankfurt node now serving, with traffic flowing: zero failed requests.
      const target = moved.find((r) => r.node.name.startsWith('fra3'))!;
      expect(target).toBeDefined();
      const drainTraffic = await startTraffic(grid.db.prisma, endpoint.id);
      await new Promise((r) => setTimeout(r, 500));
      const drainStart = Date.now();
      await grid.db.prisma.node.update({
        where: { id: target.nodeId },
        data: { status: 'DRAINING', drainRequestedAt: new Date() },
      });
      await grid.control.nodeDrainRequested(target.nodeId);
      const drained = await grid.client.workflow.getHandle(drainWorkflowId(target.nodeId)).result();
      const drainMs = Date.now() - drainStart;
      await new Promise((r) => setTimeout(r, 500));
      const drain = await drainTraffic.stop();
      console.log(
        `drain: node drained after ${drainMs} ms; requests ok ${drain.ok}, failed ${drain.failed}, failed over ${drain.failovers}`,
      );
      expect(drained).toEqual({ outcome: 'drained' });
      expect((await grid.node(target.node.name)).status).toBe('DRAINED');
      expect(drain.failed).toBe(0);
      expect(drain.ok).toBeGreaterThan(0);
      const after = await serving(endpoint.id);
      expect(after.length).toBeGreaterThanOrEqual(before.length);
      expect(after.every((r) => r.nodeId !== target.nodeId)).toBe(true);
      const all = await grid.replicas(endpoint.id);
      expect(all.every((r) => r.node.site.jurisdictions.includes('EU'))).toBe(true);
      expect(all.find((r) => r.id === target.id)?.state).toBe('RELEASED');
      await grid.recordHistory(drainWorkflowId(target.nodeId), 'drain-node');

      // Pause ends the reconcile: its whole history (loss, drain, pause) becomes a fixture.
      await grid.db.prisma.endpoint.update({
        where: { id: endpoint.id },
        data: { status: 'PAUSED' },
      });
      await grid.control.endpointPaused(endpoint.id);
      await grid.client.workflow.getHandle(reconcileWorkflowId(endpoint.id)).result();
      await grid.recordHistory(reconcileWorkflowId(endpoint.id), 'reconcile-node-loss-drain');
    },
  );
});
