import { seededRng } from '@aigrid/routing';
import { describe, expect, it } from 'vitest';
import { bootstrapDiffInterval, percentile } from './stats';

describe('percentile', () => {
  it('is the nearest rank', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([5, 1, 4, 2, 3], 99)).toBe(5);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('bootstrapDiffInterval', () => {
  const sample = (rng: () => number, n: number, shift: number) =>
    Array.from({ length: n }, () => 50 + shift + 30 * rng());

  it('covers zero for two samples of one distribution, and a shift when there is one', () => {
    const rng = seededRng(3);
    const a = sample(rng, 600, 0);
    const b = sample(rng, 600, 0);
    const [lo, hi] = bootstrapDiffInterval(a, b, 50, seededRng(1));
    expect(lo).toBeLessThan(0);
    expect(hi).toBeGreaterThan(0);
    const shifted = sample(rng, 600, 10);
    const [slo, shi] = bootstrapDiffInterval(shifted, b, 50, seededRng(1));
    expect(slo).toBeGreaterThan(5);
    expect(shi).toBeLessThan(15);
  });

  it('narrows as the samples grow', () => {
    const rng = seededRng(5);
    const width = (n: number) => {
      const [lo, hi] = bootstrapDiffInterval(sample(rng, n, 0), sample(rng, n, 0), 50, rng);
      return hi - lo;
    };
    expect(width(2_000)).toBeLessThan(width(100));
  });
});
