// The performance of one model replica on one GPU type, shared by the simulated engine,
// placement and the grid simulator. A first-order roofline model of one engine step (one forward
// pass over a batch, as vLLM's scheduler runs them):
// - memory time: every step reads all weights once plus the KV cache of every decoding sequence,
//   at a fraction of peak bandwidth;
// - compute time: 2 × parameters FLOPs per token processed (prompt tokens being prefilled and
//   one token per decoding sequence), at a model FLOPs utilisation (MFU) well below peak;
// - a step takes the larger of the two (the GPU overlaps them), plus a fixed per-step overhead
//   (scheduler, sampling, kernel launches) and, with tensor parallelism, an all-reduce cost;
// - the KV cache gets the GPU memory left after the weights.
// The efficiencies are calibrated against published vLLM and NVIDIA figures: see calibration.ts
// and docs/engine-calibration.md.
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
  /** Fraction of peak FLOPs the batched decode GEMMs reach (defaults to prefillMfu). */
  decodeMfu?: number;
  /** Extra cost per step when the replica spans several GPUs (all-reduces), in ms. */
  tensorParallelStepOverheadMs?: number;
  /** Fraction of the aggregate FLOPs and bandwidth a tensor-parallel replica reaches (1 GPU: 1). */
  tensorParallelEfficiency?: number;
  /**
   * How much of the shorter of memory time and compute time hides under the longer one:
   * 1 is a pure roofline (a step takes the larger), 0 adds them.
   */
  computeMemoryOverlap?: number;
}

// Fitted to CALIBRATION_POINTS by replaying them with engine-sim's scheduler (max error 10.7 %,
// see docs/engine-calibration.md).
export const DEFAULT_ENGINE_OPTIONS: EngineModelOptions = {
  prefillMfu: 0.65,
  decodeBandwidthEfficiency: 0.8,
  stepOverheadMs: 1.6,
  gpuMemoryUtilization: 0.9,
  decodeMfu: 0.3,
  computeMemoryOverlap: 0.7,
  tensorParallelEfficiency: 0.55,
  tensorParallelStepOverheadMs: 4,
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
  /** Time to prefill `tokens` prompt tokens in one step of their own, in ms. */
  prefillMs(tokens: number): number;
  /** Time of one decode step for `batch` sequences with `contextTokens` each on average, in ms. */
  decodeStepMs(batch: number, contextTokens: number): number;
  /**
   * Time of one mixed engine step, in ms: `decodeBatch` sequences decoding one token each with
   * `decodeContextTokens` of context on average, plus `prefillTokens` prompt tokens (chunked
   * prefill) computed in the same forward pass.
   */
  stepMs(decodeBatch: number, decodeContextTokens: number, prefillTokens: number): number;
}

export function replicaPerf(
  gpuTypeId: string,
  gpuCount: number,
  model: ModelShape,
  options: EngineModelOptions = DEFAULT_ENGINE_OPTIONS,
): ReplicaPerf {
  const gpu = GPU_SPECS[gpuTypeId];
  if (!gpu) throw new Error(`Unknown GPU type ${gpuTypeId}`);
  return replicaPerfForSpec(gpu, gpuCount, model, options);
}

/** Same as replicaPerf for a GPU given by its figures (e.g. a calibration GPU not in GPU_SPECS). */
export function replicaPerfForSpec(
  gpu: GpuSpec,
  gpuCount: number,
  model: ModelShape,
  options: EngineModelOptions = DEFAULT_ENGINE_OPTIONS,
): ReplicaPerf {
  const params = model.parametersB * 1e9;
  const weightsBytes = params * (model.bytesPerParam ?? 2);
  const kvBytesPerToken = model.kvBytesPerToken ?? defaultKvBytesPerToken(model.parametersB);
  const usableBytes = gpu.memoryGb * 1e9 * gpuCount * options.gpuMemoryUtilization;
  const kvCapacityTokens = Math.floor((usableBytes - weightsBytes) / kvBytesPerToken);
  // FP8 weights run on the FP8 tensor cores where the GPU has them.
  const peakTflops =
    (model.bytesPerParam ?? 2) <= 1 && gpu.fp8Tflops ? gpu.fp8Tflops : gpu.bf16Tflops;
  const tpEfficiency = gpuCount > 1 ? (options.tensorParallelEfficiency ?? 1) : 1;
  const peakFlopsPerMs = peakTflops * 1e9 * gpuCount * tpEfficiency;
  const prefillFlopsPerMs = peakFlopsPerMs * options.prefillMfu;
  const decodeFlopsPerMs = peakFlopsPerMs * (options.decodeMfu ?? options.prefillMfu);
  const bytesPerMs =
    gpu.bandwidthGBps * 1e6 * gpuCount * tpEfficiency * options.decodeBandwidthEfficiency;
  const overlap = options.computeMemoryOverlap ?? 1;
  const overheadMs =
    options.stepOverheadMs + (gpuCount > 1 ? (options.tensorParallelStepOverheadMs ?? 0) : 0);
  const weightsMs = weightsBytes / bytesPerMs;
  const flopsPerToken = 2 * params;

  const stepMs = (decodeBatch: number, decodeContextTokens: number, prefillTokens: number) => {
    const batch = Math.max(0, decodeBatch);
    const prefill = Math.max(0, prefillTokens);
    if (batch === 0 && prefill === 0) return 0;
    const memoryMs =
      weightsMs + (batch * Math.max(0, decodeContextTokens) * kvBytesPerToken) / bytesPerMs;
    const computeMs =
      (flopsPerToken * prefill) / prefillFlopsPerMs + (flopsPerToken * batch) / decodeFlopsPerMs;
    return (
      Math.max(memoryMs, computeMs) + (1 - overlap) * Math.min(memoryMs, computeMs) + overheadMs
    );
  };

  return {
    gpu,
    gpuCount,
    weightsBytes,
    kvBytesPerToken,
    kvCapacityTokens,
    fits: kvCapacityTokens > 0,
    prefillMs: (tokens) => stepMs(0, 0, Math.max(1, tokens)),
    decodeStepMs: (batch, contextTokens) => stepMs(Math.max(1, batch), contextTokens, 0),
    stepMs,
  };
}
