import { describe, expect, it } from 'vitest';
import { replicaPerf } from './engine-model';

const llama8b = { parametersB: 8.03, kvBytesPerToken: 131_072 };

describe('replicaPerf', () => {
  it('makes decode memory-bound: faster GPUs with more bandwidth decode faster', () => {
    const h100 = replicaPerf('H100', 1, llama8b).decodeStepMs(1, 512);
    const l40s = replicaPerf('L40S', 1, llama8b).decodeStepMs(1, 512);
    const a10g = replicaPerf('A10G', 1, llama8b).decodeStepMs(1, 512);
    expect(h100).toBeLessThan(l40s);
    expect(l40s).toBeLessThan(a10g);
    // 16 GB of weights over 864 GB/s at 75%: about 25 ms a token on an L40S.
    expect(l40s).toBeGreaterThan(20);
    expect(l40s).toBeLessThan(30);
  });

  it('batches: a step for 32 sequences costs far less than 32 single steps', () => {
    const perf = replicaPerf('H100', 1, llama8b);
    expect(perf.decodeStepMs(32, 512)).toBeLessThan(3 * perf.decodeStepMs(1, 512));
  });

  it('prefill grows with the prompt', () => {
    const perf = replicaPerf('L40S', 1, llama8b);
    expect(perf.prefillMs(2048)).toBeGreaterThan(3 * perf.prefillMs(512));
  });

  it('gives the KV cache the memory left after the weights, and says when a model does not fit', () => {
    const perf = replicaPerf('L40S', 1, llama8b);
    // 48 GB × 0.9 − 16.06 GB = 27.1 GB over 128 KiB a token ≈ 206,000 tokens.
    expect(perf.kvCapacityTokens).toBeGreaterThan(200_000);
    expect(perf.kvCapacityTokens).toBeLessThan(212_000);
    expect(replicaPerf('L40S', 1, { parametersB: 70.6 }).fits).toBe(false);
    expect(replicaPerf('L40S', 4, { parametersB: 70.6 }).fits).toBe(true);
  });
});

describe('replicaPerf, refined', () => {
  it('reads the weights once per mixed step: decoding alongside a prefill chunk is nearly free', () => {
    const perf = replicaPerf('L40S', 1, llama8b);
    const mixed = perf.stepMs(32, 1000, 1024);
    expect(mixed).toBeLessThan(perf.prefillMs(1024) + 0.5 * perf.decodeStepMs(32, 1000));
    expect(perf.stepMs(0, 0, 0)).toBe(0);
  });

  it('runs FP8 weights on FP8 tensor cores and halves the bytes read per step', () => {
    const bf16 = replicaPerf('H100', 1, llama8b);
    const fp8 = replicaPerf('H100', 1, { ...llama8b, bytesPerParam: 1 });
    expect(fp8.decodeStepMs(1, 512)).toBeLessThan(0.7 * bf16.decodeStepMs(1, 512));
    expect(fp8.prefillMs(4096)).toBeLessThan(0.6 * bf16.prefillMs(4096));
    expect(fp8.kvCapacityTokens).toBeGreaterThan(bf16.kvCapacityTokens);
  });

  it('pays for tensor parallelism: two GPUs are faster than one but less than twice', () => {
    const one = replicaPerf('L40S', 1, llama8b);
    const two = replicaPerf('L40S', 2, llama8b);
    expect(two.prefillMs(4096)).toBeLessThan(one.prefillMs(4096));
    expect(two.prefillMs(4096)).toBeGreaterThan(0.5 * one.prefillMs(4096));
  });
});
