import { describe, expect, it } from 'vitest';
import { formatMicrosUsd, usdToMicros } from './money';

describe('usdToMicros', () => {
  it.each([
    ['0.01', 10_000],
    ['1.9', 1_900_000],
    ['0.15', 150_000],
    ['500', 500_000_000],
    ['0.000001', 1],
    ['.5', 500_000],
    ['2.', 2_000_000],
    ['$3.10', 3_100_000],
    ['0.1000000', 100_000],
    // 0.07 * 1e6 is 70000.00000000001 in floating point; the decimal parse is exact.
    ['0.07', 70_000],
    ['1.13', 1_130_000],
  ])('%s → %d', (text, micros) => {
    expect(usdToMicros(text)).toBe(micros);
  });

  it.each(['', '.', 'abc', '-1', '1e3', '1,5', '0.0000001', '1.2.3', '99999999999999'])(
    'refuses %j',
    (text) => {
      expect(() => usdToMicros(text)).toThrow(RangeError);
    },
  );
});

describe('formatMicrosUsd', () => {
  it.each([
    [10_000, '$0.01'],
    [1_900_000, '$1.90'],
    [1_234, '$0.001234'],
    [0, '$0.00'],
    [1_234_567_000_000, '$1,234,567.00'],
    [-5_000_000, '-$5.00'],
    [10_000n, '$0.01'],
    [null, '-'],
  ] as const)('%s → %s', (micros, text) => {
    expect(formatMicrosUsd(micros)).toBe(text);
  });
});
