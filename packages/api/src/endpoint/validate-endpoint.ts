// Checks of an endpoint's specification against the catalogue and the market: the model and
// metros exist, demand weights become basis points, and the latency target is not below what
// physics allows from every demand metro to the nearest site in the required jurisdictions.
import type { Db } from '@aigrid/db';
import { physicalRttFloors, sloReachable } from '@aigrid/placement';
import { TRPCError } from '@trpc/server';
import type { TDemandInput } from './endpoint-schemas';

/** A Prisma client or a transaction: the delegates these checks read. */
type Reader = Pick<Db, 'model' | 'metro' | 'site'>;

export const TOTAL_BP = 10_000;

function badRequest(message: string): TRPCError {
  return new TRPCError({ code: 'BAD_REQUEST', message });
}

/**
 * Shares of `weights` in basis points summing to exactly 10,000 (largest remainder method:
 * each share is rounded down, and the points left go to the largest fractions, first come
 * first served on ties).
 */
export function normaliseWeights(weights: readonly number[]): number[] {
  const total = weights.reduce((s, w) => s + w, 0);
  const exact = weights.map((w) => (w / total) * TOTAL_BP);
  const bp = exact.map((x) => Math.floor(x));
  let left = TOTAL_BP - bp.reduce((s, b) => s + b, 0);
  const byFraction = exact
    .map((x, i) => ({ i, fraction: x - Math.floor(x) }))
    .sort((a, b) => b.fraction - a.fraction || a.i - b.i);
  for (const { i } of byFraction) {
    if (left <= 0) break;
    bp[i] = (bp[i] ?? 0) + 1;
    left -= 1;
  }
  return bp;
}

export async function assertModelExists(db: Reader, modelId: string): Promise<void> {
  const model = await db.model.findUnique({ where: { id: modelId }, select: { id: true } });
  if (model) return;
  const known = await db.model.findMany({ select: { id: true }, orderBy: { id: 'asc' } });
  throw badRequest(
    `modelId: there is no model "${modelId}" in the catalogue; choose one of ${known
      .map((m) => m.id)
      .join(', ')}`,
  );
}

export interface ResolvedDemand {
  metroId: string;
  weightBp: number;
  lat: number;
  lon: number;
}

/** The demand metros with their coordinates and weights in basis points. */
export async function resolveDemand(db: Reader, demand: TDemandInput): Promise<ResolvedDemand[]> {
  const metros = await db.metro.findMany({
    where: { id: { in: demand.map((d) => d.metroId) } },
    select: { id: true, lat: true, lon: true },
  });
  const byId = new Map(metros.map((m) => [m.id, m]));
  const bp = normaliseWeights(demand.map((d) => d.weight));
  return demand.map((d, i) => {
    const metro = byId.get(d.metroId);
    if (!metro) {
      throw badRequest(
        `demand.${i}.metroId: there is no metro "${d.metroId}"; use a metro id such as frankfurt or new-york`,
      );
    }
    const weightBp = bp[i] ?? 0;
    if (weightBp === 0) {
      throw badRequest(
        `demand.${i}.weight: ${d.weight} is under 0.01% of the total weight; leave ${d.metroId} out or raise its weight`,
      );
    }
    return { metroId: d.metroId, weightBp, lat: metro.lat, lon: metro.lon };
  });
}

const formatMs = (ms: number) => `${ms.toFixed(1)} ms`;

/**
 * Refuses a latency target that no placement could meet: for each demand metro the floor is
 * the straight-fibre RTT to the nearest site (of any operator) carrying every required
 * jurisdiction; the target must be at or above the floor of at least one metro.
 */
export async function assertSloPhysicallyReachable(
  db: Reader,
  spec: { sloTtftP95Ms: number; jurisdictions: string[]; demand: ResolvedDemand[] },
): Promise<void> {
  const sites = await db.site.findMany({
    where: { jurisdictions: { hasEvery: spec.jurisdictions } },
    select: { lat: true, lon: true, jurisdictions: true },
  });
  const floors = physicalRttFloors(
    spec.demand.map((d) => ({ id: d.metroId, lat: d.lat, lon: d.lon })),
    sites,
    spec.jurisdictions,
  );
  if (sloReachable(spec.sloTtftP95Ms, floors)) return;
  if (floors.every((f) => f.floorMs === null)) {
    throw badRequest(
      `sloTtftP95Ms: cannot be met because no site on the grid carries every required jurisdiction (${spec.jurisdictions.join(
        ', ',
      )}); require fewer jurisdictions`,
    );
  }
  const perMetro = floors
    .map((f) => `${f.metroId} ≥ ${f.floorMs === null ? 'no site' : formatMs(f.floorMs)}`)
    .join(', ');
  throw badRequest(
    `sloTtftP95Ms: ${spec.sloTtftP95Ms} ms is below the physical limit for every demand metro (${perMetro}) to the nearest site in ${spec.jurisdictions.join(
      ', ',
    )}; raise the SLO or add demand nearer to such a site`,
  );
}
