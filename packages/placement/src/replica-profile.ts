// Sizing of one replica of a model on one GPU type, from the shared performance model
// (@aigrid/perf-model: roofline prefill and decode from the GPUs' data-sheet figures).
// - Tensor-parallel degree: the smallest degree (1, 2, 4, 8 by default, at most the node's
//   GPUs) whose memory holds the weights plus KV cache for a few concurrent requests.
// - Batch: as many sequences as the KV cache holds at prompt + completion length, capped by
//   the engine's maximum (vLLM's max_num_seqs).
// - Service rate: GPU time per request is one prefill plus its share of the decode steps at
//   full batch, so μ = 1000 / (prefill + output × step(B) / B) requests per second.
import { GPU_SPECS, replicaPerf, type ReplicaPerf } from '@aigrid/perf-model';
import type { ModelSpec, PlacementTuning } from './types';

export interface Workload {
  promptTokens: number;
  outputTokens: number;
}

export interface ReplicaProfile {
  gpuTypeId: string;
  /** GPUs per replica. */
  tensorParallel: number;
  /** Prefill time of a median prompt, in ms. */
  prefillMs: number;
  /** Concurrent sequences at full load. */
  maxBatch: number;
  kvCapacityTokens: number;
  /** Requests per second the replica completes at full batch (μ). */
  serviceRateRps: number;
  /** The rate it is planned for at most: μ × the utilisation cap. */
  maxRps: number;
  /** Average context length of a sequence while it decodes. */
  decodeContextTokens: number;
  /** One decode step for `batch` sequences at the average context, in ms. */
  decodeStepMs(batch: number): number;
  /** Where the GPU figures come from. */
  source: string;
}

export type SizingResult =
  | { ok: true; profile: ReplicaProfile }
  | { ok: false; reason: 'unknown-gpu' | 'does-not-fit'; detail: string };

function bytesPerParam(model: ModelSpec): number | undefined {
  if (!(model.memoryGb > 0) || !(model.parametersB > 0)) return undefined;
  return model.memoryGb / model.parametersB;
}

function perfFor(model: ModelSpec, gpuTypeId: string, gpus: number, tuning: PlacementTuning) {
  return replicaPerf(
    gpuTypeId,
    gpus,
    {
      parametersB: model.parametersB,
      bytesPerParam: bytesPerParam(model),
      kvBytesPerToken: model.kvBytesPerToken,
    },
    tuning.engine,
  );
}

function profileFrom(perf: ReplicaPerf, workload: Workload, tuning: PlacementTuning) {
  const perRequestTokens = workload.promptTokens + workload.outputTokens;
  const maxBatch = Math.max(
    1,
    Math.min(tuning.maxBatch, Math.floor(perf.kvCapacityTokens / perRequestTokens)),
  );
  const decodeContextTokens = workload.promptTokens + workload.outputTokens / 2;
  const prefillMs = perf.prefillMs(workload.promptTokens);
  const decodeStepMs = (batch: number) => perf.decodeStepMs(batch, decodeContextTokens);
  const gpuMsPerRequest = prefillMs + (workload.outputTokens * decodeStepMs(maxBatch)) / maxBatch;
  const serviceRateRps = 1000 / gpuMsPerRequest;
  const profile: ReplicaProfile = {
    gpuTypeId: perf.gpu.id,
    tensorParallel: perf.gpuCount,
    prefillMs,
    maxBatch,
    kvCapacityTokens: perf.kvCapacityTokens,
    serviceRateRps,
    maxRps: serviceRateRps * tuning.maxUtilisation,
    decodeContextTokens,
    decodeStepMs,
    source: perf.gpu.source,
  };
  return profile;
}

/** Smallest tensor-parallel degree (≤ `maxGpus`) that fits the model with KV headroom. */
export function sizeReplica(
  model: ModelSpec,
  gpuTypeId: string,
  maxGpus: number,
  workload: Workload,
  tuning: PlacementTuning,
): SizingResult {
  const gpu = GPU_SPECS[gpuTypeId];
  if (!gpu) return { ok: false, reason: 'unknown-gpu', detail: `unknown GPU type ${gpuTypeId}` };
  const minKvTokens =
    tuning.minConcurrentRequests * (workload.promptTokens + workload.outputTokens);
  const degrees = [...tuning.tensorParallelDegrees].sort((a, b) => a - b);
  for (const degree of degrees) {
    if (degree > maxGpus) break;
    const perf = perfFor(model, gpuTypeId, degree, tuning);
    if (perf.fits && perf.kvCapacityTokens >= minKvTokens) {
      return { ok: true, profile: profileFrom(perf, workload, tuning) };
    }
  }
  const largest = degrees.filter((d) => d <= maxGpus).pop();
  return {
    ok: false,
    reason: 'does-not-fit',
    detail:
      largest === undefined
        ? `${maxGpus} GPU(s) is below the smallest tensor-parallel degree`
        : `${model.memoryGb} GB of weights plus ${minKvTokens} KV tokens do not fit ${largest}× ${gpuTypeId} (${largest * gpu.memoryGb} GB)`,
  };
}
