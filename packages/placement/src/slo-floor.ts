// The physical floor under a latency SLO: from each demand metro, the round trip to the nearest
// site that may serve the endpoint (its jurisdictions include every one the endpoint requires),
// over straight fibre along the great circle. No placement, however clever, beats it.
import { estimateRttMs, PHYSICAL_LIMIT_RTT_MODEL, type LatLon } from './latency-model';

export interface FloorMetro extends LatLon {
  id: string;
}

export interface FloorSite extends LatLon {
  /** Jurisdiction tags the site carries, such as EU or HIPAA. */
  jurisdictions: readonly string[];
}

export interface MetroFloor {
  metroId: string;
  /** Smallest physically possible RTT in ms to an eligible site; null when there is none. */
  floorMs: number | null;
}

/** Whether a site carries every required jurisdiction tag (compared case-insensitively). */
export function siteMeetsJurisdictions(site: FloorSite, required: readonly string[]): boolean {
  const tags = new Set(site.jurisdictions.map((j) => j.toUpperCase()));
  return required.every((j) => tags.has(j.toUpperCase()));
}

/** The RTT floor from each metro (in the order given) to the nearest eligible site. */
export function physicalRttFloors(
  metros: readonly FloorMetro[],
  sites: readonly FloorSite[],
  requiredJurisdictions: readonly string[],
): MetroFloor[] {
  const eligible = sites.filter((s) => siteMeetsJurisdictions(s, requiredJurisdictions));
  return metros.map((metro) => {
    let floorMs: number | null = null;
    for (const site of eligible) {
      const rtt = estimateRttMs(metro, site, PHYSICAL_LIMIT_RTT_MODEL);
      if (floorMs === null || rtt < floorMs) floorMs = rtt;
    }
    return { metroId: metro.id, floorMs };
  });
}

/** Whether a latency target can be met from at least one metro: some floor is at or under it. */
export function sloReachable(sloMs: number, floors: readonly MetroFloor[]): boolean {
  return floors.some((f) => f.floorMs !== null && f.floorMs <= sloMs);
}
