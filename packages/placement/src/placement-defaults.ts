// Defaults of the placement model. Each figure is an assumption; the README says why.
import { DEFAULT_ENGINE_OPTIONS } from '@aigrid/perf-model';
import { DEFAULT_RTT_MODEL } from './latency-model';
import type { Workload } from './replica-profile';
import type { EndpointSpec, PlacementStats, PlacementTuning } from './types';

/** Billing month: 365 × 24 / 12 hours. */
export const HOURS_PER_MONTH = 730;

export const DEFAULT_PROMPT_TOKENS = 512;
export const DEFAULT_OUTPUT_TOKENS = 256;
export const DEFAULT_TIME_LIMIT_MS = 2_000;
/** Per endpoint in batch placement: the greedy start stands when the MILP has not improved it. */
export const DEFAULT_BATCH_TIME_LIMIT_MS = 250;
export const DEFAULT_MIP_REL_GAP = 1e-4;
export const DEFAULT_AUTO_EXACT_MAX_CANDIDATES = 3_000;

export const DEFAULT_PLACEMENT_TUNING: PlacementTuning = {
  maxUtilisation: 0.9,
  maxBatch: 256,
  minConcurrentRequests: 8,
  tensorParallelDegrees: [1, 2, 4, 8],
  rttModel: DEFAULT_RTT_MODEL,
  engine: DEFAULT_ENGINE_OPTIONS,
  tierRatio: 0.8,
  tierCount: 20,
};

export function resolveTuning(partial: Partial<PlacementTuning> | undefined): PlacementTuning {
  return { ...DEFAULT_PLACEMENT_TUNING, ...partial };
}

/**
 * GPUs of one type a site offers to the market: the offer's share of the node's GPUs, rounded
 * down, capped by the offer's quota. Subtract reserved GPUs to get what is free.
 */
export function offeredGpus(node: {
  gpuCount: number;
  capacityShareBp: number;
  quotaGpus?: number | null;
}): number {
  const share = Math.floor((node.gpuCount * Math.max(0, node.capacityShareBp)) / 10_000);
  const quota = node.quotaGpus ?? Number.POSITIVE_INFINITY;
  return Math.max(0, Math.min(node.gpuCount, share, quota));
}

/** Median prompt and completion lengths of an endpoint's requests. */
export function workloadOf(endpoint: EndpointSpec): Workload {
  const prompt = endpoint.promptTokensP50;
  const output = endpoint.outputTokensP50;
  return {
    promptTokens: prompt !== undefined && prompt > 0 ? prompt : DEFAULT_PROMPT_TOKENS,
    outputTokens: output !== undefined && output > 0 ? output : DEFAULT_OUTPUT_TOKENS,
  };
}

/** Statistics of a result that needed no solve (invalid request, nothing to change). */
export function statsWithoutSolve(sites: number, solverStatus: string): PlacementStats {
  return {
    sites,
    eligibleNodes: 0,
    prunedTooFar: 0,
    prunedDominated: 0,
    screenedOut: 0,
    candidateNodes: 0,
    milpColumns: 0,
    milpRows: 0,
    solverStatus,
  };
}
