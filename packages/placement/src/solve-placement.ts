// Solver choice for one prepared placement problem: greedy first (fast, and the MILP's start and
// bound for pruning), then for 'exact' and 'auto' the tightened MILP: dominated nodes dropped,
// screening if it is still too large, HiGHS within the time limit. The better of the two wins.
import {
  DEFAULT_AUTO_EXACT_MAX_CANDIDATES,
  DEFAULT_MIP_REL_GAP,
  DEFAULT_TIME_LIMIT_MS,
} from './placement-defaults';
import {
  solutionObjective,
  type Candidate,
  type PlacementProblem,
  type SolverOutcome,
} from './placement-problem';
import { pairCount, pruneDominated, screenCandidates } from './prune-candidates';
import { solveExact } from './solve-exact';
import { solveGreedy } from './solve-greedy';
import type { PlacementOptions } from './types';

function servedWeight(problem: PlacementProblem, o: SolverOutcome): number {
  return problem.metros.reduce((a, m, k) => a + (o.solution.served[k] ? m.share + 1e-6 : 0), 0);
}

function better(problem: PlacementProblem, a: SolverOutcome, b: SolverOutcome): boolean {
  const wa = servedWeight(problem, a);
  const wb = servedWeight(problem, b);
  if (Math.abs(wa - wb) > 1e-9) return wa > wb;
  return solutionObjective(problem, a.solution) <= solutionObjective(problem, b.solution);
}

export interface Solved {
  outcome: SolverOutcome;
  problem: PlacementProblem;
  dominated: number;
  screenedOut: number;
}

/** Above this many node–metro pairs the MILP is screened (WebAssembly HiGHS, 2 s). */
const MAX_MILP_PAIRS = 2_500;
const SCREEN_STEPS: ReadonlyArray<readonly [number, number]> = [
  [3, 2],
  [2, 2],
  [1, 1],
];

export async function solvePlacement(
  problem: PlacementProblem,
  options: PlacementOptions = {},
): Promise<Solved> {
  const choice = options.solver ?? 'auto';
  const greedy = solveGreedy(problem);
  if (choice === 'greedy' || problem.candidates.length === 0) {
    return { outcome: greedy, problem, dominated: 0, screenedOut: 0 };
  }
  const maxCandidates = options.autoExactMaxCandidates ?? DEFAULT_AUTO_EXACT_MAX_CANDIDATES;
  if (choice === 'auto' && problem.candidates.length > maxCandidates) {
    return {
      outcome: { ...greedy, status: `greedy: ${problem.candidates.length} candidate nodes` },
      problem,
      dominated: 0,
      screenedOut: 0,
    };
  }
  // Tighten: drop dominated nodes, keeping those of the greedy placement.
  const allServed = problem.metros.every(
    (_, m) => greedy.solution.served[m] || !problem.candidates.some((c) => (c.tier[m] ?? -1) >= 0),
  );
  const minCost = Math.min(...problem.candidates.map((c) => c.objectiveCost));
  let bound = Number.POSITIVE_INFINITY;
  if (allServed && minCost > 0) bound = solutionObjective(problem, greedy.solution) / minCost;
  if (Number.isFinite(problem.budgetPerHourMicros) && minCost > 0) {
    bound = Math.min(
      bound,
      problem.budgetPerHourMicros / minCost +
        problem.candidates.reduce((a, c) => a + c.existingReplicas, 0),
    );
  }
  const keep = new Set<string>();
  problem.candidates.forEach((c, i) => {
    if ((greedy.solution.replicas[i] ?? 0) > 0) keep.add(c.nodeId);
  });
  const { kept, dominated } = Number.isFinite(bound)
    ? pruneDominated(problem, { replicaBound: Math.floor(bound) + 1, keep })
    : { kept: problem.candidates, dominated: 0 };
  let reduced: PlacementProblem = { ...problem, candidates: kept };
  // Still too large for HiGHS within its time limit: screen (see prune-candidates.ts).
  let screenedOut = 0;
  for (const [perGpuType, nearestSites] of SCREEN_STEPS) {
    if (pairCount(reduced) <= MAX_MILP_PAIRS) break;
    const screened = screenCandidates(
      { ...problem, candidates: kept },
      { perGpuType, nearestSites, keep },
    );
    screenedOut = kept.length - screened.length;
    reduced = { ...problem, candidates: screened };
  }
  const start = remap(problem, reduced, greedy);
  const timeLimitMs = options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
  const mipRelGap = options.mipRelGap ?? DEFAULT_MIP_REL_GAP;
  let exact = await solveExact(reduced, {
    timeLimitMs,
    mipRelGap,
    soft: false,
    start: start.solution,
  });
  if (!exact.hasSolution && exact.infeasible) {
    exact = await solveExact(reduced, {
      timeLimitMs,
      mipRelGap,
      soft: true,
      start: start.solution,
    });
  }
  if (exact.hasSolution && better(reduced, exact, start)) {
    return { outcome: exact, problem: reduced, dominated, screenedOut };
  }
  // The time limit passed without a better placement: keep the greedy one, with the gap to
  // HiGHS' bound when it has one.
  const objective = solutionObjective(reduced, start.solution);
  const gapPct =
    exact.dualBound !== null && objective > 0
      ? Math.max(0, ((objective - exact.dualBound) / objective) * 100)
      : null;
  return {
    outcome: {
      ...start,
      gapPct,
      status: `greedy after MILP ${exact.status}`,
      columns: exact.columns,
      rows: exact.rows,
    },
    problem: reduced,
    dominated,
    screenedOut,
  };
}

/** The greedy outcome expressed over the reduced candidate list (its nodes are all kept). */
function remap(from: PlacementProblem, to: PlacementProblem, o: SolverOutcome): SolverOutcome {
  const index = new Map<Candidate, number>();
  to.candidates.forEach((c, i) => index.set(c, i));
  const C0 = from.candidates.length;
  const C1 = to.candidates.length;
  const replicas = new Int32Array(C1);
  const nodeTier = new Int16Array(C1).fill(-1);
  const flow = new Float64Array(from.metros.length * C1);
  from.candidates.forEach((c, i) => {
    const j = index.get(c);
    if (j === undefined) return;
    replicas[j] = o.solution.replicas[i] ?? 0;
    nodeTier[j] = o.solution.nodeTier[i] ?? -1;
    for (let m = 0; m < from.metros.length; m++)
      flow[m * C1 + j] = o.solution.flow[m * C0 + i] ?? 0;
  });
  return { ...o, solution: { replicas, nodeTier, flow, served: [...o.solution.served] } };
}
