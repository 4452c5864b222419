// Exact placement: the MILP of milp-build.ts solved by HiGHS within a time limit, started from
// a known placement (the greedy one) when there is one. On a time limit HiGHS returns its best
// placement and the gap to its proven bound.
import { highsRuntime } from './highs-runtime';
import { buildMilp } from './milp-build';
import type { PlacementProblem, Solution, SolverOutcome } from './placement-problem';

export interface ExactOptions {
  timeLimitMs: number;
  mipRelGap: number;
  /** Maximise served demand first instead of requiring every reachable metro. */
  soft: boolean;
  start?: Solution;
}

export interface ExactOutcome extends SolverOutcome {
  /** Whether HiGHS returned a feasible placement. */
  hasSolution: boolean;
  /** HiGHS proved the model infeasible. */
  infeasible: boolean;
  /** HiGHS' proven lower bound on the objective, when it has one. */
  dualBound: number | null;
}

const STATUS_NAMES: Record<number, string> = {
  7: 'optimal',
  8: 'infeasible',
  9: 'infeasible-or-unbounded',
  13: 'time-limit',
  14: 'iteration-limit',
  16: 'solution-limit',
  17: 'interrupted',
};

export async function solveExact(
  problem: PlacementProblem,
  options: ExactOptions,
): Promise<ExactOutcome> {
  const highs = await highsRuntime();
  const milp = buildMilp(problem, options.soft);
  const columns = milp.data.numCols;
  const rows = milp.data.numRows;
  const model = highs.createModel(milp.data);
  try {
    model.options.set({
      output_flag: false,
      time_limit: Math.max(0.01, options.timeLimitMs / 1000),
      mip_rel_gap: options.mipRelGap,
      mip_abs_gap: 0.1 * milp.costStep,
      random_seed: 0,
    });
    if (options.start) model.setSolution({ colValue: milp.encode(options.start) });
    model.run();
    const code = model.getModelStatus();
    const status = STATUS_NAMES[code] ?? `status-${code}`;
    const primal = Number(model.info.get('primal_solution_status'));
    const hasSolution = primal === 2;
    let gapPct: number | null = null;
    let dualBound: number | null = null;
    if (hasSolution) {
      const gap = Number(model.info.get('mip_gap'));
      gapPct = Number.isFinite(gap) ? Math.max(0, gap * 100) : null;
      const bound = Number(model.info.get('mip_dual_bound'));
      dualBound = Number.isFinite(bound) ? bound : null;
    }
    const solution = hasSolution
      ? milp.decode(model.getSolution().colValue)
      : {
          replicas: new Int32Array(problem.candidates.length),
          nodeTier: new Int16Array(problem.candidates.length).fill(-1),
          flow: new Float64Array(problem.candidates.length * problem.metros.length),
          served: problem.metros.map(() => false),
        };
    return {
      solution,
      solver: 'exact',
      gapPct,
      status,
      columns,
      rows,
      hasSolution,
      infeasible: code === 8,
      dualBound,
    };
  } finally {
    model.dispose();
  }
}
