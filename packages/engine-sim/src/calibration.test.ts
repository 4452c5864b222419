import { describe, expect, it } from 'vitest';
import { CALIBRATION_POINTS } from '@aigrid/perf-model';
import { calibrate } from './simulate';

describe('calibration against published figures', () => {
  it('replays every point with the scheduler within 15 % of the published figure', () => {
    const rows = calibrate();
    expect(rows).toHaveLength(CALIBRATION_POINTS.length);
    for (const row of rows) expect(Math.abs(row.errorPct), row.id).toBeLessThan(15);
  });
});
