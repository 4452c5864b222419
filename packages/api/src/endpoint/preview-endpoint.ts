// The placement preview: where an endpoint would go on today's market, what it would cost and
// what latency each demand metro would see, or why it cannot be placed and what would make it
// possible. Nothing is reserved. Capacity counts when its operator is approved, its node is
// healthy and an offer is valid now; GPUs already reserved by replicas are taken out.
import type { Db } from '@aigrid/db';
import { offeredGpus, placeEndpoint, type Grid, type GridSite } from '@aigrid/placement';
import { z } from 'zod';
import { ZCreateEndpointInput } from './endpoint-schemas';
import { assertModelExists, resolveDemand, TOTAL_BP } from './validate-endpoint';

export const ZPreviewEndpointInput = ZCreateEndpointInput.omit({
  name: true,
  idempotencyKey: true,
});
export type TPreviewEndpointInput = z.infer<typeof ZPreviewEndpointInput>;

export const ZPlacementPreview = z.object({
  feasible: z.boolean(),
  solver: z.string(),
  optimalityGapPct: z.number().nullable(),
  replicas: z.array(
    z.object({
      nodeId: z.string(),
      siteId: z.string(),
      siteName: z.string(),
      gpuTypeId: z.string(),
      gpuCount: z.number(),
    }),
  ),
  perMetro: z.array(
    z.object({
      metroId: z.string(),
      servedBy: z.array(z.string()),
      p50TtftMs: z.number().nullable(),
      p95TtftMs: z.number().nullable(),
      meetsSlo: z.boolean(),
    }),
  ),
  costPerMonthMicros: z.number(),
  costPerMTokensMicros: z.number(),
  reasons: z.array(z.object({ metroId: z.string().optional(), message: z.string() })),
  alternatives: z.array(z.object({ kind: z.string(), message: z.string() })),
  excluded: z.array(
    z.object({ siteId: z.string(), siteName: z.string(), reasons: z.array(z.string()) }),
  ),
});
export type TPlacementPreview = z.infer<typeof ZPlacementPreview>;

const ACTIVE_REPLICA_STATES = ['RESERVED', 'LOADING', 'READY', 'DRAINING', 'UNLOADING'] as const;

/** The market as placement sees it: approved operators' sites, nodes and offers valid at `now`. */
export async function loadMarketGrid(db: Db, now: Date, metroIds: string[]): Promise<Grid> {
  const [sites, reserved, rtt] = await Promise.all([
    db.site.findMany({
      where: { organization: { operator: { approvedAt: { not: null } } } },
      include: {
        nodes: true,
        offers: {
          where: { validFrom: { lte: now }, OR: [{ validTo: null }, { validTo: { gt: now } }] },
          orderBy: { validFrom: 'desc' },
        },
      },
    }),
    db.replica.groupBy({
      by: ['nodeId'],
      where: { state: { in: [...ACTIVE_REPLICA_STATES] } },
      _sum: { gpuCount: true },
    }),
    db.rttMeasurement.findMany({ where: { metroId: { in: metroIds } } }),
  ]);
  const reservedByNode = new Map(reserved.map((r) => [r.nodeId, r._sum.gpuCount ?? 0]));
  const gridSites: GridSite[] = sites.map((s) => ({
    id: s.id,
    operatorId: s.organizationId,
    name: s.name,
    lat: s.lat,
    lon: s.lon,
    jurisdictions: s.jurisdictions,
    nodes: s.nodes.map((n) => {
      const offer = s.offers.find((o) => o.gpuTypeId === n.gpuTypeId);
      return {
        id: n.id,
        gpuTypeId: n.gpuTypeId,
        gpuCount: n.gpuCount,
        healthy: n.status === 'HEALTHY',
        draining: n.status === 'DRAINING' || n.status === 'DRAINED',
        utilisation: 0,
        reservedGpus: reservedByNode.get(n.id) ?? 0,
        offeredGpus: offer
          ? offeredGpus({
              gpuCount: n.gpuCount,
              capacityShareBp: offer.capacityShareBp,
              quotaGpus: offer.quotaGpus,
            })
          : 0,
        pricePerGpuHourMicros: Number(offer?.pricePerGpuHourMicros ?? 0n),
        pricePerMTokensMicros: Number(offer?.pricePerMTokensMicros ?? 0n),
      };
    }),
  }));
  return {
    sites: gridSites,
    rtt: rtt.map((r) => ({ metroId: r.metroId, siteId: r.siteId, rttMs: r.rttMs })),
  };
}

export async function previewEndpoint(
  db: Db,
  input: TPreviewEndpointInput,
  now: Date,
): Promise<TPlacementPreview> {
  await assertModelExists(db, input.modelId);
  const demand = await resolveDemand(db, input.demand);
  const model = await db.model.findUniqueOrThrow({ where: { id: input.modelId } });
  const grid = await loadMarketGrid(
    db,
    now,
    demand.map((d) => d.metroId),
  );
  const result = await placeEndpoint({
    endpoint: {
      modelId: model.id,
      model: {
        parametersB: model.parametersB,
        memoryGb: model.memoryGb,
        supportedGpuTypes: model.supportedGpuTypes,
      },
      sloTtftP95Ms: input.sloTtftP95Ms,
      jurisdictions: input.jurisdictions,
      demand: demand.map((d) => ({
        metroId: d.metroId,
        weight: d.weightBp / TOTAL_BP,
        lat: d.lat,
        lon: d.lon,
      })),
      expectedRps: input.expectedRps,
      redundancy: input.redundancy,
      budgetPerMonthMicros: input.budgetMicrosPerMonth,
    },
    grid,
    options: { solver: 'auto', timeLimitMs: 2_000 },
  });
  const siteName = new Map(grid.sites.map((s) => [s.id, s.name]));
  const name = (id: string) => siteName.get(id) ?? id;
  return {
    feasible: result.feasible,
    solver: result.solver,
    optimalityGapPct: result.optimalityGapPct,
    replicas: result.replicas.map((r) => ({
      nodeId: r.nodeId,
      siteId: r.siteId,
      siteName: name(r.siteId),
      gpuTypeId: r.gpuTypeId,
      gpuCount: r.gpuCount,
    })),
    perMetro: result.perMetro.map((m) => ({
      metroId: m.metroId,
      servedBy: m.servedBy.map(name),
      p50TtftMs: m.p50TtftMs,
      p95TtftMs: m.p95TtftMs,
      meetsSlo: m.meetsSlo,
    })),
    costPerMonthMicros: Math.round(result.costPerMonthMicros),
    costPerMTokensMicros: Math.round(result.costPerMTokensMicros),
    reasons: result.reasons.map((r) => ({
      ...(r.metroId ? { metroId: r.metroId } : {}),
      message: r.message,
    })),
    alternatives: result.alternatives.map((a) => ({ kind: a.kind, message: a.message })),
    excluded: result.excluded.map((e) => ({
      siteId: e.siteId,
      siteName: name(e.siteId),
      reasons: e.reasons,
    })),
  };
}
