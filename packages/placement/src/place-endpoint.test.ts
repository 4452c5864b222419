import { describe, expect, it } from 'vitest';
import { evaluatePlacement } from './evaluate-placement';
import { placeEndpoint, placeEndpointGreedy } from './place-endpoint';
import { DEFAULT_PLACEMENT_TUNING } from './placement-defaults';
import { sizeReplica } from './replica-profile';
import {
  demand,
  endpoint,
  euUsGrid,
  LLAMA_70B,
  LLAMA_8B,
  METRO,
  node,
  site,
} from './testing-fixtures';
import type { Grid, PlacementRequest, PlacementResult } from './types';

const solvers = ['exact', 'greedy'] as const;
const place = (request: PlacementRequest, solver: 'exact' | 'greedy'): Promise<PlacementResult> =>
  solver === 'exact'
    ? placeEndpoint({ ...request, options: { ...request.options, solver: 'exact' } })
    : Promise.resolve(placeEndpointGreedy(request));

describe.each(solvers)('placeEndpoint (%s)', (solver) => {
  it('keeps EU demand in the EU: Ashburn, cheapest but US-only, is never chosen', async () => {
    const result = await place({ endpoint: endpoint(), grid: euUsGrid() }, solver);
    expect(result.feasible).toBe(true);
    expect(result.solver).toBe(solver);
    expect(result.replicas.every((r) => r.siteId !== 'ash-1')).toBe(true);
    // One L40S replica (~6.6 req/s planned) carries 4 req/s; Paris is the cheaper EU site.
    expect(result.replicas).toEqual([
      {
        nodeId: 'par-1-a',
        siteId: 'par-1',
        operatorId: 'op-par-1',
        gpuTypeId: 'L40S',
        gpuCount: 1,
      },
    ]);
    expect(result.costPerHourMicros).toBe(1_100_000);
    expect(result.costPerMonthMicros).toBe(1_100_000 * 730);
    // 4 req/s × 768 tokens × 3,600 s = 11.06 M tokens an hour: $1.10 / 11.06 ≈ $0.0995 per M.
    expect(result.costPerMTokensMicros).toBe(Math.round(1_100_000 / ((4 * 3600 * 768) / 1e6)));
    for (const metro of result.perMetro) {
      expect(metro.servedBy).toEqual(['par-1']);
      expect(metro.meetsSlo).toBe(true);
      expect(metro.p95TtftMs).toBeLessThanOrEqual(300);
      expect(metro.p50TtftMs).toBeLessThan(metro.p95TtftMs!);
    }
    // Paris is ~9 ms closer to Paris than to Frankfurt's users: its p95 is lower.
    const [fra, par] = result.perMetro;
    expect(par!.p95TtftMs).toBeLessThan(fra!.p95TtftMs!);
    expect(fra!.p95TtftMs! - par!.p95TtftMs!).toBeCloseTo(9.2 - 2, 0);
    expect(result.excluded).toEqual([
      { siteId: 'ash-1', codes: ['jurisdiction'], reasons: ['lacks jurisdiction EU (has US)'] },
    ]);
    expect(result.reasons).toEqual([]);
  });

  it('refuses a Warsaw p95 of 50 ms with the nearest feasible p95 and an SLO that would do', async () => {
    const result = await place(
      { endpoint: endpoint({ sloTtftP95Ms: 50, demand: demand(METRO.warsaw) }), grid: euUsGrid() },
      solver,
    );
    expect(result.feasible).toBe(false);
    expect(result.replicas).toEqual([]);
    const reason = result.reasons.find((r) => r.metroId === 'warsaw');
    expect(reason?.code).toBe('slo-unreachable');
    // Frankfurt is ~892 km from Warsaw: 15 ms of network plus an idle L40S.
    expect(reason?.message).toMatch(/no site in EU within 50 ms p95 of Warsaw/);
    const nearest = Number(/fra-1 \(L40S\) gives (\d+) ms p95/.exec(reason?.message ?? '')?.[1]);
    expect(nearest).toBeGreaterThan(50);
    const relax = result.alternatives.find((a) => a.kind === 'relax-slo' && a.metroId === 'warsaw');
    expect(relax?.kind === 'relax-slo' && relax.sloTtftP95Ms).toBeGreaterThanOrEqual(nearest);
    expect(relax?.kind === 'relax-slo' && relax.sloTtftP95Ms).toBeLessThan(nearest + 15);
    // Both EU sites are excluded as too far; the request becomes feasible at the relaxed SLO.
    expect(result.excluded.find((e) => e.siteId === 'fra-1')?.codes).toEqual(['too-far']);
    const overall = result.alternatives.find((a) => a.kind === 'relax-slo' && !a.metroId);
    expect(overall).toBeDefined();
    if (overall?.kind === 'relax-slo') {
      const retry = await place(
        {
          endpoint: endpoint({ sloTtftP95Ms: overall.sloTtftP95Ms, demand: demand(METRO.warsaw) }),
          grid: euUsGrid(),
        },
        solver,
      );
      expect(retry.feasible).toBe(true);
    }
  });

  it('puts a second site in play for redundancy', async () => {
    const result = await place(
      { endpoint: endpoint({ redundancy: true }), grid: euUsGrid() },
      solver,
    );
    expect(result.feasible).toBe(true);
    expect(new Set(result.replicas.map((r) => r.siteId))).toEqual(new Set(['fra-1', 'par-1']));
    for (const metro of result.perMetro) {
      expect(metro.servedBy.length + metro.backupSites.length).toBeGreaterThanOrEqual(2);
    }
    // Each metro is served by its own city's replica, the other one backs it up.
    expect(result.perMetro.map((m) => m.servedBy)).toEqual([['fra-1'], ['par-1']]);
  });

  it('buys enough replicas for the expected rate', async () => {
    const result = await place(
      { endpoint: endpoint({ expectedRps: 20 }), grid: euUsGrid() },
      solver,
    );
    expect(result.feasible).toBe(true);
    const sized = sizeReplica(
      LLAMA_8B,
      'L40S',
      8,
      { promptTokens: 512, outputTokens: 256 },
      DEFAULT_PLACEMENT_TUNING,
    );
    const perReplica = sized.ok ? sized.profile.maxRps : 0;
    expect(result.replicas.length).toBeGreaterThanOrEqual(Math.ceil(20 / perReplica));
    expect(result.replicas.length).toBeGreaterThan(1);
    expect(result.perMetro.every((m) => m.meetsSlo)).toBe(true);
  });

  it('says when the second site redundancy needs was left out for the budget', async () => {
    // Paris ($1.10/h) fits the budget, Frankfurt ($1.20/h) does not: a second site is missing
    // because of the budget, not because only one site is close enough.
    const result = await place(
      {
        endpoint: endpoint({ redundancy: true, budgetPerMonthMicros: 1_150_000 * 730 }),
        grid: euUsGrid(),
      },
      solver,
    );
    expect(result.feasible).toBe(false);
    expect(result.excluded.find((e) => e.siteId === 'fra-1')?.codes).toEqual(['over-budget']);
    const redundancy = result.reasons.filter((r) => r.code === 'no-redundancy');
    expect(redundancy.length).toBeGreaterThan(0);
    for (const r of redundancy) {
      expect(r.message).toMatch(
        /^only par-1 meets 300 ms p95 for \w+ within the budget; redundancy needs a second site.*\(1 other site in EU left out as over the budget\)$/,
      );
    }
  });

  it('explains a budget that is too small and what would do', async () => {
    const tiny = await place(
      { endpoint: endpoint({ budgetPerMonthMicros: 100_000_000 }), grid: euUsGrid() },
      solver,
    );
    expect(tiny.feasible).toBe(false);
    expect(tiny.excluded.find((e) => e.siteId === 'par-1')?.codes).toEqual(['over-budget']);
    expect(tiny.reasons.map((r) => r.code)).toContain('over-budget');
    const raise = tiny.alternatives.find((a) => a.kind === 'raise-budget');
    expect(raise?.kind === 'raise-budget' && raise.budgetPerMonthMicros).toBe(1_100_000 * 730);

    // Room for two replicas but 20 req/s needs four.
    const short = await place(
      {
        endpoint: endpoint({ expectedRps: 20, budgetPerMonthMicros: 2 * 1_200_000 * 730 }),
        grid: euUsGrid(),
      },
      solver,
    );
    expect(short.feasible).toBe(false);
    expect(short.costPerMonthMicros).toBeLessThanOrEqual(2 * 1_200_000 * 730);
    expect(short.reasons.some((r) => r.code === 'over-budget')).toBe(true);
    const more = short.alternatives.find((a) => a.kind === 'raise-budget');
    expect(more?.kind === 'raise-budget' && more.budgetPerMonthMicros).toBeGreaterThan(
      2 * 1_200_000 * 730,
    );
  });

  it('suggests a site outside the jurisdictions that would meet the SLO', async () => {
    const grid: Grid = {
      sites: [
        ...euUsGrid().sites,
        site(
          'waw-1',
          METRO.warsaw,
          ['EU'],
          [node('waw-1-a', { gpuTypeId: 'H100', pricePerGpuHourMicros: 2_500_000 })],
        ),
      ],
    };
    const result = await place(
      {
        endpoint: endpoint({
          jurisdictions: ['EU', 'GDPR'],
          sloTtftP95Ms: 70,
          demand: demand(METRO.warsaw),
          expectedRps: 1,
        }),
        grid,
      },
      solver,
    );
    expect(result.feasible).toBe(false);
    const allow = result.alternatives.find((a) => a.kind === 'allow-site');
    expect(allow).toMatchObject({
      kind: 'allow-site',
      siteId: 'waw-1',
      metroId: 'warsaw',
      missingJurisdictions: ['GDPR'],
    });
    expect(result.excluded.find((e) => e.siteId === 'waw-1')?.codes).toEqual(['jurisdiction']);
  });

  it('says why each excluded site is excluded', async () => {
    const at = METRO.frankfurt;
    const grid: Grid = {
      sites: [
        site(
          'ok',
          at,
          ['EU'],
          [node('ok-a', { gpuTypeId: 'H100', pricePerGpuHourMicros: 3_000_000 })],
        ),
        site('sick', at, ['EU'], [node('sick-a', { healthy: false })]),
        site('drain', at, ['EU'], [node('drain-a', { draining: true })]),
        site('l4', at, ['EU'], [node('l4-a', { gpuTypeId: 'L4' })]),
        site('small', at, ['EU'], [node('small-a', { gpuCount: 2, offeredGpus: 2 })]),
        site('full', at, ['EU'], [node('full-a', { reservedGpus: 8 })]),
        site('us', METRO.ashburn, ['US'], [node('us-a')]),
      ],
    };
    const result = await place(
      {
        endpoint: endpoint({
          modelId: 'llama-3.1-70b-instruct',
          model: LLAMA_70B,
          sloTtftP95Ms: 2_000,
          demand: demand(METRO.frankfurt),
          expectedRps: 0.5,
        }),
        grid,
      },
      solver,
    );
    expect(result.feasible).toBe(true);
    expect(result.replicas.map((r) => r.siteId)).toEqual(['ok']);
    expect(result.replicas[0]?.gpuCount).toBe(2);
    const codes = Object.fromEntries(result.excluded.map((e) => [e.siteId, e.codes]));
    expect(codes).toEqual({
      sick: ['unhealthy'],
      drain: ['draining'],
      l4: ['no-supported-gpu'],
      small: ['model-does-not-fit'],
      full: ['no-free-capacity'],
      us: ['jurisdiction'],
    });
    expect(result.excluded.find((e) => e.siteId === 'small')?.reasons[0]).toMatch(
      /needs 4× L40S; the node has 2/,
    );
  });

  it('breaks cost ties by latency and spreads over operators', async () => {
    const near = await place(
      {
        endpoint: endpoint({ demand: demand(METRO.frankfurt) }),
        grid: {
          sites: [
            site('far', METRO.paris, ['EU'], [node('far-a')]),
            site('near', METRO.frankfurt, ['EU'], [node('near-a')]),
          ],
        },
      },
      solver,
    );
    expect(near.replicas.map((r) => r.siteId)).toEqual(['near']);
    const spread = await place(
      {
        endpoint: endpoint({ demand: demand(METRO.frankfurt), redundancy: true }),
        grid: {
          sites: [
            site('a1', METRO.frankfurt, ['EU'], [node('a1-n')], 'op-a'),
            site('a2', METRO.frankfurt, ['EU'], [node('a2-n')], 'op-a'),
            site('b1', METRO.frankfurt, ['EU'], [node('b1-n')], 'op-b'),
          ],
        },
      },
      solver,
    );
    expect(spread.feasible).toBe(true);
    expect(new Set(spread.replicas.map((r) => r.operatorId))).toEqual(new Set(['op-a', 'op-b']));
  });

  it('returns reasons, not exceptions, for a request it cannot read', async () => {
    const result = await place({ endpoint: endpoint({ demand: [] }), grid: euUsGrid() }, solver);
    expect(result.feasible).toBe(false);
    expect(result.reasons[0]).toMatchObject({ code: 'invalid-request' });
    const empty = await place({ endpoint: endpoint(), grid: { sites: [] } }, solver);
    expect(empty.feasible).toBe(false);
    expect(empty.reasons.map((r) => r.code)).toContain('no-eligible-site');
  });
});

describe('placeEndpoint', () => {
  it('reports the MILP as proven optimal on a small grid', async () => {
    const result = await placeEndpoint({
      endpoint: endpoint({ redundancy: true }),
      grid: euUsGrid(),
    });
    expect(result.solver).toBe('exact');
    expect(result.optimalityGapPct).toBeLessThanOrEqual(0.01);
    expect(result.stats.solverStatus).toBe('optimal');
  });

  it('uses measured RTT where the operator has it', async () => {
    const grid = euUsGrid();
    // A bad measured route from Frankfurt to Paris makes Frankfurt's own site the better choice.
    const result = await placeEndpoint({
      endpoint: endpoint({ demand: demand(METRO.frankfurt), sloTtftP95Ms: 150 }),
      grid: { ...grid, rtt: [{ metroId: 'frankfurt', siteId: 'par-1', rttMs: 90 }] },
    });
    expect(new Set(result.replicas.map((r) => r.siteId))).toEqual(new Set(['fra-1']));
    expect(result.excluded.find((e) => e.siteId === 'par-1')?.codes).toEqual(['too-far']);
  });

  it('evaluates a given placement under the same model', () => {
    const request = { endpoint: endpoint(), grid: euUsGrid() };
    const one = evaluatePlacement(request, [{ nodeId: 'par-1-a' }]);
    expect(one.meetsSlo).toBe(true);
    expect(one.sloAttainmentPct).toBe(100);
    expect(one.costPerHourMicros).toBe(1_100_000);
    const us = evaluatePlacement(request, [{ nodeId: 'ash-1-a' }]);
    expect(us.meetsSlo).toBe(false);
    expect(us.ignored).toEqual([
      { nodeId: 'ash-1-a', count: 1, reason: 'node not eligible for this endpoint' },
    ]);
  });
});
