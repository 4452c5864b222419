// Greedy placement: fast, no optimality guarantee, same solution shape as the MILP.
// 1. Serve: repeatedly take the cheapest step per request/s absorbed: spare room on a node
//    that already has replicas (free), or one more replica on some node, at the load tier that
//    absorbs the most pending demand.
// 2. Redundancy: while a metro lacks a second site that can meet its SLO, add the replica that
//    gives the most such metros a second site per unit of cost.
// 3. Improve (greedy-local-search.ts): re-route nearest first, then drop, swap and merge
//    replicas while the cost falls and every metro stays served.
import {
  allServed,
  capacity,
  coverage,
  createState,
  EPS,
  fill,
  restore,
  route,
  snapshot,
  usedCandidates,
  type GreedyState,
} from './greedy-state';
import { improvePlacement } from './greedy-local-search';
import {
  expandSolution,
  reachableMetros,
  subProblem,
  type PlacementProblem,
  type SolverOutcome,
} from './placement-problem';

function serve(st: GreedyState): void {
  const { p, s } = st;
  const totalRps = p.metros.reduce((a, m) => a + m.rps, 0);
  const cover = 1e-6 * (1 + totalRps);
  const pending = (m: number) =>
    st.want[m] === true && ((st.remaining[m] ?? 0) > EPS || !st.covered[m]);
  for (let guard = 0; guard < 100_000; guard++) {
    if (!p.metros.some((_, m) => pending(m))) return;
    let best:
      | { i: number; extra: number; tier: number; score: number; value: number; lat: number }
      | undefined;
    for (let i = 0; i < p.candidates.length; i++) {
      const c = p.candidates[i]!;
      const list = st.lists[i]!;
      const y = s.replicas[i] ?? 0;
      const current = s.nodeTier[i] ?? -1;
      for (let extra = 0; extra <= 1; extra++) {
        if (extra === 0 && y === 0) continue;
        if (extra === 1 && (y >= c.maxReplicas || c.costPerReplicaHourMicros > st.budgetLeft))
          continue;
        let demand = 0;
        let uncovered = 0;
        let lat = 0;
        for (let k = 0; k < list.length; k++) {
          const e = list[k]!;
          if (pending(e.m)) {
            demand += st.remaining[e.m] ?? 0;
            if (!st.covered[e.m] && (p.metros[e.m]?.rps ?? 0) <= EPS) uncovered++;
            lat += (p.metros[e.m]?.share ?? 0) * (c.idleP95Ms[e.m] ?? 0);
          }
          const next = list[k + 1];
          if (next && next.tier === e.tier) continue;
          if (demand <= EPS && uncovered === 0) continue;
          const tier = Math.max(e.tier, current);
          const room = capacity(p, c, tier, y + extra) - (st.load[i] ?? 0);
          if (room < -EPS) continue;
          const value = (room > EPS ? Math.min(room, demand) : 0) + cover * uncovered;
          if (value <= EPS) continue;
          const score = (extra * c.objectiveCost) / value;
          const better =
            !best ||
            score < best.score - 1e-12 ||
            (Math.abs(score - best.score) <= 1e-12 &&
              (value > best.value + EPS ||
                (Math.abs(value - best.value) <= EPS &&
                  (lat < best.lat - 1e-9 ||
                    (Math.abs(lat - best.lat) <= 1e-9 &&
                      !st.operatorsUsed.has(c.operatorId) &&
                      st.operatorsUsed.has(p.candidates[best.i]!.operatorId))))));
          if (better) best = { i, extra, tier, score, value, lat };
        }
      }
    }
    if (!best) return;
    const c = p.candidates[best.i]!;
    s.replicas[best.i] = (s.replicas[best.i] ?? 0) + best.extra;
    st.budgetLeft -= best.extra * c.costPerReplicaHourMicros;
    s.nodeTier[best.i] = best.tier;
    st.operatorsUsed.add(c.operatorId);
    const tier = best.tier;
    fill(
      st,
      best.i,
      tier,
      st.order,
      (m) => pending(m) && (c.tier[m] ?? -1) >= 0 && c.tier[m]! <= tier,
    );
  }
}

function addRedundancy(st: GreedyState): void {
  const { p, s } = st;
  for (let guard = 0; guard < 10_000; guard++) {
    const used = usedCandidates(st);
    const covering = p.metros.map((_, m) => coverage(st, m, used));
    const lacking = p.metros.map(
      (_, m) => st.two[m] === true && st.covered[m] === true && covering[m]!.size < 2,
    );
    if (!lacking.some(Boolean)) return;
    let best: { i: number; score: number; lat: number; tier: number; fresh: boolean } | undefined;
    for (let i = 0; i < p.candidates.length; i++) {
      const c = p.candidates[i]!;
      if ((s.replicas[i] ?? 0) >= c.maxReplicas || c.costPerReplicaHourMicros > st.budgetLeft)
        continue;
      let fixes = 0;
      let lat = 0;
      let tier = Number.POSITIVE_INFINITY;
      for (const e of st.lists[i]!) {
        if (!lacking[e.m] || covering[e.m]!.has(c.siteId)) continue;
        fixes++;
        lat += c.idleP95Ms[e.m] ?? 0;
        tier = Math.min(tier, e.tier);
      }
      if (fixes === 0) continue;
      const score = c.objectiveCost / fixes;
      lat /= fixes;
      const fresh = !st.operatorsUsed.has(c.operatorId);
      if (
        !best ||
        score < best.score ||
        (score === best.score && fresh && !best.fresh) ||
        (score === best.score && fresh === best.fresh && lat < best.lat)
      )
        best = { i, score, lat, tier, fresh };
    }
    if (!best) return;
    const c = p.candidates[best.i]!;
    s.replicas[best.i] = (s.replicas[best.i] ?? 0) + 1;
    st.budgetLeft -= c.costPerReplicaHourMicros;
    if ((s.nodeTier[best.i] ?? -1) < 0) s.nodeTier[best.i] = best.tier;
    st.operatorsUsed.add(c.operatorId);
  }
}

export interface GreedyOptions {
  /** Skip the local search (faster, worse). */
  noLocalSearch?: boolean;
}

/**
 * The nodes worth a greedy's attention on a large grid: per metro and GPU type, the cheapest per
 * request/s until they could carry twice the metro's traffic (at least three), the nearest
 * sites, and nodes with running replicas.
 */
function greedyPool(p: PlacementProblem): number[] {
  const chosen = new Set<number>();
  p.candidates.forEach((c, i) => {
    if (c.existingReplicas > 0) chosen.add(i);
  });
  for (let m = 0; m < p.metros.length; m++) {
    const byType = new Map<string, Array<{ i: number; perRps: number; room: number }>>();
    const near: Array<{ i: number; p95: number }> = [];
    p.candidates.forEach((c, i) => {
      const t = c.tier[m] ?? -1;
      if (t < 0) return;
      const cap = capacity(p, c, t, 1);
      const list = byType.get(c.gpuTypeId) ?? [];
      list.push({ i, perRps: c.objectiveCost / Math.max(cap, 1e-9), room: cap * c.maxReplicas });
      byType.set(c.gpuTypeId, list);
      near.push({ i, p95: c.idleP95Ms[m] ?? 0 });
    });
    const need = 2 * (p.metros[m]?.rps ?? 0);
    for (const list of byType.values()) {
      list.sort((a, b) => a.perRps - b.perRps || a.i - b.i);
      let room = 0;
      for (let k = 0; k < list.length && (k < 3 || room < need); k++) {
        chosen.add(list[k]!.i);
        room += list[k]!.room;
      }
    }
    near.sort((a, b) => a.p95 - b.p95 || a.i - b.i);
    const sites = new Set<string>();
    for (const e of near) {
      if (sites.size >= 3) break;
      const site = p.candidates[e.i]!.siteId;
      if (!sites.has(site)) chosen.add(e.i);
      sites.add(site);
    }
  }
  return [...chosen].sort((a, b) => a - b);
}

const POOL_ABOVE = 150;

export function solveGreedy(problem: PlacementProblem, options: GreedyOptions = {}): SolverOutcome {
  if (problem.candidates.length > POOL_ABOVE) {
    const indices = greedyPool(problem);
    if (indices.length < problem.candidates.length) {
      const sub = subProblem(problem, indices);
      const outcome = solveOn(sub, options);
      const reachable = reachableMetros(problem);
      if (problem.metros.every((_, m) => !reachable[m] || outcome.solution.served[m])) {
        return { ...outcome, solution: expandSolution(problem, indices, outcome.solution) };
      }
    }
  }
  return solveOn(problem, options);
}

function solveOn(problem: PlacementProblem, options: GreedyOptions): SolverOutcome {
  const st = createState(problem);
  serve(st);
  const servedAll = allServed(st);
  if (problem.redundancy) addRedundancy(st);
  if (servedAll) {
    const served = snapshot(st);
    if (!route(st)) restore(st, served);
    else if (!options.noLocalSearch) improvePlacement(st);
  }
  st.s.served = problem.metros.map(
    (_, m) => st.want[m] === true && (st.remaining[m] ?? 0) <= EPS && st.covered[m] === true,
  );
  return {
    solution: st.s,
    solver: 'greedy',
    gapPct: null,
    status: 'heuristic',
    columns: 0,
    rows: 0,
  };
}
