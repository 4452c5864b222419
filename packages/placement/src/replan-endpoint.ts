// Re-placement: given the replicas an endpoint runs and the grid's new health and utilisation,
// the fewest moves that restore the SLO. Make before break: every add comes before any remove.
// - Replicas on nodes that are gone, unhealthy or draining must go; the rest stay.
// - Demand is re-estimated from what the running replicas report: utilisation × service rate
//   × replicas per node (the expected rate is the floor; replicas on failed nodes are assumed
//   to have carried their share of it).
// - If what stays already meets the SLO (and redundancy) at that demand, nothing moves.
//   Otherwise the placement is solved again with the staying replicas fixed and a penalty on
//   each new replica far above any price: fewest new replicas first, then the cheapest.
import { evaluatePlacement, type PlacementEvaluation } from './evaluate-placement';
import { resolveTuning, statsWithoutSolve, workloadOf } from './placement-defaults';
import { runPlacement } from './place-endpoint';
import { sizeReplica } from './replica-profile';
import type { GridNode, GridSite, MetroOutcome, PlacementRequest, PlacementResult } from './types';

export interface CurrentReplica {
  nodeId: string;
  /** Replicas of the endpoint on the node (default 1). */
  count?: number;
}

export interface ReplanRequest extends PlacementRequest {
  current: readonly CurrentReplica[];
}

export type PlacementMove =
  | { kind: 'add'; nodeId: string; siteId: string; gpuCount: number; count: number }
  | {
      kind: 'remove';
      nodeId: string;
      siteId: string | null;
      count: number;
      reason: 'node-missing' | 'unhealthy' | 'draining';
    };

export interface ReplanResult {
  /** The running replicas that stay already meet the SLO: no moves. */
  sloMetNow: boolean;
  /** Demand the plan is for (req/s): the expected rate or what the replicas report, if more. */
  demandRps: number;
  /** Predicted TTFT per metro with the replicas that stay, before any move. */
  before: MetroOutcome[];
  /** Adds first, then removes. */
  moves: PlacementMove[];
  /** The placement after the moves. */
  after: PlacementResult;
}

export async function replanEndpoint(request: ReplanRequest): Promise<ReplanResult> {
  const nodes = new Map<string, { node: GridNode; site: GridSite }>();
  for (const site of request.grid.sites)
    for (const node of site.nodes) nodes.set(node.id, { node, site });
  const counts = new Map<string, number>();
  for (const r of request.current)
    counts.set(r.nodeId, (counts.get(r.nodeId) ?? 0) + (r.count ?? 1));

  const tuning = resolveTuning(request.options?.tuning);
  const workload = workloadOf(request.endpoint);
  const removes: PlacementMove[] = [];
  const staying = new Map<string, number>();
  let observed = 0;
  let capacityAll = 0;
  let capacityLost = 0;
  for (const [nodeId, count] of counts) {
    const hit = nodes.get(nodeId);
    const sizing = hit
      ? sizeReplica(request.endpoint.model, hit.node.gpuTypeId, hit.node.gpuCount, workload, tuning)
      : undefined;
    const mu = sizing?.ok ? sizing.profile.serviceRateRps * count : 0;
    capacityAll += mu;
    if (!hit || !hit.node.healthy) {
      capacityLost += mu;
      removes.push({
        kind: 'remove',
        nodeId,
        siteId: hit?.site.id ?? null,
        count,
        reason: hit ? 'unhealthy' : 'node-missing',
      });
      continue;
    }
    observed += Math.min(1, Math.max(0, hit.node.utilisation)) * mu;
    if (hit.node.draining) {
      removes.push({ kind: 'remove', nodeId, siteId: hit.site.id, count, reason: 'draining' });
    } else {
      staying.set(nodeId, count);
    }
  }
  const expected = Math.max(0, request.endpoint.expectedRps);
  const lostShare = capacityAll > 0 ? (expected * capacityLost) / capacityAll : 0;
  const demandRps = Math.max(expected, observed + lostShare);
  const endpoint = { ...request.endpoint, expectedRps: demandRps };
  const queueDepth = new Map<string, number>();
  for (const nodeId of staying.keys()) {
    const d = nodes.get(nodeId)?.node.queueDepth;
    if (d !== undefined && d > 0) queueDepth.set(nodeId, d);
  }

  const base: PlacementRequest = { ...request, endpoint };
  const before = evaluatePlacement(
    base,
    [...staying].map(([nodeId, count]) => ({ nodeId, count })),
    { running: true, queueDepth },
  );
  const sloMetNow = removes.length === 0 && before.meetsSlo;
  const maxCost = Math.max(
    1,
    ...request.grid.sites.flatMap((s) => s.nodes.map((n) => n.pricePerGpuHourMicros * n.gpuCount)),
  );
  if (sloMetNow) {
    return {
      sloMetNow,
      demandRps,
      before: before.perMetro,
      moves: [],
      after: asResult(base, staying, before),
    };
  }
  // The plan is for the steady state: today's backlog drains once the new replicas serve.
  const after = await runPlacement(base, {
    existing: staying,
    movePenalty: 1000 * Math.round(maxCost),
  });
  const adds: PlacementMove[] = [];
  {
    const placed = new Map<string, { siteId: string; gpuCount: number; count: number }>();
    for (const r of after.replicas) {
      const prev = placed.get(r.nodeId);
      if (prev) prev.count++;
      else placed.set(r.nodeId, { siteId: r.siteId, gpuCount: r.gpuCount, count: 1 });
    }
    for (const [nodeId, p] of [...placed].sort((a, b) => a[0].localeCompare(b[0]))) {
      const extra = p.count - (staying.get(nodeId) ?? 0);
      if (extra > 0)
        adds.push({ kind: 'add', nodeId, siteId: p.siteId, gpuCount: p.gpuCount, count: extra });
    }
  }
  return { sloMetNow, demandRps, before: before.perMetro, moves: [...adds, ...removes], after };
}

/** The running placement, unchanged, in the shape of a placement result. */
function asResult(
  request: PlacementRequest,
  staying: ReadonlyMap<string, number>,
  evaluation: PlacementEvaluation,
): PlacementResult {
  const replicas: PlacementResult['replicas'] = [];
  for (const site of request.grid.sites) {
    for (const node of site.nodes) {
      const count = staying.get(node.id) ?? 0;
      const sizing = sizeReplica(
        request.endpoint.model,
        node.gpuTypeId,
        node.gpuCount,
        workloadOf(request.endpoint),
        resolveTuning(request.options?.tuning),
      );
      const gpuCount = sizing.ok ? sizing.profile.tensorParallel : 0;
      for (let k = 0; k < count; k++) {
        replicas.push({
          nodeId: node.id,
          siteId: site.id,
          operatorId: site.operatorId,
          gpuTypeId: node.gpuTypeId,
          gpuCount,
        });
      }
    }
  }
  return {
    feasible: true,
    solver: 'none',
    optimalityGapPct: null,
    replicas,
    perMetro: evaluation.perMetro,
    costPerHourMicros: evaluation.costPerHourMicros,
    costPerMonthMicros: evaluation.costPerMonthMicros,
    costPerMTokensMicros: evaluation.costPerMTokensMicros,
    listedPricePerMTokensMicros: evaluation.listedPricePerMTokensMicros,
    reasons: [],
    excluded: [],
    alternatives: [],
    stats: statsWithoutSolve(
      request.grid.sites.length,
      'unchanged: the running replicas meet the SLO',
    ),
  };
}
