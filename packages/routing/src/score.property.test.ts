import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReplicaLoad } from './live-load';
import { ROUTING_POLICIES, createPicker, seededRng } from './policies';
import { rankReplicas, type RankInput } from './score';
import { endpoint, load, loadArb, rankInput, rankInputArb, replica } from './testing-fixtures';

describe('hard filters (every policy)', () => {
  it('never ranks a replica outside the jurisdiction, draining or ejected; loses none', () => {
    fc.assert(
      fc.property(rankInputArb, fc.integer(), (input, seed) => {
        const { ranked, excluded } = rankReplicas(input);
        const all = input.endpoint.replicas.map((r) => r.id).sort();
        const rankedIds = ranked.map((r) => r.replica.id);
        const excludedIds = excluded.map((e) => e.replicaId);
        expect([...rankedIds, ...excludedIds].sort()).toEqual(all);
        for (const policy of ROUTING_POLICIES) {
          const picked = createPicker(policy, { rng: seededRng(seed) })(input);
          expect(picked.map((r) => r.replica.id).sort()).toEqual([...rankedIds].sort());
          for (const { replica: r } of picked) {
            const held = r.jurisdictions.map((t) => t.toUpperCase());
            for (const tag of input.endpoint.jurisdictions) {
              expect(held).toContain(tag.toUpperCase());
            }
            expect(r.state).toBe('READY');
            expect(input.isEjected(r.id)).toBe(false);
          }
        }
        for (const e of excluded) {
          const r = input.endpoint.replicas.find((x) => x.id === e.replicaId)!;
          const inJurisdiction = input.endpoint.jurisdictions.every((t) =>
            r.jurisdictions.some((h) => h.toUpperCase() === t.toUpperCase()),
          );
          const ok = inJurisdiction && r.state === 'READY' && !input.isEjected(r.id);
          expect(ok).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('ranks in ascending predicted TTFT', () => {
    fc.assert(
      fc.property(rankInputArb, (input) => {
        const { ranked } = rankReplicas(input);
        for (let i = 1; i < ranked.length; i++) {
          expect(ranked[i]!.predictedTtftMs).toBeGreaterThanOrEqual(ranked[i - 1]!.predictedTtftMs);
        }
      }),
    );
  });
});

/** The predicted TTFT of the single replica `r0` under `l` with `cached` blocks. */
function ttft(input: RankInput, l: ReplicaLoad | undefined, cached: number): number {
  const loads = new Map<string, ReplicaLoad>();
  if (l) loads.set('r0', l);
  const { ranked } = rankReplicas({ ...input, loads, cachedBlocks: new Map([['r0', cached]]) });
  return ranked[0]!.predictedTtftMs;
}

const singleReplicaArb = fc
  .record({
    prefillTokensPerS: fc.integer({ min: 100, max: 50_000 }),
    decodeTokensPerS: fc.integer({ min: 5, max: 300 }),
    maxConcurrency: fc.integer({ min: 1, max: 64 }),
    promptTokens: fc.nat(20_000),
  })
  .map(({ promptTokens, ...perf }) =>
    rankInput(endpoint([replica({ id: 'r0', ...perf })]), { promptTokens }),
  );

describe('monotonicity', () => {
  it('more waiting, running or in-flight requests never predict a lower TTFT', () => {
    fc.assert(
      fc.property(
        singleReplicaArb,
        fc.option(loadArb, { nil: undefined }),
        fc.constantFrom('running' as const, 'waiting' as const, 'inFlight' as const),
        fc.integer({ min: 1, max: 100 }),
        fc.nat(50),
        (input, base, field, extra, cached) => {
          const before = base ?? load();
          const after = { ...before, [field]: before[field] + extra };
          expect(ttft(input, after, cached)).toBeGreaterThanOrEqual(ttft(input, base, cached));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('more cached blocks never predict a higher TTFT', () => {
    fc.assert(
      fc.property(
        singleReplicaArb,
        fc.option(loadArb, { nil: undefined }),
        fc.nat(200),
        fc.integer({ min: 1, max: 200 }),
        (input, l, cached, extra) => {
          expect(ttft(input, l, cached + extra)).toBeLessThanOrEqual(ttft(input, l, cached));
        },
      ),
      { numRuns: 500 },
    );
  });
});
