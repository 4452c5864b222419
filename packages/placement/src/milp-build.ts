// The placement MILP, built as sparse rows for HiGHS. Notation (C nodes, M metros):
//   y[i,k] ∈ ℤ≥0  replicas of node i running at load tier k (k over the tiers i's metros need)
//   t[i,k] ∈ {0,1} node i runs at tier k (only for nodes with more than one tier)
//   x[m,i] ∈ [0,1] share of metro m's traffic on node i (only where i meets the SLO for m)
//   s[m]   ∈ {0,1} metro m is served (soft mode; fixed to 1 in hard mode)
//   r[m,s] ∈ {0,1} site s has a replica meeting the SLO for m (redundancy)
//   u[o]   ∈ {0,1} operator o hosts a replica (tie-break: spread)
// minimise  Σ cost_i·y[i,k] + ε_L Σ share_m·p95_idle[m,i]·x[m,i] − ε_S Σ u[o] + Σ pen_m (1 − s[m])
// s.t.  Σ_i x[m,i] = s[m]                                   every metro is fully placed
//       x[m,i] ≤ Σ_{k ≥ tier[m,i]} y[i,k]                   only on replicas at a tier fit for m
//       Σ_m rps_m·x[m,i] ≤ Σ_k cap[i,k]·y[i,k]              per-replica load within its tier
//       Σ_k t[i,k] ≤ 1,  y[i,k] ≤ U_i·t[i,k]                one tier per node
//       Σ_k y[i,k] ≥ existing_i                             re-placement keeps what runs
//       Σ_i cost_i·Σ_k y[i,k] ≤ budget per hour
//       r[m,s] ≤ Σ_{i at s, i can meet m's SLO} Σ_k y[i,k],  Σ_s r[m,s] ≥ 2·s[m]   redundancy
//       u[o] ≤ Σ_{i of o} Σ_k y[i,k]
// Tie-break weights total under 0.3 of the smallest cost step, so cost always comes first.
import type { ModelData } from 'highs';
import {
  needsTwoSites,
  reachableMetros,
  type PlacementProblem,
  type Solution,
} from './placement-problem';

const INF = Number.POSITIVE_INFINITY;

class SparseBuilder {
  cost: number[] = [];
  lower: number[] = [];
  upper: number[] = [];
  integrality: Array<0 | 1> = [];
  rowLower: number[] = [];
  rowUpper: number[] = [];
  starts: number[] = [0];
  indices: number[] = [];
  values: number[] = [];

  col(cost: number, lower: number, upper: number, integer: boolean): number {
    this.cost.push(cost);
    this.lower.push(lower);
    this.upper.push(upper);
    this.integrality.push(integer ? 1 : 0);
    return this.cost.length - 1;
  }

  row(entries: ReadonlyArray<readonly [number, number]>, lower: number, upper: number): void {
    for (const [c, v] of entries) {
      if (v === 0) continue;
      this.indices.push(c);
      this.values.push(v);
    }
    this.starts.push(this.indices.length);
    this.rowLower.push(lower);
    this.rowUpper.push(upper);
  }
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

export interface MilpModel {
  data: ModelData;
  /** Smallest step between two placements' costs (gcd of replica costs). */
  costStep: number;
  decode(values: ArrayLike<number>): Solution;
  encode(solution: Solution): Float64Array;
}

export function buildMilp(problem: PlacementProblem, soft: boolean): MilpModel {
  const p = problem;
  const C = p.candidates.length;
  const M = p.metros.length;
  const want = reachableMetros(p);
  const two = needsTwoSites(p);
  const b = new SparseBuilder();

  const costStep = Math.max(
    1,
    p.candidates.reduce((g, c) => gcd(g, Math.round(c.objectiveCost)), 0),
  );
  let maxIdle = 1;
  for (const c of p.candidates)
    for (let m = 0; m < M; m++)
      if (want[m] && (c.tier[m] ?? -1) >= 0) maxIdle = Math.max(maxIdle, c.idleP95Ms[m] ?? 0);
  const operators = [...new Set(p.candidates.map((c) => c.operatorId))];
  const epsLatency = (0.15 * costStep) / maxIdle;
  const epsSpread = operators.length > 1 ? (0.15 * costStep) / operators.length : 0;

  // Tiers per node and replica columns.
  const tiers: number[][] = p.candidates.map((c) => {
    const set = new Set<number>();
    for (let m = 0; m < M; m++) if (want[m] && (c.tier[m] ?? -1) >= 0) set.add(c.tier[m]!);
    if (set.size === 0) set.add(p.tierFractions.length - 1);
    return [...set].sort((a, b2) => a - b2);
  });
  // More replicas at a tier than the load that may use it needs never help (one is enough to
  // cover a metro or back it up): a tighter bound than the free GPUs.
  const yCol: number[][] = [];
  const tCol: number[][] = [];
  const yMax: number[][] = [];
  p.candidates.forEach((c, i) => {
    const ts = tiers[i]!;
    const single = ts.length === 1;
    const bounds = ts.map((k) => {
      let load = 0;
      for (let m = 0; m < M; m++) {
        const t = c.tier[m] ?? -1;
        if (want[m] && t >= 0 && t <= k) load += p.metros[m]!.rps;
      }
      const capK = (p.tierFractions[k] ?? 0) * c.profile.maxRps;
      const need = capK > 0 ? Math.max(1, Math.ceil(load / capK - 1e-9)) : 1;
      return Math.max(c.existingReplicas, Math.min(c.maxReplicas, need));
    });
    yMax.push(bounds);
    yCol.push(
      ts.map((_, j) => b.col(c.objectiveCost, single ? c.existingReplicas : 0, bounds[j]!, true)),
    );
    tCol.push(single ? [] : ts.map(() => b.col(0, 0, 1, true)));
  });
  const fitting = (i: number, m: number) => {
    const t = p.candidates[i]!.tier[m] ?? -1;
    return tiers[i]!.map((k, j) => (k >= t ? yCol[i]![j]! : -1)).filter((col) => col >= 0);
  };
  /** Fitting replica columns of node i for metro m with their capacity (req/s each). */
  const fittingCaps = (i: number, m: number): Array<[number, number]> => {
    const c = p.candidates[i]!;
    const t = c.tier[m] ?? -1;
    const out: Array<[number, number]> = [];
    tiers[i]!.forEach((k, j) => {
      if (k >= t) out.push([yCol[i]![j]!, (p.tierFractions[k] ?? 0) * c.profile.maxRps]);
    });
    return out;
  };

  const xCol = new Int32Array(M * C).fill(-1);
  for (let m = 0; m < M; m++) {
    if (!want[m]) continue;
    const share = p.metros[m]!.share;
    for (let i = 0; i < C; i++) {
      if ((p.candidates[i]!.tier[m] ?? -1) < 0) continue;
      xCol[m * C + i] = b.col(
        epsLatency * share * (p.candidates[i]!.idleP95Ms[m] ?? 0),
        0,
        1,
        false,
      );
    }
  }
  const totalCost = p.candidates.reduce((a, c) => a + c.objectiveCost * c.maxReplicas, 0);
  const penalty = 2 * totalCost + 10 * costStep;
  const sCol = p.metros.map((metro, m) =>
    soft && want[m] ? b.col(-penalty * (metro.share + 1 / M), 0, 1, true) : -1,
  );
  const offset = soft
    ? sCol.reduce((a, col, m) => a + (col >= 0 ? penalty * (p.metros[m]!.share + 1 / M) : 0), 0)
    : 0;

  // Demand and linking rows.
  for (let m = 0; m < M; m++) {
    if (!want[m]) continue;
    const entries: Array<[number, number]> = [];
    for (let i = 0; i < C; i++) {
      const x = xCol[m * C + i]!;
      if (x < 0) continue;
      entries.push([x, 1]);
      const rps = p.metros[m]!.rps;
      if (rps > 0) {
        // rps·x ≤ Σ min(cap, rps)·y: the strong form of x ≤ y for capacitated facilities.
        const row: Array<[number, number]> = [[x, rps]];
        for (const [y, capY] of fittingCaps(i, m)) row.push([y, -Math.min(capY, rps)]);
        b.row(row, -INF, 0);
      } else {
        b.row([[x, 1], ...fitting(i, m).map((y): [number, number] => [y, -1])], -INF, 0);
      }
    }
    const s = sCol[m]!;
    if (s >= 0) b.row([...entries, [s, -1]], 0, 0);
    else b.row(entries, 1, 1);
  }
  // Load, tier choice and existing replicas per node.
  p.candidates.forEach((c, i) => {
    const ys = yCol[i]!;
    const load: Array<[number, number]> = [];
    for (let m = 0; m < M; m++) {
      const x = xCol[m * C + i]!;
      const rps = p.metros[m]!.rps;
      if (x >= 0 && rps > 0) load.push([x, rps]);
    }
    if (load.length > 0) {
      tiers[i]!.forEach((k, j) =>
        load.push([ys[j]!, -(p.tierFractions[k] ?? 0) * c.profile.maxRps]),
      );
      b.row(load, -INF, 0);
    }
    const ts = tCol[i]!;
    if (ts.length > 0) {
      b.row(
        ts.map((t): [number, number] => [t, 1]),
        -INF,
        1,
      );
      ts.forEach((t, j) =>
        b.row(
          [
            [ys[j]!, 1],
            [t, -(yMax[i]![j] ?? c.maxReplicas)],
          ],
          -INF,
          0,
        ),
      );
      if (c.existingReplicas > 0)
        b.row(
          ys.map((y): [number, number] => [y, 1]),
          c.existingReplicas,
          INF,
        );
    }
  });
  if (Number.isFinite(p.budgetPerHourMicros)) {
    const entries: Array<[number, number]> = [];
    p.candidates.forEach((c, i) =>
      yCol[i]!.forEach((y) => entries.push([y, c.costPerReplicaHourMicros])),
    );
    b.row(entries, -INF, p.budgetPerHourMicros);
  }
  // Redundancy: a site "backs up" metro m when it has a replica on a node that can meet m's SLO.
  // Metros that see the same nodes of a site share one binary for it.
  const rCols: Array<{ nodes: number[]; col: number }> = [];
  const rByKey = new Map<string, number>();
  const siteNodes = new Map<string, number[]>();
  p.candidates.forEach((c, i) => {
    const list = siteNodes.get(c.siteId) ?? [];
    list.push(i);
    siteNodes.set(c.siteId, list);
  });
  for (let m = 0; m < M; m++) {
    if (!two[m] || !want[m]) continue;
    const rs: number[] = [];
    for (const nodes of siteNodes.values()) {
      const fit = nodes.filter((i) => (p.candidates[i]!.tier[m] ?? -1) >= 0);
      if (fit.length === 0) continue;
      const key = fit.join(',');
      let r = rByKey.get(key);
      if (r === undefined) {
        r = b.col(0, 0, 1, true);
        rByKey.set(key, r);
        rCols.push({ nodes: fit, col: r });
        const entries: Array<[number, number]> = [[r, 1]];
        for (const i of fit) for (const y of yCol[i]!) entries.push([y, -1]);
        b.row(entries, -INF, 0);
      }
      rs.push(r);
    }
    const s = sCol[m]!;
    const entries = rs.map((r): [number, number] => [r, 1]);
    if (s >= 0) b.row([...entries, [s, -2]], 0, INF);
    else b.row(entries, 2, INF);
  }
  // Operator spread.
  const uCols = new Map<string, number>();
  if (epsSpread > 0) {
    for (const op of operators) {
      const u = b.col(-epsSpread, 0, 1, true);
      uCols.set(op, u);
      const entries: Array<[number, number]> = [[u, 1]];
      p.candidates.forEach((c, i) => {
        if (c.operatorId === op) yCol[i]!.forEach((y) => entries.push([y, -1]));
      });
      b.row(entries, -INF, 0);
    }
  }

  const data: ModelData = {
    numCols: b.cost.length,
    numRows: b.rowLower.length,
    offset,
    colCost: b.cost,
    colLower: b.lower,
    colUpper: b.upper,
    rowLower: b.rowLower,
    rowUpper: b.rowUpper,
    matrix: {
      format: 'csr',
      numRows: b.rowLower.length,
      numCols: b.cost.length,
      starts: b.starts,
      indices: b.indices,
      values: b.values,
    },
    integrality: b.integrality,
  };

  const decode = (values: ArrayLike<number>): Solution => {
    const replicas = new Int32Array(C);
    const nodeTier = new Int16Array(C).fill(-1);
    p.candidates.forEach((_, i) => {
      yCol[i]!.forEach((col, j) => {
        const y = Math.round(values[col] ?? 0);
        if (y > 0) {
          replicas[i] = (replicas[i] ?? 0) + y;
          nodeTier[i] = Math.max(nodeTier[i] ?? -1, tiers[i]![j]!);
        }
      });
    });
    const flow = new Float64Array(M * C);
    const served = p.metros.map(() => false);
    for (let m = 0; m < M; m++) {
      if (!want[m]) continue;
      let sum = 0;
      for (let i = 0; i < C; i++) {
        const x = xCol[m * C + i]!;
        if (x < 0) continue;
        const v = Math.min(1, Math.max(0, values[x] ?? 0));
        const t = p.candidates[i]!.tier[m] ?? -1;
        if (v > 1e-7 && (replicas[i] ?? 0) > 0 && (nodeTier[i] ?? -1) >= t) {
          flow[m * C + i] = v;
          sum += v;
        }
      }
      const s = sCol[m]!;
      served[m] = s >= 0 ? (values[s] ?? 0) > 0.5 && sum > 0.5 : sum > 0.5;
      if (served[m] && sum > 0)
        for (let i = 0; i < C; i++) flow[m * C + i] = (flow[m * C + i] ?? 0) / sum;
    }
    return { replicas, nodeTier, flow, served };
  };

  const encode = (s: Solution): Float64Array => {
    const v = new Float64Array(b.cost.length);
    p.candidates.forEach((c, i) => {
      const y = s.replicas[i] ?? 0;
      if (y <= 0) return;
      const tier = s.nodeTier[i] ?? -1;
      let j = tiers[i]!.findIndex((k) => k >= tier);
      if (j < 0) j = tiers[i]!.length - 1;
      v[yCol[i]![j]!] = y;
      const t = tCol[i]![j];
      if (t !== undefined) v[t] = 1;
      const u = uCols.get(c.operatorId);
      if (u !== undefined) v[u] = 1;
    });
    for (let m = 0; m < M; m++) {
      for (let i = 0; i < C; i++) {
        const x = xCol[m * C + i]!;
        if (x >= 0) v[x] = s.flow[m * C + i] ?? 0;
      }
      const sc = sCol[m]!;
      if (sc >= 0) v[sc] = s.served[m] ? 1 : 0;
    }
    for (const r of rCols) v[r.col] = r.nodes.some((i) => (s.replicas[i] ?? 0) > 0) ? 1 : 0;
    return v;
  };

  return { data, costStep, decode, encode };
}
