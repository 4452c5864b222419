// Network part of the latency model shared by placement, routing and the simulator: RTT between
// a metro and a site from great-circle distance when no measurement exists.
// Light in fibre travels at about two thirds of its speed in vacuum (refractive index ≈ 1.47);
// real routes are longer than the great circle (route factor) and add per-hop delay.

export interface LatLon {
  lat: number;
  lon: number;
}

const EARTH_RADIUS_KM = 6371.0088;
/** km per millisecond of light in fibre: 299,792.458 km/s × 2/3. */
export const FIBRE_KM_PER_MS = 299_792.458 / 1000 / 1.5;

export interface RttModel {
  /** How much longer the fibre route is than the great circle. */
  routeFactor: number;
  /** Fixed cost of switching and routing on the path, round trip. */
  hopOverheadMs: number;
}

export const DEFAULT_RTT_MODEL: RttModel = { routeFactor: 1.5, hopOverheadMs: 2 };

/** The physical lower bound: straight fibre along the great circle, no hops. */
export const PHYSICAL_LIMIT_RTT_MODEL: RttModel = { routeFactor: 1, hopOverheadMs: 0 };

export function greatCircleKm(a: LatLon, b: LatLon): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Estimated round-trip time in ms between two points. */
export function estimateRttMs(a: LatLon, b: LatLon, model: RttModel = DEFAULT_RTT_MODEL): number {
  return (2 * greatCircleKm(a, b) * model.routeFactor) / FIBRE_KM_PER_MS + model.hopOverheadMs;
}
