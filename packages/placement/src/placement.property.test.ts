// Property tests over generated grids: hard constraints always hold, the MILP never costs more
// than greedy, more capacity never makes a feasible request infeasible, and infeasible or
// malformed requests give reasons instead of exceptions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { placeEndpoint, placeEndpointGreedy } from './place-endpoint';
import { DEFAULT_PLACEMENT_TUNING, HOURS_PER_MONTH } from './placement-defaults';
import { sizeReplica } from './replica-profile';
import { LLAMA_70B, LLAMA_8B } from './testing-fixtures';
import type { EndpointSpec, Grid, GridNode, PlacementResult } from './types';

const PLACES = [
  { id: 'frankfurt', lat: 50.1109, lon: 8.6821 },
  { id: 'paris', lat: 48.8566, lon: 2.3522 },
  { id: 'warsaw', lat: 52.2297, lon: 21.0122 },
  { id: 'madrid', lat: 40.4168, lon: -3.7038 },
  { id: 'ashburn', lat: 39.0438, lon: -77.4874 },
];
const TAGS = ['EU', 'US', 'GDPR'];
const GPUS = ['H100', 'H100', 'A100', 'L40S', 'L40S', 'A10G', 'L4'];

const nodeArb = (id: string) =>
  fc
    .record({
      gpuTypeId: fc.constantFrom(...GPUS),
      gpuCount: fc.constantFrom(1, 2, 4, 8),
      unhealthy: fc.integer({ min: 0, max: 9 }),
      draining: fc.integer({ min: 0, max: 9 }),
      offeredPct: fc.integer({ min: 0, max: 100 }),
      reservedPct: fc.integer({ min: 0, max: 100 }),
      priceCents: fc.integer({ min: 30, max: 300 }),
    })
    .map(
      ({
        gpuTypeId,
        gpuCount,
        unhealthy,
        draining,
        offeredPct,
        reservedPct,
        priceCents,
      }): GridNode => {
        const offered = Math.max(
          offeredPct < 10 ? 0 : 1,
          Math.floor((gpuCount * offeredPct) / 100),
        );
        return {
          id,
          gpuTypeId,
          gpuCount,
          healthy: unhealthy > 0,
          draining: draining === 0,
          utilisation: 0,
          offeredGpus: offered,
          reservedGpus: Math.floor((offered * reservedPct ** 3) / 1e6),
          pricePerGpuHourMicros: priceCents * 10_000,
        };
      },
    );

const gridArb: fc.Arbitrary<Grid> = fc
  .array(
    fc.record({
      place: fc.constantFrom(...PLACES),
      dLat: fc.integer({ min: -100, max: 100 }).map((x) => x / 100),
      dLon: fc.integer({ min: -100, max: 100 }).map((x) => x / 100),
      tags: fc.oneof(
        { weight: 3, arbitrary: fc.constant(['EU', 'GDPR']) },
        { weight: 1, arbitrary: fc.subarray(TAGS) },
      ),
      operator: fc.integer({ min: 0, max: 2 }),
      nodes: fc.integer({ min: 1, max: 3 }),
    }),
    { minLength: 2, maxLength: 6 },
  )
  .chain((specs) =>
    fc.tuple(
      ...specs.map((s, i) =>
        fc
          .tuple(...Array.from({ length: s.nodes }, (_, k) => nodeArb(`s${i}-n${k}`)))
          .map((nodes) => ({
            id: `s${i}`,
            operatorId: `op${s.operator}`,
            name: `site ${i}`,
            lat: s.place.lat + s.dLat,
            lon: s.place.lon + s.dLon,
            jurisdictions: s.tags,
            nodes,
          })),
      ),
    ),
  )
  .map((sites) => ({ sites }));

const endpointArb: fc.Arbitrary<EndpointSpec> = fc
  .record({
    big: fc.integer({ min: 0, max: 4 }),
    slo: fc.integer({ min: 100, max: 900 }),
    jurisdictions: fc.oneof(
      { weight: 2, arbitrary: fc.constant([]) },
      { weight: 2, arbitrary: fc.constant(['EU']) },
      { weight: 1, arbitrary: fc.subarray(TAGS, { maxLength: 2 }) },
    ),
    metros: fc.subarray(PLACES, { minLength: 1, maxLength: 3 }),
    weights: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 3, maxLength: 3 }),
    rps: fc.integer({ min: 0, max: 250 }).map((x) => x / 10),
    redundancy: fc.boolean(),
    budgetDollars: fc.option(fc.integer({ min: 500, max: 30_000 }), { nil: undefined, freq: 2 }),
  })
  .map((e) => ({
    modelId: e.big === 0 ? 'llama-3.1-70b-instruct' : 'llama-3.1-8b-instruct',
    model: e.big === 0 ? LLAMA_70B : LLAMA_8B,
    sloTtftP95Ms: e.big === 0 ? e.slo * 3 : e.slo,
    jurisdictions: e.jurisdictions,
    demand: e.metros.map((m, k) => ({
      metroId: m.id,
      lat: m.lat,
      lon: m.lon,
      weight: e.weights[k] ?? 1,
    })),
    expectedRps: e.big === 0 ? e.rps / 5 : e.rps,
    redundancy: e.redundancy,
    budgetPerMonthMicros: e.budgetDollars === undefined ? undefined : e.budgetDollars * 1_000_000,
  }));

const RUNS = { numRuns: 50, seed: 20261123 };
const workload = { promptTokens: 512, outputTokens: 256 };

function assertHardConstraints(endpoint: EndpointSpec, grid: Grid, result: PlacementResult): void {
  const nodes = new Map(grid.sites.flatMap((s) => s.nodes.map((n) => [n.id, { n, s }] as const)));
  const used = new Map<string, number>();
  for (const r of result.replicas) {
    const hit = nodes.get(r.nodeId);
    expect(hit).toBeDefined();
    const { n, s } = hit!;
    expect(r.siteId).toBe(s.id);
    expect(n.healthy).toBe(true);
    expect(n.draining).toBe(false);
    const tags = new Set(s.jurisdictions.map((t) => t.toUpperCase()));
    expect(endpoint.jurisdictions.every((j) => tags.has(j.toUpperCase()))).toBe(true);
    expect(endpoint.model.supportedGpuTypes).toContain(n.gpuTypeId);
    const sized = sizeReplica(
      endpoint.model,
      n.gpuTypeId,
      n.gpuCount,
      workload,
      DEFAULT_PLACEMENT_TUNING,
    );
    expect(sized.ok).toBe(true);
    if (sized.ok) expect(r.gpuCount).toBe(sized.profile.tensorParallel);
    used.set(n.id, (used.get(n.id) ?? 0) + r.gpuCount);
  }
  for (const [id, gpus] of used) {
    const n = nodes.get(id)!.n;
    expect(gpus).toBeLessThanOrEqual(Math.min(n.gpuCount, n.offeredGpus) - n.reservedGpus);
  }
  const hourly = result.replicas.reduce(
    (a, r) => a + r.gpuCount * nodes.get(r.nodeId)!.n.pricePerGpuHourMicros,
    0,
  );
  expect(result.costPerHourMicros).toBe(hourly);
  if (endpoint.budgetPerMonthMicros !== undefined) {
    expect(hourly * HOURS_PER_MONTH).toBeLessThanOrEqual(endpoint.budgetPerMonthMicros);
  }
  if (result.feasible) {
    for (const m of result.perMetro) {
      expect(m.meetsSlo).toBe(true);
      expect(m.p95TtftMs!).toBeLessThanOrEqual(endpoint.sloTtftP95Ms + 0.01);
      if (endpoint.redundancy)
        expect(m.servedBy.length + m.backupSites.length).toBeGreaterThanOrEqual(2);
    }
  } else {
    expect(result.reasons.length).toBeGreaterThan(0);
  }
}

describe('placement properties', () => {
  it('never breaks a hard constraint, with either solver', async () => {
    await fc.assert(
      fc.asyncProperty(gridArb, endpointArb, async (grid, endpoint) => {
        const exact = await placeEndpoint({
          endpoint,
          grid,
          options: { solver: 'exact', explain: false },
        });
        assertHardConstraints(endpoint, grid, exact);
        const greedy = placeEndpointGreedy({ endpoint, grid, options: { explain: false } });
        assertHardConstraints(endpoint, grid, greedy);
      }),
      RUNS,
    );
  });

  it('never costs more with the MILP than with greedy', async () => {
    await fc.assert(
      fc.asyncProperty(gridArb, endpointArb, async (grid, endpoint) => {
        const exact = await placeEndpoint({
          endpoint,
          grid,
          options: { solver: 'exact', explain: false },
        });
        const greedy = placeEndpointGreedy({ endpoint, grid, options: { explain: false } });
        if (greedy.feasible) expect(exact.feasible).toBe(true);
        if (exact.feasible && greedy.feasible) {
          expect(exact.costPerHourMicros).toBeLessThanOrEqual(
            greedy.costPerHourMicros * (1 + 1e-4) + 1,
          );
        }
      }),
      RUNS,
    );
  });

  it('never turns feasible into infeasible when capacity grows', async () => {
    await fc.assert(
      fc.asyncProperty(
        gridArb,
        endpointArb,
        fc.integer({ min: 1, max: 8 }),
        fc.nat(),
        async (grid, endpoint, extra, pick) => {
          const before = await placeEndpoint({
            endpoint,
            grid,
            options: { solver: 'exact', explain: false },
          });
          fc.pre(before.feasible);
          const all = grid.sites.flatMap((s) => s.nodes.map((n) => n.id));
          const target = all[pick % all.length];
          const bigger: Grid = {
            sites: grid.sites.map((s) => ({
              ...s,
              nodes: s.nodes.map((n) =>
                n.id === target
                  ? { ...n, gpuCount: n.gpuCount + extra, offeredGpus: n.offeredGpus + extra }
                  : n,
              ),
            })),
          };
          const after = await placeEndpoint({
            endpoint,
            grid: bigger,
            options: { solver: 'exact', explain: false },
          });
          expect(after.feasible).toBe(true);
          expect(after.costPerHourMicros).toBeLessThanOrEqual(
            before.costPerHourMicros * (1 + 1e-4) + 1,
          );
        },
      ),
      { ...RUNS, numRuns: 40 },
    );
  });

  it('answers malformed and impossible requests with reasons, never exceptions', async () => {
    const weird = fc.record({
      slo: fc.constantFrom(0, -5, Number.NaN, 1, 10_000),
      rps: fc.constantFrom(-1, 0, Number.NaN, 1e6),
      lat: fc.constantFrom(0, Number.NaN, 89.9),
      empty: fc.boolean(),
      budget: fc.constantFrom(undefined, 0, -1, 1),
    });
    await fc.assert(
      fc.asyncProperty(gridArb, endpointArb, weird, async (grid, base, w) => {
        const endpoint: EndpointSpec = {
          ...base,
          sloTtftP95Ms: w.slo,
          expectedRps: w.rps,
          budgetPerMonthMicros: w.budget,
          demand: w.empty ? [] : base.demand.map((d) => ({ ...d, lat: w.lat })),
        };
        for (const result of [
          await placeEndpoint({ endpoint, grid }),
          placeEndpointGreedy({ endpoint, grid }),
        ]) {
          if (!result.feasible) expect(result.reasons.length).toBeGreaterThan(0);
        }
      }),
      { ...RUNS, numRuns: 30 },
    );
  });
});
