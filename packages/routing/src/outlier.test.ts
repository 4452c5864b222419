import { describe, expect, it } from 'vitest';
import { OutlierDetector } from './outlier';

function failTimes(d: OutlierDetector, id: string, n: number, nowMs: number) {
  for (let i = 0; i < n; i++) d.onFailure(id, nowMs);
}

describe('OutlierDetector', () => {
  it('ejects after N consecutive failures and returns the replica after the base time', () => {
    const d = new OutlierDetector({ consecutiveFailures: 3, baseEjectionMs: 5000 });
    failTimes(d, 'r', 2, 1000);
    expect(d.isEjected('r', 1000)).toBe(false);
    d.onFailure('r', 1000);
    expect(d.isEjected('r', 1000)).toBe(true);
    expect(d.isEjected('r', 5999)).toBe(true);
    expect(d.isEjected('r', 6000)).toBe(false);
    expect(d.isEjected('other', 1000)).toBe(false);
  });

  it('a success resets the streak', () => {
    const d = new OutlierDetector({ consecutiveFailures: 3 });
    failTimes(d, 'r', 2, 0);
    d.onSuccess('r');
    failTimes(d, 'r', 2, 0);
    expect(d.isEjected('r', 0)).toBe(false);
    d.onFailure('r', 0);
    expect(d.isEjected('r', 0)).toBe(true);
  });

  it('ejects for base × times ejected on repeat, capped', () => {
    const d = new OutlierDetector({ baseEjectionMs: 5000, maxEjectionMs: 12_000 });
    failTimes(d, 'r', 3, 0);
    expect(d.isEjected('r', 4999)).toBe(true);
    // Failures of requests in flight during the ejection neither extend nor repeat it.
    failTimes(d, 'r', 5, 4000);
    expect(d.isEjected('r', 5000)).toBe(false);
    // Back, and failing again: twice the base.
    failTimes(d, 'r', 3, 6000);
    expect(d.isEjected('r', 15_999)).toBe(true);
    expect(d.isEjected('r', 16_000)).toBe(false);
    // Third time: 15 s capped at 12 s.
    failTimes(d, 'r', 3, 17_000);
    expect(d.isEjected('r', 28_999)).toBe(true);
    expect(d.isEjected('r', 29_000)).toBe(false);
  });

  it('starts again at the base after a quiet period of maxEjectionMs', () => {
    const d = new OutlierDetector({ baseEjectionMs: 5000, maxEjectionMs: 60_000 });
    failTimes(d, 'r', 3, 0);
    failTimes(d, 'r', 3, 5000 + 60_000);
    expect(d.isEjected('r', 65_000 + 4999)).toBe(true);
    expect(d.isEjected('r', 65_000 + 5000)).toBe(false);
  });
});
