import { replicaPerf } from '@aigrid/perf-model';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PLACEMENT_TUNING } from './placement-defaults';
import { sizeReplica, type ReplicaProfile } from './replica-profile';
import { LLAMA_70B, LLAMA_8B } from './testing-fixtures';
import { createRttLookup, maxRpsWithinSlo, predictTtft, serverTtftMs } from './ttft-model';

const workload = { promptTokens: 512, outputTokens: 256 };

function profile(gpu: string, model = LLAMA_8B): ReplicaProfile {
  const sized = sizeReplica(model, gpu, 8, workload, DEFAULT_PLACEMENT_TUNING);
  if (!sized.ok) throw new Error(sized.detail);
  return sized.profile;
}

describe('replica sizing', () => {
  it('picks the smallest tensor-parallel degree that holds weights and KV headroom', () => {
    expect(profile('L40S').tensorParallel).toBe(1);
    // 141.2 GB of weights: 2× H100 (144 GB usable) leaves ~7k KV tokens ≥ 8 × 768.
    expect(profile('H100', LLAMA_70B).tensorParallel).toBe(2);
    // L40S: 48 GB × 0.9 each, so four of them.
    expect(profile('L40S', LLAMA_70B).tensorParallel).toBe(4);
    const tooSmall = sizeReplica(LLAMA_70B, 'L40S', 2, workload, DEFAULT_PLACEMENT_TUNING);
    expect(tooSmall.ok).toBe(false);
    expect(sizeReplica(LLAMA_8B, 'TPU', 8, workload, DEFAULT_PLACEMENT_TUNING)).toMatchObject({
      ok: false,
      reason: 'unknown-gpu',
    });
  });

  it('derives batch and service rate from the performance model (8B on an L40S)', () => {
    const p = profile('L40S');
    const perf = replicaPerf('L40S', 1, { parametersB: 8.03, bytesPerParam: 16.1 / 8.03 });
    expect(p.prefillMs).toBeCloseTo(perf.prefillMs(512), 9);
    // KV: (48 GB × 0.9 − 16.1 GB) / 131,318 B per token ≈ 206k tokens = 268 sequences of 768,
    // capped at 256.
    expect(perf.kvCapacityTokens).toBeGreaterThan(268 * 768);
    expect(p.maxBatch).toBe(256);
    // μ = 1000 / (prefill + 256 output tokens × step(256) / 256), planned at 90 %.
    const step = perf.decodeStepMs(256, 512 + 128);
    expect(p.serviceRateRps).toBeCloseTo(1000 / (perf.prefillMs(512) + step), 9);
    expect(p.maxRps).toBeCloseTo(0.9 * p.serviceRateRps, 9);
    // Sanity against published vLLM figures for this class of GPU: a few req/s of 512/256.
    expect(p.serviceRateRps).toBeGreaterThan(3);
    expect(p.serviceRateRps).toBeLessThan(30);
  });
});

describe('TTFT model', () => {
  const l40s = profile('L40S');

  const perf = replicaPerf('L40S', 1, { parametersB: 8.03, bytesPerParam: 16.1 / 8.03 });
  const prefill = perf.prefillMs(512);
  const step = (batch: number) => perf.decodeStepMs(batch, 640);

  it('is prefill plus one decode step when idle', () => {
    expect(serverTtftMs(l40s, { rpsPerReplica: 0 }, 0.95)).toBeCloseTo(prefill + step(1), 9);
    expect(serverTtftMs(l40s, { rpsPerReplica: 0 }, 0.5)).toBeCloseTo(prefill + step(1), 9);
    // An idle L40S answers an 8B model's 512-token prompt in well under 150 ms.
    expect(prefill + step(1)).toBeGreaterThan(40);
    expect(prefill + step(1)).toBeLessThan(150);
  });

  it('adds the prefill queue and the running step under load (worked at 2 req/s)', () => {
    const rho = 2 / l40s.serviceRateRps;
    const batch = rho * 256;
    const rhoPrefill = (2 * prefill) / 1000;
    // M/M/1 on prefills: p95 wait = S/(1 − ρp) · ln(ρp / 0.05) when ρp > 0.05.
    const queue95 =
      rhoPrefill > 0.05 ? (prefill / (1 - rhoPrefill)) * Math.log(rhoPrefill / 0.05) : 0;
    const p95 = queue95 + rho * step(batch) + prefill + step(batch);
    expect(serverTtftMs(l40s, { rpsPerReplica: 2 }, 0.95)).toBeCloseTo(p95, 9);
    // Median: nobody queues (ρp < 0.5); half a running step.
    expect(serverTtftMs(l40s, { rpsPerReplica: 2 }, 0.5)).toBeCloseTo(
      0.5 * rho * step(batch) + prefill + step(batch),
      9,
    );
    const prediction = predictTtft(l40s, { p50Ms: 10, p95Ms: 12 }, { rpsPerReplica: 2 });
    expect(prediction.p95Ms).toBeCloseTo(12 + p95, 9);
    expect(prediction.utilisation).toBeCloseTo(rho, 9);
  });

  it('grows with load and with queued requests', () => {
    let last = 0;
    for (const rps of [0, 1, 2, 3, 4, 5, 6]) {
      const p95 = serverTtftMs(l40s, { rpsPerReplica: rps }, 0.95);
      expect(p95).toBeGreaterThan(last);
      last = p95;
    }
    expect(serverTtftMs(l40s, { rpsPerReplica: 2, queueDepth: 3 }, 0.95)).toBeCloseTo(
      serverTtftMs(l40s, { rpsPerReplica: 2 }, 0.95) + 3 * l40s.prefillMs,
      9,
    );
    expect(serverTtftMs(l40s, { rpsPerReplica: 100 }, 0.95)).toBe(Number.POSITIVE_INFINITY);
  });

  it('finds the highest load within an SLO', () => {
    const rps = maxRpsWithinSlo(l40s, 200, 10);
    expect(rps).toBeGreaterThan(0);
    expect(rps).toBeLessThanOrEqual(l40s.maxRps);
    expect(10 + serverTtftMs(l40s, { rpsPerReplica: rps }, 0.95)).toBeLessThanOrEqual(200 + 1e-6);
    expect(maxRpsWithinSlo(l40s, 10 + prefill + step(1) - 1, 10)).toBe(0);
    expect(maxRpsWithinSlo(l40s, 5_000, 10)).toBe(l40s.maxRps);
  });

  it('uses an operator measurement where there is one', () => {
    const lookup = createRttLookup(
      [{ metroId: 'paris', siteId: 'fra', rttMs: 11, rttP95Ms: 14 }],
      DEFAULT_PLACEMENT_TUNING.rttModel,
    );
    const paris = { metroId: 'paris', lat: 48.8566, lon: 2.3522 };
    expect(lookup(paris, { id: 'fra', lat: 50.1109, lon: 8.6821 })).toEqual({
      p50Ms: 11,
      p95Ms: 14,
    });
    // Estimate: 479 km × 2 × 1.5 / 199.86 km/ms + 2 ms ≈ 9.2 ms.
    expect(lookup(paris, { id: 'other', lat: 50.1109, lon: 8.6821 }).p95Ms).toBeCloseTo(9.2, 1);
  });
});
