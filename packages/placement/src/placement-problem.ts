// Internal shapes shared by candidate building, pruning, both solvers and result assembly.
import type { ReplicaProfile } from './replica-profile';

export interface MetroDemand {
  id: string;
  name: string;
  lat: number;
  lon: number;
  /** Share of the endpoint's traffic (weights normalised to sum 1). */
  share: number;
  rps: number;
}

/**
 * A node that may host replicas of the endpoint, with everything the solvers need per metro.
 * Per-replica load is planned in tiers: tier k allows tierFractions[k] × profile.maxRps, and
 * `tier[m]` is the lowest-numbered (highest-load) tier at which the p95 TTFT for metro m still
 * meets the SLO (-1: not even at the lightest tier). A node runs all its replicas at one tier,
 * the highest-numbered one among the metros it serves, so every metro it serves meets the SLO.
 */
export interface Candidate {
  nodeId: string;
  siteId: string;
  siteName: string;
  operatorId: string;
  gpuTypeId: string;
  profile: ReplicaProfile;
  /** Replicas the node's free GPUs (and the budget) allow. */
  maxReplicas: number;
  /** Replicas of this endpoint already on the node (re-placement keeps them). */
  existingReplicas: number;
  costPerReplicaHourMicros: number;
  /** What one more replica costs the objective (re-placement adds a move penalty). */
  objectiveCost: number;
  pricePerMTokensMicros: number;
  /** Site tags the endpoint needs and the site lacks (empty for eligible nodes). */
  missingJurisdictions: string[];
  rttP50Ms: Float64Array;
  rttP95Ms: Float64Array;
  /** p95 TTFT per metro from an idle replica. */
  idleP95Ms: Float64Array;
  idleP50Ms: Float64Array;
  tier: Int8Array;
  /** Server-side p95 TTFT (no RTT) at each tier's load. */
  tierServerP95Ms: Float64Array;
}

export interface PlacementProblem {
  metros: MetroDemand[];
  candidates: Candidate[];
  sloMs: number;
  redundancy: boolean;
  /** Highest hourly cost of all replicas (the monthly budget / 730); Infinity without one. */
  budgetPerHourMicros: number;
  tierFractions: readonly number[];
}

/** Replicas per candidate, their tier and how each metro's traffic is split. */
export interface Solution {
  replicas: Int32Array;
  /** Tier each candidate runs at; -1 when it has no replica. */
  nodeTier: Int16Array;
  /** flow[m × C + c]: share of metro m's traffic on candidate c. */
  flow: Float64Array;
  /** Metros whose traffic is fully placed within the SLO. */
  served: boolean[];
}

export interface SolverOutcome {
  solution: Solution;
  solver: 'exact' | 'greedy';
  gapPct: number | null;
  status: string;
  columns: number;
  rows: number;
}

export function tierCapRps(problem: PlacementProblem, c: Candidate, tier: number): number {
  return (problem.tierFractions[tier] ?? 0) * c.profile.maxRps;
}

export function emptySolution(problem: PlacementProblem): Solution {
  const C = problem.candidates.length;
  const M = problem.metros.length;
  return {
    replicas: new Int32Array(C),
    nodeTier: new Int16Array(C).fill(-1),
    flow: new Float64Array(M * C),
    served: problem.metros.map(() => false),
  };
}

export function solutionCost(problem: PlacementProblem, s: Solution): number {
  let cost = 0;
  problem.candidates.forEach((c, i) => (cost += (s.replicas[i] ?? 0) * c.costPerReplicaHourMicros));
  return cost;
}

export function solutionObjective(problem: PlacementProblem, s: Solution): number {
  let cost = 0;
  problem.candidates.forEach((c, i) => (cost += (s.replicas[i] ?? 0) * c.objectiveCost));
  return cost;
}

/**
 * Sites with a replica that could take metro m over within the SLO (its node meets the SLO for
 * m at some load tier): the sites that count for redundancy.
 */
export function coveringSites(problem: PlacementProblem, s: Solution, m: number): Set<string> {
  const sites = new Set<string>();
  problem.candidates.forEach((c, i) => {
    if ((s.replicas[i] ?? 0) > 0 && (c.tier[m] ?? -1) >= 0) sites.add(c.siteId);
  });
  return sites;
}

/** Metros that must reach two sites: redundancy asked and two sites can meet the SLO. */
export function needsTwoSites(problem: PlacementProblem): boolean[] {
  return problem.metros.map((_, m) => {
    if (!problem.redundancy) return false;
    const sites = new Set<string>();
    for (const c of problem.candidates) if ((c.tier[m] ?? -1) >= 0) sites.add(c.siteId);
    return sites.size >= 2;
  });
}

/** Metros some candidate can serve within the SLO. */
export function reachableMetros(problem: PlacementProblem): boolean[] {
  return problem.metros.map((_, m) => problem.candidates.some((c) => (c.tier[m] ?? -1) >= 0));
}

/** The same problem over a subset of its candidates (indices into problem.candidates). */
export function subProblem(
  problem: PlacementProblem,
  indices: readonly number[],
): PlacementProblem {
  return { ...problem, candidates: indices.map((i) => problem.candidates[i]!) };
}

/**
 * A solution of a sub-problem expressed over the full problem's candidates; `indices[j]` is the
 * full index of the sub-problem's candidate j.
 */
export function expandSolution(
  full: PlacementProblem,
  indices: readonly number[],
  sub: Solution,
): Solution {
  const C = full.candidates.length;
  const Cs = indices.length;
  const M = full.metros.length;
  const out = emptySolution(full);
  indices.forEach((i, j) => {
    out.replicas[i] = sub.replicas[j] ?? 0;
    out.nodeTier[i] = sub.nodeTier[j] ?? -1;
    for (let m = 0; m < M; m++) out.flow[m * C + i] = sub.flow[m * Cs + j] ?? 0;
  });
  out.served = [...sub.served];
  return out;
}
