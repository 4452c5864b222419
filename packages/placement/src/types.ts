// Public shapes of placement: plain data in, plain data out. Money is integer micro-units
// (1 USD = 1,000,000), latencies are milliseconds, rates are requests per second.
import type { EngineModelOptions } from '@aigrid/perf-model';
import type { RttModel } from './latency-model';

/** The model an endpoint serves, as the catalogue describes it. */
export interface ModelSpec {
  /** Parameters in billions. */
  parametersB: number;
  /** Weights in GB at the served precision (gives bytes per parameter). */
  memoryGb: number;
  /** GPU type ids the model may run on. */
  supportedGpuTypes: readonly string[];
  /** KV-cache bytes per token; the perf model scales one from Llama 3 8B when absent. */
  kvBytesPerToken?: number;
}

/** Where an endpoint's traffic comes from. Weights are relative (basis points work). */
export interface DemandMetro {
  metroId: string;
  /** Display name for explanations; the id when absent. */
  name?: string;
  weight: number;
  lat: number;
  lon: number;
}

export interface EndpointSpec {
  /** Identifies the endpoint in batch placement and re-placement; optional otherwise. */
  id?: string;
  modelId: string;
  model: ModelSpec;
  sloTtftP95Ms: number;
  /** A site qualifies only if its tags include every one of these. */
  jurisdictions: readonly string[];
  demand: readonly DemandMetro[];
  expectedRps: number;
  /** Each metro keeps a replica meeting the SLO in a second site. */
  redundancy: boolean;
  budgetPerMonthMicros?: number;
  /** Median prompt length in tokens (default 512). */
  promptTokensP50?: number;
  /** Median completion length in tokens (default 256). */
  outputTokensP50?: number;
}

export interface GridNode {
  id: string;
  gpuTypeId: string;
  gpuCount: number;
  healthy: boolean;
  draining: boolean;
  /**
   * Busy fraction (0..1) of the node's serving engines at the last report. Placement of new
   * replicas on free GPUs does not depend on it; re-placement reads it as the utilisation of
   * the endpoint's own replicas on the node.
   */
  utilisation: number;
  /** Requests waiting in the node's engine queue at the last report (re-placement only). */
  queueDepth?: number;
  /** GPUs already reserved by replicas (of any endpoint, this one's included). */
  reservedGpus: number;
  /** GPUs offered to the market after the offer's share and quota (see `offeredGpus`). */
  offeredGpus: number;
  pricePerGpuHourMicros: number;
  /** Listed per-token price; reported for comparison, not optimised (replicas buy GPU hours). */
  pricePerMTokensMicros?: number;
}

export interface GridSite {
  id: string;
  operatorId: string;
  name: string;
  lat: number;
  lon: number;
  /** Jurisdiction tags such as EU, US, GDPR, HIPAA. */
  jurisdictions: readonly string[];
  nodes: readonly GridNode[];
}

/** An operator's RTT measurement from a metro to a site; it replaces the distance estimate. */
export interface RttMeasurement {
  metroId: string;
  siteId: string;
  /** Median round trip. */
  rttMs: number;
  /** 95th percentile round trip; the median when absent. */
  rttP95Ms?: number;
}

export interface Grid {
  sites: readonly GridSite[];
  rtt?: readonly RttMeasurement[];
}

export type SolverChoice = 'exact' | 'greedy' | 'auto';

/** Modelling constants; every one has a documented default (DEFAULT_PLACEMENT_TUNING). */
export interface PlacementTuning {
  /** Highest utilisation a replica is planned at (headroom for bursts). */
  maxUtilisation: number;
  /** Most sequences one replica batches (vLLM's max_num_seqs). */
  maxBatch: number;
  /** KV-cache tokens a replica must hold beyond the weights, in concurrent requests' worth. */
  minConcurrentRequests: number;
  /** Tensor-parallel degrees tried, smallest first. */
  tensorParallelDegrees: readonly number[];
  rttModel: RttModel;
  engine: EngineModelOptions;
  /** Ratio between consecutive per-replica load tiers of the optimisation (see README). */
  tierRatio: number;
  /** Number of load tiers below full load. */
  tierCount: number;
}

export interface PlacementOptions {
  /** 'auto' (default) runs the MILP unless the pruned model is very large. */
  solver?: SolverChoice;
  /** Wall-clock limit for HiGHS (default 2,000 ms); on expiry the best solution found is used. */
  timeLimitMs?: number;
  /** HiGHS relative gap at which the MILP stops (default 1e-4). */
  mipRelGap?: number;
  /** 'auto' uses greedy above this many nodes able to meet the SLO (default 3,000). */
  autoExactMaxCandidates?: number;
  /**
   * false skips the "what would it take" searches that solve again (smallest feasible SLO,
   * budget that would do); reasons and exclusions are always given.
   */
  explain?: boolean;
  tuning?: Partial<PlacementTuning>;
}

export interface PlacementRequest {
  endpoint: EndpointSpec;
  grid: Grid;
  options?: PlacementOptions;
}

export interface PlacedReplica {
  nodeId: string;
  siteId: string;
  operatorId: string;
  gpuTypeId: string;
  /** GPUs of the node the replica uses: its tensor-parallel degree. */
  gpuCount: number;
}

export interface MetroOutcome {
  metroId: string;
  /** Sites carrying this metro's traffic, largest share first. */
  servedBy: string[];
  /** Other sites with a replica that would meet the SLO for this metro (redundancy). */
  backupSites: string[];
  rps: number;
  p50TtftMs: number | null;
  p95TtftMs: number | null;
  meetsSlo: boolean;
}

export type ReasonCode =
  | 'no-eligible-site'
  | 'slo-unreachable'
  | 'no-redundancy'
  | 'over-budget'
  | 'no-capacity'
  | 'invalid-request';

export interface PlacementReason {
  metroId?: string;
  code: ReasonCode;
  message: string;
}

export type ExclusionCode =
  | 'jurisdiction'
  | 'no-supported-gpu'
  | 'model-does-not-fit'
  | 'unhealthy'
  | 'draining'
  | 'no-free-capacity'
  | 'over-budget'
  | 'too-far';

export interface SiteExclusion {
  siteId: string;
  codes: ExclusionCode[];
  reasons: string[];
}

export type PlacementAlternative =
  | {
      kind: 'relax-slo';
      /** Per metro: the smallest SLO a site could meet for it; absent: for the whole request. */
      metroId?: string;
      sloTtftP95Ms: number;
      message: string;
    }
  | {
      kind: 'allow-site';
      siteId: string;
      metroId: string;
      missingJurisdictions: string[];
      p95TtftMs: number;
      message: string;
    }
  | { kind: 'raise-budget'; budgetPerMonthMicros: number; message: string }
  | { kind: 'drop-redundancy'; metroId: string; message: string };

export type SolverName = 'exact' | 'greedy' | 'none';

export interface PlacementStats {
  sites: number;
  /** Nodes passing every hard constraint. */
  eligibleNodes: number;
  prunedTooFar: number;
  prunedDominated: number;
  /** Nodes left out by screening a model still too large for the MILP (see README). */
  screenedOut: number;
  /** Nodes the solver chose among. */
  candidateNodes: number;
  milpColumns: number;
  milpRows: number;
  /** HiGHS' final status, or why the MILP did not run. */
  solverStatus: string;
}

export interface PlacementResult {
  feasible: boolean;
  solver: SolverName;
  /** 0 when proven optimal; the MILP's gap after a time limit; null when no bound is known. */
  optimalityGapPct: number | null;
  replicas: PlacedReplica[];
  perMetro: MetroOutcome[];
  costPerHourMicros: number;
  costPerMonthMicros: number;
  /** Cost of the replicas per million tokens (prompt + completion) at the expected load. */
  costPerMTokensMicros: number;
  /** Traffic-weighted listed per-token price of the chosen nodes, for comparison; 0 if unknown. */
  listedPricePerMTokensMicros: number;
  reasons: PlacementReason[];
  excluded: SiteExclusion[];
  alternatives: PlacementAlternative[];
  stats: PlacementStats;
}
