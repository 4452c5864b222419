// Placement of one endpoint: hard constraints → pruning → greedy, then (exact/auto) the MILP
// started from the greedy placement → result with predicted latencies, costs and, when the
// request cannot be met, the reasons and what would make it feasible.
import { buildCandidates, type CandidateSet } from './build-candidates';
import { explainInfeasible } from './explain-infeasible';
import { costFigures, metroOutcomes, replicaList, type OutcomeOptions } from './assemble-result';
import { resolveTuning, statsWithoutSolve, workloadOf } from './placement-defaults';
import type { PlacementProblem } from './placement-problem';
import { pruneTooFar } from './prune-candidates';
import type { Workload } from './replica-profile';
import { solveGreedy } from './solve-greedy';
import { solvePlacement, type Solved } from './solve-placement';
import type {
  EndpointSpec,
  PlacementRequest,
  PlacementResult,
  PlacementStats,
  PlacementTuning,
} from './types';

export interface PlacementInternals {
  /** Replicas of the endpoint already running, per node id (re-placement). */
  existing?: ReadonlyMap<string, number>;
  movePenalty?: number;
  /** Queue depth per node id of running replicas, for their predicted TTFT. */
  queueDepth?: ReadonlyMap<string, number>;
}

interface Prepared {
  tuning: PlacementTuning;
  workload: Workload;
  set: CandidateSet;
  problem: PlacementProblem;
  tooFar: number;
}

function validate(endpoint: EndpointSpec): string[] {
  const problems: string[] = [];
  if (endpoint.demand.length === 0) problems.push('demand: at least one metro is needed');
  if (!(endpoint.sloTtftP95Ms > 0)) problems.push('sloTtftP95Ms: must be a positive number');
  if (!(endpoint.expectedRps >= 0)) problems.push('expectedRps: must be zero or more');
  if (!(endpoint.model.parametersB > 0)) problems.push('model.parametersB: must be positive');
  if (endpoint.budgetPerMonthMicros !== undefined && !(endpoint.budgetPerMonthMicros >= 0))
    problems.push('budgetPerMonthMicros: must be zero or more');
  for (const d of endpoint.demand) {
    if (!Number.isFinite(d.lat) || !Number.isFinite(d.lon))
      problems.push(`demand ${d.metroId}: coordinates must be numbers`);
  }
  return problems;
}

export function prepare(request: PlacementRequest, internals: PlacementInternals = {}): Prepared {
  const tuning = resolveTuning(request.options?.tuning);
  const workload = workloadOf(request.endpoint);
  const set = buildCandidates(request.endpoint, request.grid, {
    tuning,
    workload,
    existing: internals.existing,
    movePenalty: internals.movePenalty,
  });
  const { kept, tooFar } = pruneTooFar(set.eligible);
  const problem: PlacementProblem = {
    metros: set.metros,
    candidates: kept,
    sloMs: request.endpoint.sloTtftP95Ms,
    redundancy: request.endpoint.redundancy,
    budgetPerHourMicros: set.budgetPerHourMicros,
    tierFractions: set.tierFractions,
  };
  return { tuning, workload, set, problem, tooFar };
}

export function invalidResult(request: PlacementRequest, problems: string[]): PlacementResult {
  return {
    feasible: false,
    solver: 'none',
    optimalityGapPct: null,
    replicas: [],
    perMetro: [],
    costPerHourMicros: 0,
    costPerMonthMicros: 0,
    costPerMTokensMicros: 0,
    listedPricePerMTokensMicros: 0,
    reasons: problems.map((message) => ({ code: 'invalid-request', message })),
    excluded: [],
    alternatives: [],
    stats: statsWithoutSolve(request.grid.sites.length, 'invalid request'),
  };
}

interface Assembled {
  result: PlacementResult;
  perMetro: PlacementResult['perMetro'];
}

function assemble(
  request: PlacementRequest,
  prep: Prepared,
  solved: Solved,
  internals: PlacementInternals,
): Assembled {
  const { problem, outcome } = solved;
  const outcomeOptions: OutcomeOptions = {};
  if (internals.queueDepth) {
    const q = new Map<number, number>();
    problem.candidates.forEach((c, i) => {
      const d = internals.queueDepth?.get(c.nodeId);
      if (d !== undefined) q.set(i, d);
    });
    outcomeOptions.queueDepth = q;
  }
  const perMetro = metroOutcomes(problem, outcome.solution, outcomeOptions);
  const replicas = replicaList(problem, outcome.solution);
  const costs = costFigures(problem, outcome.solution, prep.workload);
  const endpoint = request.endpoint;
  const redundancyOk =
    !endpoint.redundancy || perMetro.every((o) => o.servedBy.length + o.backupSites.length >= 2);
  const feasible = replicas.length > 0 && perMetro.every((o) => o.meetsSlo) && redundancyOk;
  const stats: PlacementStats = {
    sites: request.grid.sites.length,
    eligibleNodes: prep.set.eligible.length,
    prunedTooFar: prep.tooFar,
    prunedDominated: solved.dominated,
    screenedOut: solved.screenedOut,
    candidateNodes: problem.candidates.length,
    milpColumns: outcome.columns,
    milpRows: outcome.rows,
    solverStatus: outcome.status,
  };
  const result: PlacementResult = {
    feasible,
    solver: replicas.length > 0 || outcome.solver === 'exact' ? outcome.solver : 'none',
    optimalityGapPct: outcome.gapPct === null ? null : Math.round(outcome.gapPct * 10_000) / 10_000,
    replicas,
    perMetro,
    ...costs,
    reasons: [],
    excluded: prep.set.exclusions,
    alternatives: [],
    stats,
  };
  return { result, perMetro };
}

function explain(
  request: PlacementRequest,
  prep: Prepared,
  assembled: Assembled,
  costWithoutBudget: number | null | undefined,
  feasibleAtSlo: ((slo: number) => boolean) | undefined,
): PlacementResult {
  const { result } = assembled;
  if (result.feasible) return result;
  const explained = explainInfeasible({
    endpoint: request.endpoint,
    set: prep.set,
    perMetro: assembled.perMetro,
    costWithoutBudget,
    feasibleAtSlo,
  });
  const reasons = explained.reasons;
  if (reasons.length === 0) {
    reasons.push({ code: 'no-capacity', message: 'no placement meets every constraint' });
  }
  return { ...result, reasons, alternatives: explained.alternatives };
}

const quiet = (
  request: PlacementRequest,
  endpoint: EndpointSpec,
  solver?: 'greedy',
): PlacementRequest => ({
  ...request,
  endpoint,
  options: { ...request.options, explain: false, ...(solver ? { solver } : {}) },
});

const wantsExplanation = (request: PlacementRequest) => request.options?.explain !== false;

/** Places one endpoint with internals for re-placement (existing replicas, move penalty). */
export async function runPlacement(
  request: PlacementRequest,
  internals: PlacementInternals = {},
): Promise<PlacementResult> {
  const problems = validate(request.endpoint);
  if (problems.length > 0) return invalidResult(request, problems);
  const prep = prepare(request, internals);
  const solved = await solvePlacement(prep.problem, request.options);
  const assembled = assemble(request, prep, solved, internals);
  if (assembled.result.feasible) return assembled.result;
  if (!wantsExplanation(request)) return explain(request, prep, assembled, undefined, undefined);
  let costWithoutBudget: number | null | undefined;
  if (request.endpoint.budgetPerMonthMicros !== undefined) {
    const r = await runPlacement(
      quiet(request, { ...request.endpoint, budgetPerMonthMicros: undefined }),
      internals,
    );
    costWithoutBudget = r.feasible ? r.costPerHourMicros : null;
  }
  return explain(
    request,
    prep,
    assembled,
    costWithoutBudget,
    (slo) =>
      runGreedy(quiet(request, { ...request.endpoint, sloTtftP95Ms: slo }, 'greedy'), internals)
        .feasible,
  );
}

/** Greedy placement, synchronously (no HiGHS): for hot loops such as the simulator. */
export function runGreedy(
  request: PlacementRequest,
  internals: PlacementInternals = {},
): PlacementResult {
  const problems = validate(request.endpoint);
  if (problems.length > 0) return invalidResult(request, problems);
  const prep = prepare(request, internals);
  const outcome = solveGreedy(prep.problem);
  const assembled = assemble(
    request,
    prep,
    { outcome, problem: prep.problem, dominated: 0, screenedOut: 0 },
    internals,
  );
  if (assembled.result.feasible) return assembled.result;
  if (!wantsExplanation(request)) return explain(request, prep, assembled, undefined, undefined);
  let costWithoutBudget: number | null | undefined;
  if (request.endpoint.budgetPerMonthMicros !== undefined) {
    const r = runGreedy(
      quiet(request, { ...request.endpoint, budgetPerMonthMicros: undefined }),
      internals,
    );
    costWithoutBudget = r.feasible ? r.costPerHourMicros : null;
  }
  return explain(
    request,
    prep,
    assembled,
    costWithoutBudget,
    (slo) =>
      runGreedy(quiet(request, { ...request.endpoint, sloTtftP95Ms: slo }), internals).feasible,
  );
}

/** Greedy placement of one endpoint, synchronously. Same result shape as placeEndpoint. */
export function placeEndpointGreedy(request: PlacementRequest): PlacementResult {
  return runGreedy(request);
}

/**
 * Places one endpoint on the grid: the MILP (HiGHS) by default, greedy on request or for very
 * large models. Never throws for infeasible requests: the result says why.
 */
export function placeEndpoint(request: PlacementRequest): Promise<PlacementResult> {
  return runPlacement(request);
}
