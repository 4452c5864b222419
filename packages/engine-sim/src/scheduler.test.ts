import { describe, expect, it } from 'vitest';
import { replicaPerf } from '@aigrid/perf-model';
import { EngineCore } from './scheduler';
import { simulate } from './simulate';

const llama8b = { parametersB: 8.03, kvBytesPerToken: 131_072 };

describe('EngineCore (simulated time)', () => {
  it('batches: 16 concurrent requests get far more tokens/s than one at a time', () => {
    const perf = replicaPerf('L40S', 1, llama8b);
    const work = { inputTokens: 256, outputTokens: 128, requests: 16 };
    const sequential = simulate({ perf }, { ...work, arrival: 'closed', concurrency: 1 });
    const batched = simulate({ perf }, { ...work, arrival: 'closed', concurrency: 16 });
    expect(batched.outputTokens).toBe(sequential.outputTokens);
    expect(batched.outputTokensPerS).toBeGreaterThan(8 * sequential.outputTokensPerS);
    // Batching costs each sequence a little latency per token, not 16 times more.
    expect(batched.tpotMeanMs).toBeLessThan(2 * sequential.tpotMeanMs);
  });

  it('queues and preempts when the KV cache is full, and still finishes every request', () => {
    const perf = { ...replicaPerf('L40S', 1, llama8b), kvCapacityTokens: 4096 };
    const r = simulate(
      { perf },
      {
        inputTokens: 500,
        outputTokens: 300,
        arrival: 'burst',
        concurrency: 12,
        requests: 12,
      },
    );
    expect(r.requests).toBe(12);
    expect(r.outputTokens).toBe(12 * 300);
    expect(r.preemptions).toBeGreaterThan(0);
  });

  it('reuses a shared prompt prefix from the prefix cache', () => {
    const perf = replicaPerf('H100', 1, llama8b);
    const work = {
      inputTokens: 2048,
      outputTokens: 16,
      arrival: 'closed',
      concurrency: 1,
      requests: 8,
    } as const;
    const cold = simulate({ perf }, work);
    const warm = simulate({ perf }, { ...work, sharedPrefixTokens: 1984 });
    expect(warm.prefixCacheHitRate).toBeGreaterThan(0.8);
    expect(warm.ttftP50Ms).toBeLessThan(cold.ttftP50Ms / 2);
  });

  it('is deterministic for a seed', () => {
    const run = (seed: number, requestSeed?: number) => {
      const core = new EngineCore({
        perf: replicaPerf('L40S', 1, llama8b),
        maxModelLen: 8192,
        maxNumSeqs: 256,
        maxNumBatchedTokens: 2048,
        numBlocks: 1024,
        prefixCaching: true,
        seed,
        meanOutputTokens: 256,
      });
      let text = '';
      core.add(
        {
          promptIds: [128000, 9906, 1917],
          maxTokens: 40,
          minTokens: 0,
          ignoreEos: true,
          stop: [],
          seed: requestSeed,
          arrivalMs: 0,
        },
        { onText: (t) => (text += t), onFinish: () => {} },
      );
      let now = 0;
      for (let plan = core.schedule(now); plan; plan = core.schedule(now)) {
        now += plan.durationMs;
        core.complete(now);
      }
      return { text, now };
    };
    expect(run(1)).toEqual(run(1));
    expect(run(1, 42)).toEqual(run(1, 42));
    expect(run(1).text).not.toBe(run(2).text);
    expect(run(1, 42).text).not.toBe(run(1, 43).text);
  });
});
