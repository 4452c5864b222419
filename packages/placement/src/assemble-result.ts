// From a solver's replicas and traffic split to what the result reports: the replica list,
// predicted p50/p95 TTFT per metro at the load each node actually carries, and the costs.
import { HOURS_PER_MONTH } from './placement-defaults';
import type { PlacementProblem, Solution } from './placement-problem';
import type { Workload } from './replica-profile';
import { predictTtft, type TtftPrediction } from './ttft-model';
import type { MetroOutcome, PlacedReplica } from './types';

const EPS = 1e-9;
/** Slack for solver tolerances when comparing a predicted p95 with the SLO. */
export const SLO_TOLERANCE_MS = 1e-3;

export function nodeLoads(problem: PlacementProblem, s: Solution): Float64Array {
  const C = problem.candidates.length;
  const load = new Float64Array(C);
  problem.metros.forEach((metro, m) => {
    for (let i = 0; i < C; i++) load[i] = (load[i] ?? 0) + metro.rps * (s.flow[m * C + i] ?? 0);
  });
  return load;
}

export function replicaList(problem: PlacementProblem, s: Solution): PlacedReplica[] {
  const out: PlacedReplica[] = [];
  problem.candidates.forEach((c, i) => {
    for (let k = 0; k < (s.replicas[i] ?? 0); k++) {
      out.push({
        nodeId: c.nodeId,
        siteId: c.siteId,
        operatorId: c.operatorId,
        gpuTypeId: c.gpuTypeId,
        gpuCount: c.profile.tensorParallel,
      });
    }
  });
  return out.sort((a, b) =>
    a.siteId === b.siteId ? a.nodeId.localeCompare(b.nodeId) : a.siteId.localeCompare(b.siteId),
  );
}

export interface OutcomeOptions {
  /** Requests already queued per candidate (re-placement's view of running replicas). */
  queueDepth?: ReadonlyMap<number, number>;
}

/** Predicted TTFT per metro; a metro meets the SLO when all its traffic is placed within it. */
export function metroOutcomes(
  problem: PlacementProblem,
  s: Solution,
  options: OutcomeOptions = {},
): MetroOutcome[] {
  const p = problem;
  const C = p.candidates.length;
  const load = nodeLoads(p, s);
  const predict = (m: number, i: number): TtftPrediction => {
    const c = p.candidates[i]!;
    const y = Math.max(1, s.replicas[i] ?? 0);
    return predictTtft(
      c.profile,
      { p50Ms: c.rttP50Ms[m] ?? 0, p95Ms: c.rttP95Ms[m] ?? 0 },
      { rpsPerReplica: (load[i] ?? 0) / y, queueDepth: options.queueDepth?.get(i) },
    );
  };
  return p.metros.map((metro, m) => {
    const serving: Array<{ i: number; share: number; pred: TtftPrediction }> = [];
    let placed = 0;
    for (let i = 0; i < C; i++) {
      const share = s.flow[m * C + i] ?? 0;
      if (share > EPS && (s.replicas[i] ?? 0) > 0) {
        serving.push({ i, share, pred: predict(m, i) });
        placed += share;
      }
    }
    const siteShare = new Map<string, number>();
    for (const e of serving) {
      const site = p.candidates[e.i]!.siteId;
      siteShare.set(site, (siteShare.get(site) ?? 0) + e.share);
    }
    const servedBy = [...siteShare.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([site]) => site);
    const backupSites = new Set<string>();
    p.candidates.forEach((c, i) => {
      if ((s.replicas[i] ?? 0) > 0 && (c.tier[m] ?? -1) >= 0 && !siteShare.has(c.siteId))
        backupSites.add(c.siteId);
    });
    let p50: number | null = null;
    let p95: number | null = null;
    if (serving.length > 0) {
      p95 = Math.max(...serving.map((e) => e.pred.p95Ms));
      // Median of the mixture, approximated by the share-weighted median of the nodes' medians.
      const sorted = [...serving].sort((a, b) => a.pred.p50Ms - b.pred.p50Ms);
      let acc = 0;
      for (const e of sorted) {
        acc += e.share;
        p50 = e.pred.p50Ms;
        if (acc >= placed / 2) break;
      }
    } else {
      // Not placed within the SLO: the best any chosen replica would give it at its load.
      for (let i = 0; i < C; i++) {
        if ((s.replicas[i] ?? 0) <= 0) continue;
        const pred = predict(m, i);
        if (p95 === null || pred.p95Ms < p95) {
          p95 = pred.p95Ms;
          p50 = pred.p50Ms;
        }
      }
    }
    const fullyPlaced = metro.rps <= EPS ? serving.length > 0 : placed >= 1 - 1e-6;
    const meetsSlo =
      s.served[m] === true &&
      fullyPlaced &&
      p95 !== null &&
      Number.isFinite(p95) &&
      p95 <= p.sloMs + SLO_TOLERANCE_MS;
    return {
      metroId: metro.id,
      servedBy,
      backupSites: [...backupSites].sort(),
      rps: metro.rps,
      p50TtftMs: p50 !== null && Number.isFinite(p50) ? round2(p50) : null,
      p95TtftMs: p95 !== null && Number.isFinite(p95) ? round2(p95) : null,
      meetsSlo,
    };
  });
}

const round2 = (x: number) => Math.round(x * 100) / 100;

export interface CostFigures {
  costPerHourMicros: number;
  costPerMonthMicros: number;
  costPerMTokensMicros: number;
  listedPricePerMTokensMicros: number;
}

export function costFigures(
  problem: PlacementProblem,
  s: Solution,
  workload: Workload,
): CostFigures {
  let hour = 0;
  problem.candidates.forEach((c, i) => (hour += (s.replicas[i] ?? 0) * c.costPerReplicaHourMicros));
  const rps = problem.metros.reduce((a, m) => a + m.rps, 0);
  const mTokensPerHour = (rps * 3600 * (workload.promptTokens + workload.outputTokens)) / 1e6;
  const load = nodeLoads(problem, s);
  let weighted = 0;
  let total = 0;
  problem.candidates.forEach((c, i) => {
    weighted += (load[i] ?? 0) * c.pricePerMTokensMicros;
    total += load[i] ?? 0;
  });
  return {
    costPerHourMicros: Math.round(hour),
    costPerMonthMicros: Math.round(hour) * HOURS_PER_MONTH,
    costPerMTokensMicros: mTokensPerHour > 0 ? Math.round(hour / mTokensPerHour) : 0,
    listedPricePerMTokensMicros: total > 0 ? Math.round(weighted / total) : 0,
  };
}

/**
 * Routes traffic over given replicas the way a latency-first router would: each metro to its
 * nearest replicas first, each node up to its planned maximum load, regardless of the SLO.
 * Used to evaluate placements that did not come from a solver (baselines, running replicas).
 */
export function routeNearestFirst(problem: PlacementProblem, replicas: Int32Array): Solution {
  const p = problem;
  const C = p.candidates.length;
  const room = Float64Array.from(p.candidates, (c, i) => c.profile.maxRps * (replicas[i] ?? 0));
  const flow = new Float64Array(p.metros.length * C);
  const order = p.metros
    .map((_, m) => m)
    .sort((a, b) => (p.metros[b]?.rps ?? 0) - (p.metros[a]?.rps ?? 0));
  const served = p.metros.map(() => false);
  for (const m of order) {
    const rps = p.metros[m]!.rps;
    const nodes = p.candidates
      .map((_, i) => i)
      .filter((i) => (replicas[i] ?? 0) > 0)
      .sort((a, b) => (p.candidates[a]!.idleP95Ms[m] ?? 0) - (p.candidates[b]!.idleP95Ms[m] ?? 0));
    let left = rps;
    for (const i of nodes) {
      if (rps <= EPS) {
        flow[m * C + i] = 1;
        left = 0;
        break;
      }
      const take = Math.min(left, room[i] ?? 0);
      if (take <= EPS) continue;
      room[i] = (room[i] ?? 0) - take;
      flow[m * C + i] = take / rps;
      left -= take;
      if (left <= EPS) break;
    }
    served[m] = nodes.length > 0 && left <= EPS * Math.max(1, rps);
  }
  const nodeTier = new Int16Array(C).fill(-1);
  p.candidates.forEach((_, i) => {
    if ((replicas[i] ?? 0) > 0) nodeTier[i] = p.tierFractions.length - 1;
  });
  return { replicas: replicas.slice(), nodeTier, flow, served };
}
