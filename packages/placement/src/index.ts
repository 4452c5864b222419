export * from './latency-model';
export * from './slo-floor';
export * from './types';
export * from './queueing-model';
export * from './ttft-model';
export {
  sizeReplica,
  type ReplicaProfile,
  type SizingResult,
  type Workload,
} from './replica-profile';
export {
  DEFAULT_PLACEMENT_TUNING,
  HOURS_PER_MONTH,
  DEFAULT_PROMPT_TOKENS,
  DEFAULT_OUTPUT_TOKENS,
  DEFAULT_TIME_LIMIT_MS,
  offeredGpus,
} from './placement-defaults';
export { placeEndpoint, placeEndpointGreedy } from './place-endpoint';
export { evaluatePlacement, type PlacementEvaluation } from './evaluate-placement';
export {
  replanEndpoint,
  type CurrentReplica,
  type PlacementMove,
  type ReplanRequest,
  type ReplanResult,
} from './replan-endpoint';
export {
  placeBatch,
  type BatchPlacementRequest,
  type BatchPlacementResult,
  type BatchEndpointResult,
} from './place-batch';
