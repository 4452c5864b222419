// Tightening before the MILP: a naive model of every node × every metro is mostly nodes that
// cannot matter. Two rules:
// 1. Too far: a node that meets the SLO for no metro, even idle, can only add cost.
// 2. Dominated: node c is dropped when other kept nodes are each at least as good for every
//    metro (per-replica load allowed within the SLO at least as high), cost no more per
//    replica, and together have room for more replicas than any optimal placement can use
//    (objective of a known feasible placement / cheapest replica). Then an optimal placement
//    never needs c: any replica on c could move to a dominating node with room.
//    With redundancy the dominators must also span two sites. Nodes with the endpoint's
//    replicas already (re-placement) and nodes of a known solution are never dropped, so the
//    MILP can always find that solution again.
import type { Candidate, PlacementProblem } from './placement-problem';

export function pruneTooFar(candidates: readonly Candidate[]): {
  kept: Candidate[];
  tooFar: number;
} {
  const kept = candidates.filter((c) => c.existingReplicas > 0 || c.tier.some((t) => t >= 0));
  return { kept, tooFar: candidates.length - kept.length };
}

export interface DominanceOptions {
  /** Upper bound on the replicas of an optimal placement. */
  replicaBound: number;
  /** Node ids never to drop. */
  keep: ReadonlySet<string>;
}

export function pruneDominated(
  problem: PlacementProblem,
  options: DominanceOptions,
): { kept: Candidate[]; dominated: number } {
  const { candidates, metros, tierFractions } = problem;
  const M = metros.length;
  const caps = candidates.map((c) =>
    Float64Array.from({ length: M }, (_, m) => {
      const t = c.tier[m] ?? -1;
      return t >= 0 ? (tierFractions[t] ?? 0) * c.profile.maxRps : 0;
    }),
  );
  const latency = candidates.map((c) => {
    let sum = 0;
    for (let m = 0; m < M; m++) sum += (metros[m]?.share ?? 0) * (c.idleP95Ms[m] ?? 0);
    return sum;
  });
  const capSum = caps.map((v) => v.reduce((s, x) => s + x, 0));
  const order = candidates
    .map((_, i) => i)
    .sort(
      (a, b) =>
        (candidates[a]?.objectiveCost ?? 0) - (candidates[b]?.objectiveCost ?? 0) ||
        (capSum[b] ?? 0) - (capSum[a] ?? 0) ||
        (latency[a] ?? 0) - (latency[b] ?? 0) ||
        a - b,
    );
  const keptIdx: number[] = [];
  let dominated = 0;
  for (const i of order) {
    const c = candidates[i]!;
    const ci = caps[i]!;
    if (c.existingReplicas > 0 || options.keep.has(c.nodeId) || keptIdx.length === 0) {
      keptIdx.push(i);
      continue;
    }
    let room = 0;
    const sites = new Set<string>();
    let isDominated = false;
    for (const j of keptIdx) {
      const d = candidates[j]!;
      if (d.objectiveCost > c.objectiveCost) continue;
      const dj = caps[j]!;
      let geq = true;
      let strict = d.objectiveCost < c.objectiveCost;
      for (let m = 0; m < M; m++) {
        const a = dj[m] ?? 0;
        const b = ci[m] ?? 0;
        if (a < b) {
          geq = false;
          break;
        }
        if (a > b) strict = true;
      }
      if (!geq) continue;
      if (!strict) {
        // Equal in cost and load: keep nodes of other operators (spreading breaks such ties).
        const better = (latency[j] ?? 0) < (latency[i] ?? 0);
        if (!better && d.operatorId !== c.operatorId) continue;
      }
      room += d.maxReplicas;
      sites.add(d.siteId);
      if (room >= options.replicaBound && (!problem.redundancy || sites.size >= 2)) {
        isDominated = true;
        break;
      }
    }
    if (isDominated) dominated++;
    else keptIdx.push(i);
  }
  keptIdx.sort((a, b) => a - b);
  return { kept: keptIdx.map((i) => candidates[i]!), dominated };
}

export interface ScreenOptions {
  /** Per metro and GPU type, how many of the cheapest nodes per request/s to keep. */
  perGpuType: number;
  /** Per metro, how many of the nearest sites to keep (latency tie-breaks, redundancy). */
  nearestSites: number;
  keep: ReadonlySet<string>;
}

/**
 * Screening for models still too large after the safe rules: per metro, the nodes cheapest per
 * request/s of each GPU type and the nearest sites, plus nodes that must stay. Not provably
 * safe: the MILP is then optimal over the screened nodes (the result's stats say how many were
 * screened out).
 */
export function screenCandidates(problem: PlacementProblem, options: ScreenOptions): Candidate[] {
  const { candidates, metros, tierFractions } = problem;
  const chosen = new Set<number>();
  candidates.forEach((c, i) => {
    if (c.existingReplicas > 0 || options.keep.has(c.nodeId)) chosen.add(i);
  });
  for (let m = 0; m < metros.length; m++) {
    const fitting: Array<{ i: number; perRps: number; p95: number }> = [];
    candidates.forEach((c, i) => {
      const t = c.tier[m] ?? -1;
      if (t < 0) return;
      const cap = (tierFractions[t] ?? 0) * c.profile.maxRps;
      fitting.push({ i, perRps: c.objectiveCost / Math.max(cap, 1e-9), p95: c.idleP95Ms[m] ?? 0 });
    });
    const byType = new Map<string, typeof fitting>();
    for (const f of fitting) {
      const key = candidates[f.i]!.gpuTypeId;
      const list = byType.get(key) ?? [];
      list.push(f);
      byType.set(key, list);
    }
    for (const list of byType.values()) {
      list.sort((a, b) => a.perRps - b.perRps || a.p95 - b.p95 || a.i - b.i);
      list.slice(0, options.perGpuType).forEach((f) => chosen.add(f.i));
    }
    const sites = new Set<string>();
    for (const f of [...fitting].sort(
      (a, b) => a.p95 - b.p95 || a.perRps - b.perRps || a.i - b.i,
    )) {
      if (sites.size >= options.nearestSites) break;
      const site = candidates[f.i]!.siteId;
      if (sites.has(site)) continue;
      sites.add(site);
      chosen.add(f.i);
    }
  }
  return [...chosen].sort((a, b) => a - b).map((i) => candidates[i]!);
}

/** Columns the MILP gets for node–metro traffic shares: a proxy for its size. */
export function pairCount(problem: PlacementProblem): number {
  let pairs = 0;
  for (const c of problem.candidates) for (const t of c.tier) if (t >= 0) pairs++;
  return pairs;
}
