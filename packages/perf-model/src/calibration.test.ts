import { describe, expect, it } from 'vitest';
import { CALIBRATION_POINTS, calibrationGpu, predictStepLevel } from './calibration';

describe('CALIBRATION_POINTS', () => {
  it('names a source, a GPU the model knows, and a positive published figure for every point', () => {
    expect(CALIBRATION_POINTS.length).toBeGreaterThanOrEqual(6);
    for (const p of CALIBRATION_POINTS) {
      expect(p.url).toMatch(/^https:\/\//);
      expect(p.source.length).toBeGreaterThan(20);
      expect(calibrationGpu(p.gpuTypeId).bandwidthGBps).toBeGreaterThan(0);
      expect(p.published).toBeGreaterThan(0);
    }
    expect(new Set(CALIBRATION_POINTS.map((p) => p.id)).size).toBe(CALIBRATION_POINTS.length);
  });

  it('predicts the step-level points in closed form within 15 %', () => {
    const predicted = CALIBRATION_POINTS.map((p) => [p, predictStepLevel(p)] as const).filter(
      ([, v]) => v !== undefined,
    );
    expect(predicted.length).toBeGreaterThanOrEqual(3);
    for (const [p, v] of predicted) {
      expect(Math.abs(v! / p.published - 1), p.id).toBeLessThan(0.15);
    }
  });
});
