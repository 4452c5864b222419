// Evaluates a given set of replicas (a baseline's, an operator's manual choice, or what runs
// now) under the same latency and cost model: traffic routed nearest-first within each node's
// planned maximum load, then p50/p95 TTFT per metro, SLO attainment and cost.
import { buildCandidates } from './build-candidates';
import { costFigures, metroOutcomes, routeNearestFirst, type CostFigures } from './assemble-result';
import { resolveTuning, workloadOf } from './placement-defaults';
import type { PlacementProblem } from './placement-problem';
import type { MetroOutcome, PlacementRequest } from './types';

export interface PlacementEvaluation extends CostFigures {
  perMetro: MetroOutcome[];
  /** Share of the traffic (by metro weight) whose metro meets the SLO, in %. */
  sloAttainmentPct: number;
  /** Every metro meets the SLO (and has two sites when redundancy is asked). */
  meetsSlo: boolean;
  /** Replicas that could not be counted: node unknown, ineligible or out of room. */
  ignored: Array<{ nodeId: string; count: number; reason: string }>;
}

export interface EvaluateOptions {
  /** The replicas already run there, so their GPUs are part of the node's reserved GPUs. */
  running?: boolean;
  /** Requests queued per node id now. */
  queueDepth?: ReadonlyMap<string, number>;
}

export function evaluatePlacement(
  request: PlacementRequest,
  replicas: ReadonlyArray<{ nodeId: string; count?: number }>,
  options: EvaluateOptions = {},
): PlacementEvaluation {
  const counts = new Map<string, number>();
  for (const r of replicas) counts.set(r.nodeId, (counts.get(r.nodeId) ?? 0) + (r.count ?? 1));
  const tuning = resolveTuning(request.options?.tuning);
  const workload = workloadOf(request.endpoint);
  const set = buildCandidates(request.endpoint, request.grid, {
    tuning,
    workload,
    existing: options.running ? counts : undefined,
  });
  const candidates = set.eligible.filter((c) => counts.has(c.nodeId));
  const problem: PlacementProblem = {
    metros: set.metros,
    candidates,
    sloMs: request.endpoint.sloTtftP95Ms,
    redundancy: request.endpoint.redundancy,
    budgetPerHourMicros: Number.POSITIVE_INFINITY,
    tierFractions: set.tierFractions,
  };
  const ignored: PlacementEvaluation['ignored'] = [];
  const y = new Int32Array(candidates.length);
  candidates.forEach((c, i) => {
    const want = counts.get(c.nodeId) ?? 0;
    const room = options.running ? Math.max(want, c.maxReplicas) : c.maxReplicas;
    y[i] = Math.min(want, room);
    if (want > room)
      ignored.push({ nodeId: c.nodeId, count: want - room, reason: 'no free capacity' });
  });
  for (const [nodeId, count] of counts) {
    if (!candidates.some((c) => c.nodeId === nodeId)) {
      const site = set.exclusions.find((e) =>
        e.reasons.some((r) => r.startsWith(`node ${nodeId}:`)),
      );
      const reason = site?.reasons.find((r) => r.startsWith(`node ${nodeId}:`));
      ignored.push({ nodeId, count, reason: reason ?? 'node not eligible for this endpoint' });
    }
  }
  const solution = routeNearestFirst(problem, y);
  const queue = new Map<number, number>();
  candidates.forEach((c, i) => {
    const d = options.queueDepth?.get(c.nodeId);
    if (d !== undefined) queue.set(i, d);
  });
  const perMetro = metroOutcomes(problem, solution, { queueDepth: queue });
  const attained = perMetro.reduce(
    (a, o, m) => a + (o.meetsSlo ? (set.metros[m]?.share ?? 0) : 0),
    0,
  );
  const redundant =
    !request.endpoint.redundancy ||
    perMetro.every((o) => o.servedBy.length + o.backupSites.length >= 2);
  return {
    ...costFigures(problem, solution, workload),
    perMetro,
    sloAttainmentPct: Math.round(attained * 100_000) / 1000,
    meetsSlo: perMetro.length > 0 && perMetro.every((o) => o.meetsSlo) && redundant,
    ignored,
  };
}
