// How the control plane's workflows pace themselves. The worker reads these from its environment
// (env.ts) and hands them to the activities, which return them to the workflows inside activity
// results: a workflow never reads the environment, and a replay sees the values it saw first.
export interface ControlSettings {
  /** Gateways told to refresh their route snapshot after every change (base URLs). */
  gatewayUrls: string[];
  /** Bearer token of the gateways' internal routes. */
  gatewayToken: string;
  /** How long to wait for a gateway's refresh before relying on its polling. */
  gatewayRefreshTimeoutMs: number;
  /** A gateway polls the snapshot this often: the wait when one could not be told directly. */
  gatewayPollWaitMs: number;
  /** Time between two reconcile passes of an endpoint. */
  reconcilePeriodMs: number;
  /** Reconcile passes before the workflow continues as new (bounds its history). */
  reconcileIterationsPerRun: number;
  /** How long a replica being retired keeps serving its in-flight requests (≥ the longest). */
  drainGraceMs: number;
  /** A node whose last heartbeat is older than this is DOWN (3 heartbeat intervals). */
  nodeDownAfterMs: number;
  /** How long an activity waits for a node's agent to pick it up before the node counts as dead. */
  nodeStartTimeoutMs: number;
  /** How long an engine may take to load a model and answer /health. */
  modelReadyTimeoutMs: number;
  /** Placement attempts (each without the nodes that failed before) before provisioning fails. */
  provisionAttempts: number;
  /**
   * How long provisioning waits for nodes that are enrolling or not reporting when only they
   * would make the endpoint feasible (agents starting with the grid), before it fails.
   */
  capacityWaitMs: number;
  /** Window of the gateways' usage events that observed latency and demand are measured over. */
  observeWindowMs: number;
  /** Requests a metro needs in the window before its observed p95 counts. */
  observeMinSamples: number;
  /** Consecutive idle or over-budget passes before a replica is removed (scale in). */
  scaleInAfterPasses: number;
}

export const DEFAULT_CONTROL_SETTINGS: ControlSettings = {
  gatewayUrls: [],
  gatewayToken: 'dev-gateway-token',
  gatewayRefreshTimeoutMs: 1_000,
  gatewayPollWaitMs: 2_000,
  reconcilePeriodMs: 10_000,
  reconcileIterationsPerRun: 200,
  drainGraceMs: 30_000,
  nodeDownAfterMs: 15_000,
  nodeStartTimeoutMs: 15_000,
  modelReadyTimeoutMs: 300_000,
  provisionAttempts: 3,
  capacityWaitMs: 60_000,
  observeWindowMs: 300_000,
  observeMinSamples: 20,
  scaleInAfterPasses: 6,
};
