// Local search on a greedy placement that serves every metro: moves that lower the cost while
// every metro stays served (traffic re-routed nearest first) and redundancy holds.
// - drop: one replica fewer on a node;
// - swap: one replica moves to a cheaper node (at any load tier that node's metros need);
// - merge: two replicas become one on a node cheaper than both.
// Nodes considered for swaps and merges: per metro, the cheapest per request/s of each GPU type
// and the nearest, plus those in use. Stops when no move helps or the move budget is spent.
import { capacity, redundancyMet, route, usedCandidates, type GreedyState } from './greedy-state';

const MAX_ROUTES = 6_000;

function insertionPool(st: GreedyState): number[] {
  const { p } = st;
  const pool = new Set<number>(usedCandidates(st));
  for (let m = 0; m < p.metros.length; m++) {
    if (!st.want[m]) continue;
    const byType = new Map<string, { i: number; perRps: number }>();
    let nearest: { i: number; p95: number } | undefined;
    p.candidates.forEach((c, i) => {
      const t = c.tier[m] ?? -1;
      if (t < 0) return;
      const perRps = c.objectiveCost / Math.max(1e-9, capacity(p, c, t, 1));
      const prev = byType.get(c.gpuTypeId);
      if (!prev || perRps < prev.perRps) byType.set(c.gpuTypeId, { i, perRps });
      const p95 = c.idleP95Ms[m] ?? 0;
      if (!nearest || p95 < nearest.p95) nearest = { i, p95 };
    });
    for (const e of byType.values()) pool.add(e.i);
    if (nearest) pool.add(nearest.i);
  }
  return [...pool];
}

/** Metros whose traffic node i carries now. */
function servedBy(st: GreedyState, i: number): number[] {
  const C = st.p.candidates.length;
  const out: number[] = [];
  for (let m = 0; m < st.p.metros.length; m++) if ((st.s.flow[m * C + i] ?? 0) > 1e-12) out.push(m);
  return out;
}

/** Load tiers to try for a node without replicas: its heaviest and its lightest. */
function tierChoices(st: GreedyState, j: number): number[] {
  const tiers = st.lists[j]!.filter((e) => st.want[e.m]).map((e) => e.tier);
  if (tiers.length === 0) return [];
  const lo = Math.min(...tiers);
  const hi = Math.max(...tiers);
  return lo === hi ? [lo] : [lo, hi];
}

/** The load tier node j needs to take all these metros (lightest of theirs), or -1. */
function tierFor(st: GreedyState, j: number, metros: readonly number[]): number {
  let tier = st.s.nodeTier[j] ?? -1;
  for (const m of metros) {
    const t = st.p.candidates[j]!.tier[m] ?? -1;
    if (t < 0) return -1;
    tier = Math.max(tier, t);
  }
  if (tier < 0) tier = Math.min(...st.lists[j]!.filter((e) => st.want[e.m]).map((e) => e.tier));
  return Number.isFinite(tier) ? tier : -1;
}

/** Necessary for a routing to exist: every metro has enough compatible room (cheap check). */
function enoughRoom(st: GreedyState): boolean {
  const { p, s } = st;
  const used = usedCandidates(st);
  let total = 0;
  let need = 0;
  for (const i of used)
    total += capacity(p, p.candidates[i]!, s.nodeTier[i] ?? 0, s.replicas[i] ?? 0);
  for (let m = 0; m < p.metros.length; m++) {
    if (!st.want[m]) continue;
    const rps = p.metros[m]!.rps;
    need += rps;
    let room = 0;
    let any = false;
    for (const i of used) {
      const c = p.candidates[i]!;
      const t = c.tier[m] ?? -1;
      if (t < 0 || (s.nodeTier[i] ?? -1) < t) continue;
      any = true;
      room += capacity(p, c, s.nodeTier[i] ?? 0, s.replicas[i] ?? 0);
    }
    if (!any || room < rps - 1e-9) return false;
  }
  return total >= need - 1e-9;
}

export function improvePlacement(st: GreedyState): void {
  const { p, s } = st;
  const pool = insertionPool(st).sort(
    (a, b) => p.candidates[a]!.objectiveCost - p.candidates[b]!.objectiveCost || a - b,
  );
  let routes = 0;
  /** 'ok', or why not: 'room' (flows untouched) or 'route' (flows changed). */
  const feasible = (): 'ok' | 'room' | 'route' => {
    if (!enoughRoom(st)) return 'room';
    routes++;
    return route(st) && redundancyMet(st) ? 'ok' : 'route';
  };
  /** Applies changes; keeps them if feasible, otherwise reverts and re-routes. */
  const attempt = (changes: Array<{ i: number; dy: number; tier?: number }>): boolean => {
    const before = changes.map((c) => ({
      i: c.i,
      y: s.replicas[c.i] ?? 0,
      t: s.nodeTier[c.i] ?? -1,
    }));
    for (const c of changes) {
      const y = (s.replicas[c.i] ?? 0) + c.dy;
      if (y < p.candidates[c.i]!.existingReplicas || y > p.candidates[c.i]!.maxReplicas) {
        for (const b of before) {
          s.replicas[b.i] = b.y;
          s.nodeTier[b.i] = b.t;
        }
        return false;
      }
      s.replicas[c.i] = y;
      if (c.tier !== undefined) s.nodeTier[c.i] = c.tier;
      if (y === 0) s.nodeTier[c.i] = -1;
    }
    const verdict = feasible();
    if (verdict === 'ok') return true;
    for (const b of before) {
      s.replicas[b.i] = b.y;
      s.nodeTier[b.i] = b.t;
    }
    if (verdict === 'route') route(st);
    return false;
  };
  const objective = () =>
    p.candidates.reduce((a, c, i) => a + (s.replicas[i] ?? 0) * c.objectiveCost, 0);
  const hourlyCost = () =>
    p.candidates.reduce((a, c, i) => a + (s.replicas[i] ?? 0) * c.costPerReplicaHourMicros, 0);
  const byCostDesc = () =>
    usedCandidates(st).sort(
      (a, b) => p.candidates[b]!.objectiveCost - p.candidates[a]!.objectiveCost || a - b,
    );

  let improved = true;
  while (improved && routes < MAX_ROUTES) {
    improved = false;
    // Drop.
    for (const i of byCostDesc()) {
      while ((s.replicas[i] ?? 0) > p.candidates[i]!.existingReplicas && routes < MAX_ROUTES) {
        if (!attempt([{ i, dy: -1 }])) break;
        st.budgetLeft += p.candidates[i]!.costPerReplicaHourMicros;
        improved = true;
      }
    }
    // Swap one replica to a cheaper node that can take the metros it carries.
    swap: for (const i of byCostDesc()) {
      const ci = p.candidates[i]!;
      if ((s.replicas[i] ?? 0) <= ci.existingReplicas) continue;
      const metros = servedBy(st, i);
      for (const j of pool) {
        if (routes >= MAX_ROUTES) break swap;
        const cj = p.candidates[j]!;
        if (j === i || cj.objectiveCost >= ci.objectiveCost) continue;
        if ((s.replicas[j] ?? 0) >= cj.maxReplicas) continue;
        const tier = tierFor(st, j, metros);
        if (tier < 0) continue;
        if (
          attempt([
            { i, dy: -1 },
            { i: j, dy: 1, tier },
          ])
        ) {
          st.budgetLeft += ci.costPerReplicaHourMicros - cj.costPerReplicaHourMicros;
          improved = true;
          continue swap;
        }
      }
    }
    // Add one replica somewhere, then drop whatever that makes unnecessary (k replicas into one).
    if (!improved) {
      const base = objective();
      addDrop: for (const j of pool) {
        const cj = p.candidates[j]!;
        if ((s.replicas[j] ?? 0) >= cj.maxReplicas || cj.costPerReplicaHourMicros > st.budgetLeft)
          continue;
        const current = s.nodeTier[j] ?? -1;
        const options = current >= 0 ? [current] : tierChoices(st, j);
        for (const tier of options) {
          if (routes >= MAX_ROUTES) break addDrop;
          const savedY = s.replicas.slice();
          const savedT = s.nodeTier.slice();
          s.replicas[j] = (s.replicas[j] ?? 0) + 1;
          s.nodeTier[j] = tier;
          routes++;
          if (!route(st)) {
            s.replicas.set(savedY);
            s.nodeTier.set(savedT);
            route(st);
            continue;
          }
          for (const i of byCostDesc()) {
            if (i === j) continue;
            while (
              (s.replicas[i] ?? 0) > p.candidates[i]!.existingReplicas &&
              routes < MAX_ROUTES
            ) {
              if (!attempt([{ i, dy: -1 }])) break;
            }
          }
          if (objective() < base) {
            st.budgetLeft = p.budgetPerHourMicros - hourlyCost();
            improved = true;
            break addDrop;
          }
          s.replicas.set(savedY);
          s.nodeTier.set(savedT);
          route(st);
        }
      }
    }
  }
}
