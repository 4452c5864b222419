// The figures a route snapshot carries for a simulated replica, from the same performance model
// the engines run on (as the control plane derives them from placement's model).
import { catalogueModel } from '@aigrid/engine-sim';
import { DEFAULT_ENGINE_OPTIONS, replicaPerf } from '@aigrid/perf-model';
import type { RouteReplica } from '@aigrid/routing';

export function snapshotPerf(
  gpuTypeId: string,
  model: string,
  maxConcurrency: number,
): Pick<RouteReplica, 'prefillTokensPerS' | 'decodeTokensPerS' | 'maxConcurrency'> {
  const m = catalogueModel(model)!;
  const perf = replicaPerf(gpuTypeId, 1, m, DEFAULT_ENGINE_OPTIONS);
  return {
    prefillTokensPerS: Math.round(2048 / (perf.stepMs(0, 0, 2048) / 1000)),
    decodeTokensPerS: Math.round(1000 / perf.decodeStepMs(1, 2048)),
    maxConcurrency,
  };
}
