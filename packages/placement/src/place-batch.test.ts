import { describe, expect, it } from 'vitest';
import { placeBatch } from './place-batch';
import { demand, endpoint, METRO, node, site } from './testing-fixtures';
import type { Grid } from './types';

/** One free L40S in Frankfurt (cheaper) and one in Paris. */
const scarce = (): Grid => ({
  sites: [
    site(
      'fra-1',
      METRO.frankfurt,
      ['EU'],
      [node('fra-1-a', { offeredGpus: 1, pricePerGpuHourMicros: 1_000_000 })],
    ),
    site(
      'par-1',
      METRO.paris,
      ['EU'],
      [node('par-1-a', { offeredGpus: 1, pricePerGpuHourMicros: 1_100_000 })],
    ),
  ],
});

// Frankfurt only, an SLO only Frankfurt's own site meets.
const tight = endpoint({
  id: 'tight',
  demand: demand(METRO.frankfurt),
  expectedRps: 0.2,
  sloTtftP95Ms: 0,
});
const flexible = endpoint({
  id: 'flexible',
  demand: demand(METRO.frankfurt),
  expectedRps: 0.2,
  sloTtftP95Ms: 400,
});

describe('placeBatch', () => {
  it('consumes capacity endpoint by endpoint and never over-reserves', async () => {
    const endpoints = [
      endpoint({ id: 'a', expectedRps: 2 }),
      endpoint({ id: 'b', expectedRps: 2 }),
      endpoint({ id: 'c', expectedRps: 2 }),
    ];
    const batch = await placeBatch({ endpoints, grid: scarce(), options: { order: 'given' } });
    expect(batch.results.map((r) => r.endpointId)).toEqual(['a', 'b', 'c']);
    expect(batch.placed).toBe(2);
    expect(batch.rejected).toBe(1);
    expect(batch.gpusReserved).toBe(2);
    for (const s of batch.grid.sites)
      for (const n of s.nodes) expect(n.reservedGpus).toBeLessThanOrEqual(n.offeredGpus);
    const rejected = batch.results.find((r) => !r.result.feasible);
    expect(rejected?.reserved).toBe(false);
    expect(rejected?.result.excluded.flatMap((e) => e.codes)).toContain('no-free-capacity');
  });

  it('places the tightest endpoints first so the flexible ones take what is left', async () => {
    // Idle p95 from Frankfurt's own site vs from Paris, ~9 ms of RTT apart.
    const probe = await placeBatch({ endpoints: [flexible], grid: scarce() });
    const fraP95 = probe.results[0]!.result.perMetro[0]!.p95TtftMs!;
    const t = { ...tight, sloTtftP95Ms: Math.ceil(fraP95) + 3 };
    const given = await placeBatch({
      endpoints: [flexible, t],
      grid: scarce(),
      options: { order: 'given' },
    });
    expect(given.placed).toBe(1);
    const tightFirst = await placeBatch({ endpoints: [flexible, t], grid: scarce() });
    expect(tightFirst.placed).toBe(2);
    expect(tightFirst.results.map((r) => r.order)).toEqual([1, 0]);
    expect(tightFirst.results[1]!.result.replicas[0]!.siteId).toBe('fra-1');
    expect(tightFirst.results[0]!.result.replicas[0]!.siteId).toBe('par-1');
  });

  it('runs the greedy solver when asked', async () => {
    const batch = await placeBatch({
      endpoints: [flexible],
      grid: scarce(),
      options: { solver: 'greedy' },
    });
    expect(batch.results[0]!.result.solver).toBe('greedy');
    expect(batch.placed).toBe(1);
  });
});
