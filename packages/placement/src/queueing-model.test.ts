import { describe, expect, it } from 'vitest';
import { erlangC, mm1MeanWaitMs, mm1WaitQuantileMs, mmcWaitQuantileMs } from './queueing-model';

describe('queueing model', () => {
  it('Erlang C matches hand-computed values', () => {
    // One server: an arrival waits with probability ρ.
    expect(erlangC(1, 0.7)).toBeCloseTo(0.7, 12);
    // Two servers, a = 1: B(2,1) = 0.5/2.5 = 0.2, C = 2·0.2 / (2 − 1·0.8) = 1/3.
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12);
    expect(erlangC(4, 0)).toBe(0);
    expect(erlangC(2, 2)).toBe(1);
  });

  it('M/M/1 quantiles follow the exponential tail P(W > t) = ρ·e^{−(1−ρ)t/S}', () => {
    // ρ = 0.5, S = 100 ms: p95 = 100/0.5 · ln(0.5/0.05) = 200 · ln 10 ≈ 460.5 ms.
    expect(mm1WaitQuantileMs(0.5, 100, 0.95)).toBeCloseTo(200 * Math.log(10), 9);
    // The median is 0 while at most half the arrivals wait.
    expect(mm1WaitQuantileMs(0.5, 100, 0.5)).toBe(0);
    expect(mm1WaitQuantileMs(0.04, 100, 0.95)).toBe(0);
    expect(mm1WaitQuantileMs(1, 100, 0.95)).toBe(Number.POSITIVE_INFINITY);
    expect(mm1MeanWaitMs(0.5, 100)).toBeCloseTo(100, 9);
  });

  it('M/M/c with one server is M/M/1, and more servers wait less', () => {
    // λ = 5/s, S = 100 ms: ρ = 0.5.
    expect(mmcWaitQuantileMs(1, 5, 100, 0.95)).toBeCloseTo(mm1WaitQuantileMs(0.5, 100, 0.95), 9);
    expect(mmcWaitQuantileMs(2, 10, 100, 0.95)).toBeLessThan(mm1WaitQuantileMs(0.5, 100, 0.95));
    expect(mmcWaitQuantileMs(2, 20, 100, 0.95)).toBe(Number.POSITIVE_INFINITY);
    expect(mmcWaitQuantileMs(3, 0, 100, 0.95)).toBe(0);
  });
});
