import { describe, expect, it } from 'vitest';
import { PrefixIndex } from './prefix-index';
import { estimatePromptTokens, promptBlockHashes } from './prefix-hash';
import { DEFAULT_RTT_MS, rankReplicas } from './score';
import { endpoint, load, rankInput, replica } from './testing-fixtures';

const ids = (r: { ranked: { replica: { id: string } }[] }) => r.ranked.map((x) => x.replica.id);

describe('rankReplicas', () => {
  it('sends a repeated prompt to the replica that cached it when loads and RTT are equal', () => {
    const e = endpoint([replica({ id: 'a' }), replica({ id: 'b' }), replica({ id: 'c' })]);
    const prompt = 'You are a helpful assistant. '.repeat(100) + 'What is the capital of France?';
    const hashes = promptBlockHashes(prompt);
    const index = new PrefixIndex();
    index.record('c', hashes);
    const input = rankInput(e, {
      promptTokens: estimatePromptTokens(prompt),
      cachedBlocks: new Map(['a', 'b', 'c'].map((id) => [id, index.matchedBlocks(id, hashes)])),
      loads: new Map(['a', 'b', 'c'].map((id) => [id, load({ running: 2 })])),
    });
    const { ranked } = rankReplicas(input);
    expect(ranked[0]!.replica.id).toBe('c');
    expect(ranked[0]!.cachedTokens).toBeGreaterThan(0);
    expect(ranked[0]!.prefillMs).toBeLessThan(ranked[1]!.prefillMs);
  });

  it('does not send a request 80 ms farther for a small cached prefix', () => {
    const e = endpoint([
      replica({ id: 'near', siteId: 'fra-1' }),
      replica({ id: 'far', siteId: 'lis-1' }),
    ]);
    const input = rankInput(e, {
      clientMetroId: 'fra',
      rttMs: { fra: { 'fra-1': 5, 'lis-1': 85 } },
      promptTokens: 2000,
      cachedBlocks: new Map([['far', 8]]),
    });
    const { ranked } = rankReplicas(input);
    expect(ids({ ranked })).toEqual(['near', 'far']);
    expect(ranked[1]!.cachedTokens).toBe(128);
  });

  it('prefers an idle replica over a saturated one with its queue', () => {
    const e = endpoint([replica({ id: 'busy' }), replica({ id: 'idle' })]);
    const input = rankInput(e, {
      loads: new Map([['busy', load({ running: 16, waiting: 10 })]]),
    });
    const { ranked } = rankReplicas(input);
    expect(ids({ ranked })).toEqual(['idle', 'busy']);
    expect(ranked[1]!.queueMs).toBeGreaterThan(1000);
    expect(ranked[0]!.queueMs).toBe(0);
  });

  it('uses the default metro when the client metro is unknown, else a conservative RTT', () => {
    const e = endpoint([replica({ id: 'a', siteId: 'x' }), replica({ id: 'b', siteId: 'y' })], {
      defaultMetroId: 'm',
    });
    const rttMs = { m: { x: 70, y: 10 } };
    const viaDefault = rankReplicas(rankInput(e, { rttMs }));
    expect(viaDefault.ranked.map((r) => [r.replica.id, r.rttMs])).toEqual([
      ['b', 10],
      ['a', 70],
    ]);
    const unknown = rankReplicas(rankInput(e, { rttMs, clientMetroId: 'nowhere' }));
    expect(unknown.ranked.map((r) => r.rttMs)).toEqual([DEFAULT_RTT_MS, DEFAULT_RTT_MS]);
  });

  it('adds RTT, queue, uncached prefill and one decode step', () => {
    const e = endpoint([replica({ id: 'a', prefillTokensPerS: 10_000, decodeTokensPerS: 50 })]);
    const { ranked } = rankReplicas(
      rankInput(e, {
        clientMetroId: 'fra',
        rttMs: { fra: { 'site-a': 12 } },
        promptTokens: 1016,
        cachedBlocks: new Map([['a', 1]]),
      }),
    );
    expect(ranked[0]).toMatchObject({ rttMs: 12, queueMs: 0, prefillMs: 100, cachedTokens: 16 });
    expect(ranked[0]!.predictedTtftMs).toBeCloseTo(12 + 100 + 20);
  });

  it('never leaves the jurisdiction, even when that leaves nothing', () => {
    const e = endpoint(
      [
        replica({ id: 'us', jurisdictions: ['US'] }),
        replica({ id: 'eu-draining', state: 'DRAINING' }),
      ],
      { jurisdictions: ['eu'] },
    );
    const result = rankReplicas(rankInput(e));
    expect(result.ranked).toEqual([]);
    expect(result.excluded).toEqual([
      { replicaId: 'us', reason: 'jurisdiction' },
      { replicaId: 'eu-draining', reason: 'draining' },
    ]);
  });

  it('excludes ejected replicas and breaks ties by id', () => {
    const e = endpoint([replica({ id: 'c' }), replica({ id: 'b' }), replica({ id: 'a' })]);
    const result = rankReplicas(rankInput(e, { isEjected: (id) => id === 'a' }));
    expect(ids(result)).toEqual(['b', 'c']);
    expect(result.excluded).toEqual([{ replicaId: 'a', reason: 'ejected' }]);
  });

  it('breaks a TTFT tie by fewer in-flight requests before id', () => {
    // a: one request in flight (residual step 20 ms × 1/16). b: none, but an observed service
    // time whose queueing part (147.5 − 125 prefill − 20 step = 2.5 ms) blends to the same 1.25.
    const e = endpoint([replica({ id: 'a' }), replica({ id: 'b' })]);
    const { ranked } = rankReplicas(
      rankInput(e, {
        loads: new Map([
          ['a', load({ inFlight: 1 })],
          ['b', load({ observedServiceMs: 147.5 })],
        ]),
      }),
    );
    expect(ranked.map((r) => r.queueMs)).toEqual([1.25, 1.25]);
    expect(ids({ ranked })).toEqual(['b', 'a']);
  });
});
