// Batch placement of many endpoints on one grid (the simulator's packing): endpoints are placed
// one after another, each consuming the GPUs its replicas reserve before the next is placed.
// 'tightest-first' places endpoints with the fewest nodes able to meet their SLO first (then
// the busiest), so flexible endpoints do not take the only capacity a tight one could use.
import { buildCandidates } from './build-candidates';
import { DEFAULT_BATCH_TIME_LIMIT_MS, resolveTuning, workloadOf } from './placement-defaults';
import { runGreedy, runPlacement } from './place-endpoint';
import type { EndpointSpec, Grid, PlacementOptions, PlacementResult } from './types';

export interface BatchPlacementRequest {
  endpoints: readonly EndpointSpec[];
  grid: Grid;
  /** timeLimitMs is per endpoint here (default 250 ms: packing needs no optimality proofs). */
  options?: PlacementOptions & {
    order?: 'given' | 'tightest-first';
    /** Reserve the replicas of endpoints that cannot be fully met too (default false). */
    reserveInfeasible?: boolean;
  };
}

export interface BatchEndpointResult {
  endpointId: string;
  /** Position in the placement order. */
  order: number;
  reserved: boolean;
  result: PlacementResult;
}

export interface BatchPlacementResult {
  /** In the order the endpoints were given. */
  results: BatchEndpointResult[];
  placed: number;
  rejected: number;
  gpusReserved: number;
  /** The grid with every reservation made. */
  grid: Grid;
}

function reachableNodes(endpoint: EndpointSpec, grid: Grid, options: PlacementOptions | undefined) {
  const set = buildCandidates(endpoint, grid, {
    tuning: resolveTuning(options?.tuning),
    workload: workloadOf(endpoint),
  });
  return set.eligible.filter((c) => c.tier.some((t) => t >= 0)).length;
}

export async function placeBatch(request: BatchPlacementRequest): Promise<BatchPlacementResult> {
  const options = request.options ?? {};
  const ids = request.endpoints.map((e, i) => e.id ?? `endpoint-${i}`);
  let order = request.endpoints.map((_, i) => i);
  if ((options.order ?? 'tightest-first') === 'tightest-first') {
    const reach = request.endpoints.map((e) => reachableNodes(e, request.grid, options));
    order = order.sort(
      (a, b) =>
        (reach[a] ?? 0) - (reach[b] ?? 0) ||
        (request.endpoints[b]?.expectedRps ?? 0) - (request.endpoints[a]?.expectedRps ?? 0) ||
        a - b,
    );
  }
  // Mutable copy of the reservations.
  const reserved = new Map<string, number>();
  for (const s of request.grid.sites) for (const n of s.nodes) reserved.set(n.id, n.reservedGpus);
  const gridNow = (): Grid => ({
    ...request.grid,
    sites: request.grid.sites.map((s) => ({
      ...s,
      nodes: s.nodes.map((n) => ({ ...n, reservedGpus: reserved.get(n.id) ?? n.reservedGpus })),
    })),
  });
  const results: BatchEndpointResult[] = new Array(request.endpoints.length);
  let gpusReserved = 0;
  let placed = 0;
  for (const [position, index] of order.entries()) {
    const endpoint = request.endpoints[index]!;
    const single = {
      endpoint,
      grid: gridNow(),
      options: { explain: false, timeLimitMs: DEFAULT_BATCH_TIME_LIMIT_MS, ...options },
    };
    const result = options.solver === 'greedy' ? runGreedy(single) : await runPlacement(single);
    const reserve =
      result.replicas.length > 0 && (result.feasible || options.reserveInfeasible === true);
    if (reserve) {
      for (const r of result.replicas) {
        reserved.set(r.nodeId, (reserved.get(r.nodeId) ?? 0) + r.gpuCount);
        gpusReserved += r.gpuCount;
      }
    }
    if (result.feasible) placed++;
    results[index] = { endpointId: ids[index]!, order: position, reserved: reserve, result };
  }
  return {
    results,
    placed,
    rejected: request.endpoints.length - placed,
    gpusReserved,
    grid: gridNow(),
  };
}
