import { describe, expect, it } from 'vitest';
import { physicalRttFloors, siteMeetsJurisdictions, sloReachable } from './slo-floor';

const paris = { id: 'paris', lat: 48.8566, lon: 2.3522 };
const tokyo = { id: 'tokyo', lat: 35.6762, lon: 139.6503 };
const frankfurtSite = { lat: 50.1109, lon: 8.6821, jurisdictions: ['EU', 'GDPR'] };
const parisSite = { lat: 48.8566, lon: 2.3522, jurisdictions: ['EU'] };
const ashburnSite = { lat: 39.0438, lon: -77.4874, jurisdictions: ['US', 'HIPAA'] };

describe('SLO floor', () => {
  it('takes the nearest site that carries every required jurisdiction', () => {
    const floors = physicalRttFloors([paris, tokyo], [frankfurtSite, ashburnSite], ['EU']);
    // Paris to Frankfurt: ~479 km each way at ~199.86 km/ms.
    expect(floors[0]?.metroId).toBe('paris');
    expect(floors[0]?.floorMs).toBeCloseTo(4.8, 1);
    // Tokyo to Frankfurt is ~9,360 km: ~93.7 ms round trip.
    expect(floors[1]?.metroId).toBe('tokyo');
    expect(floors[1]?.floorMs).toBeGreaterThan(90);
    expect(floors[1]?.floorMs).toBeLessThan(97);
  });

  it('ignores sites missing a jurisdiction, even when they are closer', () => {
    const [withGdpr] = physicalRttFloors([paris], [parisSite, frankfurtSite], ['eu', 'GDPR']);
    expect(withGdpr?.floorMs).toBeCloseTo(4.8, 1);
    const [anyEu] = physicalRttFloors([paris], [parisSite, frankfurtSite], ['EU']);
    expect(anyEu?.floorMs).toBe(0);
    expect(siteMeetsJurisdictions(ashburnSite, ['US', 'HIPAA'])).toBe(true);
    expect(siteMeetsJurisdictions(ashburnSite, ['US', 'EU'])).toBe(false);
  });

  it('has no floor when no site qualifies', () => {
    expect(physicalRttFloors([paris, tokyo], [ashburnSite], ['EU'])).toEqual([
      { metroId: 'paris', floorMs: null },
      { metroId: 'tokyo', floorMs: null },
    ]);
    expect(physicalRttFloors([paris], [], ['EU'])).toEqual([{ metroId: 'paris', floorMs: null }]);
  });

  it('is reachable when at least one metro has a floor at or under the target', () => {
    const floors = [
      { metroId: 'paris', floorMs: 4.8 },
      { metroId: 'tokyo', floorMs: 93.7 },
    ];
    expect(sloReachable(50, floors)).toBe(true);
    expect(sloReachable(4.8, floors)).toBe(true);
    expect(sloReachable(4, floors)).toBe(false);
    expect(sloReachable(1000, [{ metroId: 'paris', floorMs: null }])).toBe(false);
    expect(sloReachable(1000, [])).toBe(false);
  });
});
