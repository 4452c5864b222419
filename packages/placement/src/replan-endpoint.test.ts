import { describe, expect, it } from 'vitest';
import { replanEndpoint } from './replan-endpoint';
import { endpoint, METRO, node, site } from './testing-fixtures';
import type { Grid, GridNode } from './types';

/** Paris runs the endpoint's one replica (so 1 of its GPUs is reserved); Frankfurt is free. */
function grid(paris: Partial<GridNode> = {}): Grid {
  return {
    sites: [
      site(
        'fra-1',
        METRO.frankfurt,
        ['EU'],
        [node('fra-1-a', { pricePerGpuHourMicros: 1_200_000 })],
      ),
      site(
        'par-1',
        METRO.paris,
        ['EU'],
        [
          node('par-1-a', {
            pricePerGpuHourMicros: 1_100_000,
            reservedGpus: 1,
            utilisation: 0.4,
            ...paris,
          }),
        ],
      ),
    ],
  };
}

const current = [{ nodeId: 'par-1-a' }];

describe('replanEndpoint', () => {
  it('moves nothing while the running replicas meet the SLO', async () => {
    const plan = await replanEndpoint({ endpoint: endpoint(), grid: grid(), current });
    expect(plan.sloMetNow).toBe(true);
    expect(plan.moves).toEqual([]);
    expect(plan.after.replicas.map((r) => r.nodeId)).toEqual(['par-1-a']);
    expect(plan.before.every((m) => m.meetsSlo)).toBe(true);
  });

  it('replaces a replica on a node that failed: add first, then remove', async () => {
    const plan = await replanEndpoint({
      endpoint: endpoint(),
      grid: grid({ healthy: false }),
      current,
    });
    expect(plan.sloMetNow).toBe(false);
    expect(plan.moves).toEqual([
      { kind: 'add', nodeId: 'fra-1-a', siteId: 'fra-1', gpuCount: 1, count: 1 },
      { kind: 'remove', nodeId: 'par-1-a', siteId: 'par-1', count: 1, reason: 'unhealthy' },
    ]);
    expect(plan.after.feasible).toBe(true);
  });

  it('moves off a draining node, make before break', async () => {
    const plan = await replanEndpoint({
      endpoint: endpoint(),
      grid: grid({ draining: true }),
      current,
    });
    expect(plan.moves.map((m) => m.kind)).toEqual(['add', 'remove']);
    expect(plan.moves[1]).toMatchObject({ nodeId: 'par-1-a', reason: 'draining' });
    expect(plan.after.replicas.every((r) => r.nodeId !== 'par-1-a')).toBe(true);
  });

  it('scales out when the replicas report more load than planned, keeping what runs', async () => {
    const plan = await replanEndpoint({
      endpoint: endpoint(),
      grid: grid({ utilisation: 0.98, queueDepth: 12 }),
      current,
    });
    expect(plan.demandRps).toBeGreaterThan(4);
    expect(plan.sloMetNow).toBe(false);
    expect(plan.moves.every((m) => m.kind === 'add')).toBe(true);
    expect(plan.moves.reduce((a, m) => a + m.count, 0)).toBe(1);
    expect(plan.after.replicas.filter((r) => r.nodeId === 'par-1-a').length).toBeGreaterThanOrEqual(
      1,
    );
    expect(plan.after.feasible).toBe(true);
  });

  it('forgets replicas on nodes that left the grid', async () => {
    const plan = await replanEndpoint({
      endpoint: endpoint(),
      grid: grid(),
      current: [...current, { nodeId: 'gone', count: 2 }],
    });
    expect(plan.moves).toContainEqual({
      kind: 'remove',
      nodeId: 'gone',
      siteId: null,
      count: 2,
      reason: 'node-missing',
    });
    expect(plan.moves.filter((m) => m.kind === 'add')).toEqual([]);
  });
});
