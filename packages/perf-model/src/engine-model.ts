// The performance of one model replica on one GPU type, shared by the simulated engine,
// placement and the grid simulator. A first-order roofline model:
// - prefill is compute-bound: 2 × parameters FLOPs per prompt token at a model FLOPs
//   utilisation (MFU) well below peak;
// - each decode step is memory-bound: it reads all weights once plus the KV cache of every
//   sequence in the batch, at a fraction of peak bandwidth, plus a fixed per-step overhead;
// - the KV cache gets the GPU memory left after the weights.
import { GPU_SPECS, type GpuSpec } from './gpu-specs';

export interface ModelShape {
  /** Parameters in billions. */
  parametersB: number;
  /** Bytes per parameter at the served precision (2 for BF16). */
  bytesPerParam?: number;
  /** KV-cache bytes per token (2 × layers × KV heads × head size × bytes). */
  kvBytesPerToken?: number;
}

export interface EngineModelOptions {
  /** Fraction of peak FLOPs prefill reaches. */
  prefillMfu: number;
  /** Fraction of peak bandwidth a decode step reaches. */
  decodeBandwidthEfficiency: number;
  /** Fixed cost of one scheduler step and kernel launches, in ms. */
  stepOverheadMs: number;
  /** Fraction of GPU memory the engine may use (vLLM's gpu_memory_utilization). */
  gpuMemoryUtilization: number;
}

export const DEFAULT_ENGINE_OPTIONS: EngineModelOptions = {
  prefillMfu: 0.45,
  decodeBandwidthEfficiency: 0.75,
  stepOverheadMs: 1.5,
  gpuMemoryUtilization: 0.9,
};

/** KV bytes per token when the model card's figure is not known: scaled from Llama 3 8B. */
export function defaultKvBytesPerToken(parametersB: number): number {
  // Llama 3.1 8B: 2 × 32 layers × 8 KV heads × 128 × 2 bytes = 131,072 bytes per token.
  return Math.round(131_072 * Math.sqrt(parametersB / 8));
}

export interface ReplicaPerf {
  gpu: GpuSpec;
  gpuCount: number;
  weightsBytes: number;
  kvBytesPerToken: number;
  /** Tokens of KV cache the replica can hold; ≤ 0 when the model does not fit. */
  kvCapacityTokens: number;
  fits: boolean;
  /** Time to prefill `tokens` prompt tokens, in ms. */
  prefillMs(tokens: number): number;
  /** Time of one decode step for `batch` sequences with `contextTokens` each on average, in ms. */
  decodeStepMs(batch: number, contextTokens: number): number;
}

export function replicaPerf(
  gpuTypeId: string,
  gpuCount: number,
  model: ModelShape,
  options: EngineModelOptions = DEFAULT_ENGINE_OPTIONS,
): ReplicaPerf {
  const gpu = GPU_SPECS[gpuTypeId];
  if (!gpu) throw new Error(`Unknown GPU type ${gpuTypeId}`);
  const params = model.parametersB * 1e9;
  const weightsBytes = params * (model.bytesPerParam ?? 2);
  const kvBytesPerToken = model.kvBytesPerToken ?? defaultKvBytesPerToken(model.parametersB);
  const usableBytes = gpu.memoryGb * 1e9 * gpuCount * options.gpuMemoryUtilization;
  const kvCapacityTokens = Math.floor((usableBytes - weightsBytes) / kvBytesPerToken);
  const flopsPerMs = gpu.bf16Tflops * 1e9 * gpuCount * options.prefillMfu;
  const bytesPerMs = gpu.bandwidthGBps * 1e6 * gpuCount * options.decodeBandwidthEfficiency;
  return {
    gpu,
    gpuCount,
    weightsBytes,
    kvBytesPerToken,
    kvCapacityTokens,
    fits: kvCapacityTokens > 0,
    prefillMs: (tokens) => (2 * params * Math.max(0, tokens)) / flopsPerMs + options.stepOverheadMs,
    decodeStepMs: (batch, contextTokens) =>
      (weightsBytes + Math.max(0, batch) * Math.max(0, contextTokens) * kvBytesPerToken) /
        bytesPerMs +
      (2 * params * Math.max(0, batch)) / flopsPerMs +
      options.stepOverheadMs,
  };
}
