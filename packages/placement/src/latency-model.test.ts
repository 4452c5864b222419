import { describe, expect, it } from 'vitest';
import {
  estimateRttMs,
  greatCircleKm,
  PHYSICAL_LIMIT_RTT_MODEL,
  DEFAULT_RTT_MODEL,
} from './latency-model';

const frankfurt = { lat: 50.1109, lon: 8.6821 };
const paris = { lat: 48.8566, lon: 2.3522 };
const newYork = { lat: 40.7128, lon: -74.006 };

describe('latency model', () => {
  it('measures great-circle distances (hand-checked against published figures)', () => {
    expect(greatCircleKm(frankfurt, paris)).toBeCloseTo(479, -1);
    expect(greatCircleKm(frankfurt, newYork)).toBeCloseTo(6_200, -2);
    expect(greatCircleKm(paris, paris)).toBe(0);
  });

  it('gives the physical RTT floor at two thirds of light speed', () => {
    // 479 km each way at ~199.86 km/ms: ~4.8 ms round trip.
    expect(estimateRttMs(frankfurt, paris, PHYSICAL_LIMIT_RTT_MODEL)).toBeCloseTo(4.8, 1);
  });

  it('adds route length and hops on top of the floor', () => {
    const floor = estimateRttMs(frankfurt, newYork, PHYSICAL_LIMIT_RTT_MODEL);
    const estimate = estimateRttMs(frankfurt, newYork, DEFAULT_RTT_MODEL);
    expect(estimate).toBeCloseTo(floor * 1.5 + 2, 6);
    // Transatlantic RTTs are around 75-95 ms in practice.
    expect(estimate).toBeGreaterThan(75);
    expect(estimate).toBeLessThan(100);
  });
});
