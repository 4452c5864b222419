// Working state of the greedy solver and the operations its phases share: filling a node's room
// with pending traffic, re-routing all traffic over fixed replicas, checking redundancy.
import {
  emptySolution,
  needsTwoSites,
  reachableMetros,
  type Candidate,
  type PlacementProblem,
  type Solution,
} from './placement-problem';

export const EPS = 1e-9;

export interface CompatEntry {
  m: number;
  tier: number;
}

export interface GreedyState {
  p: PlacementProblem;
  s: Solution;
  load: Float64Array;
  remaining: Float64Array;
  covered: boolean[];
  budgetLeft: number;
  operatorsUsed: Set<string>;
  /** Metros some candidate can serve within the SLO. */
  want: boolean[];
  /** Metros that must reach two sites. */
  two: boolean[];
  /** Metros, fewest options first. */
  order: number[];
  /** Per candidate, the metros it can serve and at which tier, lightest load last. */
  lists: CompatEntry[][];
  /** Candidates whose flows may be non-zero. */
  touched: Set<number>;
}

export function capacity(
  p: PlacementProblem,
  c: Candidate,
  tier: number,
  replicas: number,
): number {
  return (p.tierFractions[tier] ?? 0) * c.profile.maxRps * replicas;
}

export function createState(p: PlacementProblem): GreedyState {
  const s = emptySolution(p);
  const lists = p.candidates.map((c) => {
    const list: CompatEntry[] = [];
    for (let m = 0; m < p.metros.length; m++) {
      const t = c.tier[m] ?? -1;
      if (t >= 0) list.push({ m, tier: t });
    }
    return list.sort((a, b) => a.tier - b.tier || a.m - b.m);
  });
  const options = p.metros.map(() => 0);
  for (const list of lists) for (const e of list) options[e.m] = (options[e.m] ?? 0) + 1;
  const order = p.metros
    .map((_, m) => m)
    .sort(
      (a, b) =>
        (options[a] ?? 0) - (options[b] ?? 0) ||
        (p.metros[b]?.rps ?? 0) - (p.metros[a]?.rps ?? 0) ||
        a - b,
    );
  const st: GreedyState = {
    p,
    s,
    load: new Float64Array(p.candidates.length),
    remaining: Float64Array.from(p.metros, (m) => m.rps),
    covered: p.metros.map(() => false),
    budgetLeft: p.budgetPerHourMicros,
    operatorsUsed: new Set(),
    want: reachableMetros(p),
    two: needsTwoSites(p),
    order,
    lists,
    touched: new Set(),
  };
  p.candidates.forEach((c, i) => {
    if (c.existingReplicas <= 0) return;
    s.replicas[i] = c.existingReplicas;
    // Running replicas start at the lightest tier any metro needs from them.
    s.nodeTier[i] = Math.max(-1, ...lists[i]!.map((e) => e.tier));
    st.budgetLeft -= c.existingReplicas * c.costPerReplicaHourMicros;
    st.operatorsUsed.add(c.operatorId);
  });
  return st;
}

/** Puts pending traffic of eligible metros (in the given order) into node i's room at `tier`. */
export function fill(
  st: GreedyState,
  i: number,
  tier: number,
  metros: readonly number[],
  eligible: (m: number) => boolean,
): void {
  const { p, s } = st;
  const c = p.candidates[i]!;
  const C = p.candidates.length;
  let room = capacity(p, c, tier, s.replicas[i] ?? 0) - (st.load[i] ?? 0);
  for (const m of metros) {
    if (!eligible(m)) continue;
    const rps = p.metros[m]?.rps ?? 0;
    if (rps <= EPS) {
      if (!st.covered[m]) {
        s.flow[m * C + i] = 1;
        st.covered[m] = true;
        st.touched.add(i);
      }
      continue;
    }
    const rem = st.remaining[m] ?? 0;
    if (rem <= EPS || room <= EPS) continue;
    const take = Math.min(rem, room);
    room -= take;
    st.load[i] = (st.load[i] ?? 0) + take;
    st.remaining[m] = rem - take;
    s.flow[m * C + i] = (s.flow[m * C + i] ?? 0) + take / rps;
    st.covered[m] = true;
    st.touched.add(i);
  }
}

export function usedCandidates(st: GreedyState): number[] {
  const used: number[] = [];
  for (let i = 0; i < st.s.replicas.length; i++) if ((st.s.replicas[i] ?? 0) > 0) used.push(i);
  return used;
}

/**
 * Routes every wanted metro's traffic over the current replicas and tiers: metros with the
 * least compatible room first, each to its nearest compatible nodes; what does not fit that way
 * is pushed along augmenting paths (moving other metros' traffic aside), so the routing fails
 * only when no split fits (it is a bipartite flow problem).
 */
export function route(st: GreedyState): boolean {
  const { p, s } = st;
  const C = p.candidates.length;
  for (const i of st.touched) {
    st.load[i] = 0;
    for (let m = 0; m < p.metros.length; m++) s.flow[m * C + i] = 0;
  }
  st.touched.clear();
  p.metros.forEach((metro, m) => {
    st.remaining[m] = metro.rps;
    st.covered[m] = false;
  });
  const used = usedCandidates(st);
  const options = p.metros.map((_, m) =>
    used.filter((i) => {
      const t = p.candidates[i]!.tier[m] ?? -1;
      return t >= 0 && (s.nodeTier[i] ?? -1) >= t;
    }),
  );
  const capOf = (i: number) =>
    capacity(p, p.candidates[i]!, s.nodeTier[i] ?? 0, s.replicas[i] ?? 0);
  const slack = p.metros.map(
    (metro, m) => options[m]!.reduce((a, i) => a + capOf(i), 0) - metro.rps,
  );
  const order = st.order
    .filter((m) => st.want[m])
    .sort((a, b) => (slack[a] ?? 0) - (slack[b] ?? 0));
  for (const m of order) {
    const nodes = options[m]!.sort(
      (a, b) =>
        (p.candidates[a]!.idleP95Ms[m] ?? 0) - (p.candidates[b]!.idleP95Ms[m] ?? 0) || a - b,
    );
    if (nodes.length === 0) return false;
    for (const i of nodes) {
      if (st.covered[m] && (st.remaining[m] ?? 0) <= EPS) break;
      fill(st, i, s.nodeTier[i] ?? 0, [m], () => true);
    }
  }
  for (const m of order) {
    if ((st.remaining[m] ?? 0) > EPS && !augment(st, m, options, capOf)) return false;
    if (!st.covered[m]) return false;
  }
  return true;
}

/** Pushes metro m's remaining traffic along augmenting paths; false if some is left. */
function augment(
  st: GreedyState,
  m0: number,
  options: number[][],
  capOf: (i: number) => number,
): boolean {
  const { p, s } = st;
  const C = p.candidates.length;
  const M = p.metros.length;
  const rpsOn = (m: number, i: number) => (s.flow[m * C + i] ?? 0) * (p.metros[m]?.rps ?? 0);
  for (let round = 0; round < 4 * (M + C) && (st.remaining[m0] ?? 0) > EPS; round++) {
    // BFS over metros and nodes: metro → compatible node; full node → metro using it.
    const fromNode = new Map<number, number>();
    const fromMetro = new Map<number, number>();
    const queue: number[] = [m0];
    fromMetro.set(m0, -1);
    let end = -1;
    while (queue.length > 0 && end < 0) {
      const m = queue.shift()!;
      for (const i of options[m]!) {
        if (fromNode.has(i)) continue;
        fromNode.set(i, m);
        if (capOf(i) - (st.load[i] ?? 0) > EPS) {
          end = i;
          break;
        }
        for (let m2 = 0; m2 < M; m2++) {
          if (!fromMetro.has(m2) && rpsOn(m2, i) > EPS) {
            fromMetro.set(m2, i);
            queue.push(m2);
          }
        }
      }
    }
    if (end < 0) return false;
    // Bottleneck along the path, then shift the flows.
    let amount = Math.min(st.remaining[m0] ?? 0, capOf(end) - (st.load[end] ?? 0));
    for (let i = end, m = fromNode.get(i)!; m !== m0;) {
      const prev = fromMetro.get(m)!;
      amount = Math.min(amount, rpsOn(m, prev));
      i = prev;
      m = fromNode.get(i)!;
    }
    if (amount <= EPS) return false;
    for (let i = end, m = fromNode.get(i)!; ;) {
      const rps = p.metros[m]?.rps ?? 0;
      s.flow[m * C + i] = (s.flow[m * C + i] ?? 0) + amount / rps;
      st.touched.add(i);
      if (m === m0) {
        st.load[end] = (st.load[end] ?? 0) + amount;
        break;
      }
      const prev = fromMetro.get(m)!;
      s.flow[m * C + prev] = (s.flow[m * C + prev] ?? 0) - amount / rps;
      i = prev;
      m = fromNode.get(i)!;
    }
    st.remaining[m0] = (st.remaining[m0] ?? 0) - amount;
    st.covered[m0] = true;
  }
  return (st.remaining[m0] ?? 0) <= EPS;
}

/** Sites with a replica whose node meets the SLO for metro m. */
export function coverage(st: GreedyState, m: number, used: readonly number[]): Set<string> {
  const sites = new Set<string>();
  for (const i of used) {
    const c = st.p.candidates[i]!;
    if ((c.tier[m] ?? -1) >= 0) sites.add(c.siteId);
  }
  return sites;
}

export function redundancyMet(st: GreedyState): boolean {
  const used = usedCandidates(st);
  return st.p.metros.every(
    (_, m) => !st.two[m] || !st.covered[m] || coverage(st, m, used).size >= 2,
  );
}

export function allServed(st: GreedyState): boolean {
  return st.p.metros.every(
    (_, m) => !st.want[m] || ((st.remaining[m] ?? 0) <= EPS && st.covered[m] === true),
  );
}

export function objective(st: GreedyState): number {
  let total = 0;
  st.p.candidates.forEach((c, i) => (total += (st.s.replicas[i] ?? 0) * c.objectiveCost));
  return total;
}

export interface Snapshot {
  replicas: Int32Array;
  nodeTier: Int16Array;
  flow: Float64Array;
  load: Float64Array;
  remaining: Float64Array;
  covered: boolean[];
  budgetLeft: number;
  touched: Set<number>;
}

export function snapshot(st: GreedyState): Snapshot {
  return {
    replicas: st.s.replicas.slice(),
    nodeTier: st.s.nodeTier.slice(),
    flow: st.s.flow.slice(),
    load: st.load.slice(),
    remaining: st.remaining.slice(),
    covered: [...st.covered],
    budgetLeft: st.budgetLeft,
    touched: new Set(st.touched),
  };
}

export function restore(st: GreedyState, snap: Snapshot): void {
  st.s.replicas.set(snap.replicas);
  st.s.nodeTier.set(snap.nodeTier);
  st.s.flow.set(snap.flow);
  st.load.set(snap.load);
  st.remaining.set(snap.remaining);
  st.covered = [...snap.covered];
  st.budgetLeft = snap.budgetLeft;
  st.touched = new Set(snap.touched);
}
