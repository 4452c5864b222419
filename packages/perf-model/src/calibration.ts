// Published serving figures the performance model is calibrated on. Each point names its
// source, the engine and hardware it was measured on, and the workload, so that a simulator can
// replay the workload and compare (engine-sim's `calibrate()` does so with its scheduler; the
// step-level points can also be predicted in closed form with `predictStepLevel`).
// docs/engine-calibration.md lists the points, the fitted options and the resulting errors.
import { type GpuSpec, GPU_SPECS } from './gpu-specs';
import {
  DEFAULT_ENGINE_OPTIONS,
  type EngineModelOptions,
  type ModelShape,
  replicaPerfForSpec,
} from './engine-model';

/** GPUs that appear in published figures but not in the grid's catalogue. */
export const CALIBRATION_GPU_SPECS: Record<string, GpuSpec> = {
  H200: {
    id: 'H200',
    memoryGb: 141,
    bandwidthGBps: 4800,
    bf16Tflops: 989,
    fp8Tflops: 1979,
    source: 'NVIDIA H200 data sheet (SXM: 141 GB HBM3e, 4.8 TB/s, 989 TFLOPS BF16 dense)',
  },
  'A100-40GB': {
    id: 'A100-40GB',
    memoryGb: 40,
    bandwidthGBps: 1555,
    bf16Tflops: 312,
    source: 'NVIDIA A100 data sheet (40GB SXM: 1,555 GB/s HBM2, 312 TFLOPS BF16 dense)',
  },
};

export function calibrationGpu(id: string): GpuSpec {
  const gpu = GPU_SPECS[id] ?? CALIBRATION_GPU_SPECS[id];
  if (!gpu) throw new Error(`Unknown GPU type ${id}`);
  return gpu;
}

/** Llama 3 / 3.1 8B: 8.03 B parameters, 32 layers × 8 KV heads × 128 dims. */
const LLAMA_8B: ModelShape = { parametersB: 8.03, kvBytesPerToken: 131_072 };

export interface CalibrationWorkload {
  inputTokens: number;
  outputTokens: number;
  /**
   * `closed`: `concurrency` clients each send a request as soon as their previous one ends
   * (vllm bench serve --max-concurrency, NIM's AIPerf concurrency). `burst`: `requests`
   * requests all arrive at time 0 (benchmark_serving --request-rate inf, benchmark_latency).
   */
  arrival: 'closed' | 'burst';
  concurrency: number;
  requests: number;
}

export type CalibrationMetric =
  /** Mean time between output tokens of a request, excluding the first (ms). */
  | 'tpot_ms'
  /** Output tokens per second over the run. */
  | 'output_tokens_per_s'
  /** Output tokens per second, divided by the same workload's at `baseConcurrency`. */
  | 'output_tokens_per_s_ratio'
  /** Mean time to first token (ms). */
  | 'ttft_mean_ms'
  /** Mean end-to-end latency of a request (ms). */
  | 'e2e_mean_ms';

export interface CalibrationPoint {
  id: string;
  /** Where the figure was published, and what it says. */
  source: string;
  url: string;
  engine: string;
  gpuTypeId: string;
  gpuCount: number;
  model: ModelShape;
  modelName: string;
  workload: CalibrationWorkload;
  metric: CalibrationMetric;
  baseConcurrency?: number;
  /** Engine settings of the measured run that differ from today's vLLM defaults. */
  engineConfig?: { maxNumBatchedTokens?: number };
  published: number;
  /** What had to be assumed to replay the figure. */
  assumptions?: string;
}

export const CALIBRATION_POINTS: CalibrationPoint[] = [
  {
    id: 'nim-h100-fp8-8b-c1-itl',
    source:
      'NVIDIA NIM LLM benchmarking, Performance: Llama-3.1-8b-instruct, NIM 1.8.0, concurrency 1: TTFT 10.26 ms, ITL 4.63 ms, 214.56 tokens/s',
    url: 'https://docs.nvidia.com/nim/benchmarking/llm/1.0.0/performance',
    engine: 'NVIDIA NIM 1.8.0 (TensorRT-LLM), FP8',
    gpuTypeId: 'H100',
    gpuCount: 1,
    model: { ...LLAMA_8B, bytesPerParam: 1 },
    modelName: 'Llama 3.1 8B Instruct (FP8)',
    workload: {
      inputTokens: 200,
      outputTokens: 200,
      arrival: 'closed',
      concurrency: 1,
      requests: 4,
    },
    metric: 'tpot_ms',
    published: 4.63,
    assumptions:
      'One H100 80GB, FP8 weights (NIM profile); input/output lengths not in our copy of the table, 200/200 assumed (ITL barely depends on them at this concurrency).',
  },
  {
    id: 'nim-h100-fp8-8b-c25-itl',
    source:
      'NVIDIA NIM LLM benchmarking, Performance: Llama-3.1-8b-instruct, NIM 1.8.0, concurrency 25: TTFT 36.34 ms, ITL 5.19 ms, 4,678.88 tokens/s',
    url: 'https://docs.nvidia.com/nim/benchmarking/llm/1.0.0/performance',
    engine: 'NVIDIA NIM 1.8.0 (TensorRT-LLM), FP8',
    gpuTypeId: 'H100',
    gpuCount: 1,
    model: { ...LLAMA_8B, bytesPerParam: 1 },
    modelName: 'Llama 3.1 8B Instruct (FP8)',
    workload: {
      inputTokens: 200,
      outputTokens: 200,
      arrival: 'closed',
      concurrency: 25,
      requests: 100,
    },
    metric: 'tpot_ms',
    published: 5.19,
    assumptions: 'As above: 200/200 tokens assumed.',
  },
  {
    id: 'nim-h100-fp8-8b-c100-itl',
    source:
      'NVIDIA NIM LLM benchmarking, Performance: Llama-3.1-8b-instruct, NIM 1.8.0, concurrency 100: TTFT 119.97 ms, ITL 7.57 ms, 12,214.97 tokens/s',
    url: 'https://docs.nvidia.com/nim/benchmarking/llm/1.0.0/performance',
    engine: 'NVIDIA NIM 1.8.0 (TensorRT-LLM), FP8',
    gpuTypeId: 'H100',
    gpuCount: 1,
    model: { ...LLAMA_8B, bytesPerParam: 1 },
    modelName: 'Llama 3.1 8B Instruct (FP8)',
    workload: {
      inputTokens: 200,
      outputTokens: 200,
      arrival: 'closed',
      concurrency: 100,
      requests: 400,
    },
    metric: 'tpot_ms',
    published: 7.57,
    assumptions: 'As above: 200/200 tokens assumed.',
  },
  {
    id: 'vllm-ci-h200-8b-latency-b8',
    source:
      'vLLM performance benchmark (Buildkite build 9515), latency_llama8B_tp1 on H200: 32 input tokens, 128 output tokens, batch 8, mean latency 833.42 ms',
    url: 'https://buildkite.com/vllm/performance-benchmark/builds/9515',
    engine: 'vLLM (CI performance benchmark), BF16',
    gpuTypeId: 'H200',
    gpuCount: 1,
    model: LLAMA_8B,
    modelName: 'Llama 3.1 8B',
    workload: { inputTokens: 32, outputTokens: 128, arrival: 'burst', concurrency: 8, requests: 8 },
    metric: 'e2e_mean_ms',
    published: 833.42,
  },
  {
    id: 'vllm-a100-40gb-8b-c1-tpot',
    source:
      'J. Musgrave, "vLLM throughput-latency sweep on NVIDIA A100": Llama-3.1-8B-Instruct BF16, 1024 input / 128 output tokens, --ignore-eos; "decode at one request per time runs at about 75 tokens/sec"',
    url: 'https://johnmusgrave.com/p/vllm-throughput-latency-sweep-on',
    engine: 'vLLM (vllm bench serve), BF16',
    gpuTypeId: 'A100-40GB',
    gpuCount: 1,
    model: LLAMA_8B,
    modelName: 'Llama 3.1 8B Instruct',
    workload: {
      inputTokens: 1024,
      outputTokens: 128,
      arrival: 'closed',
      concurrency: 1,
      requests: 4,
    },
    metric: 'tpot_ms',
    published: 1000 / 75,
  },
  {
    id: 'vllm-a100-40gb-8b-c8-gain',
    source:
      'Same sweep: "Batching buys throughput almost for free up to a concurrency of 8, a 6.6x gain" (output throughput at concurrency 8 over concurrency 1)',
    url: 'https://johnmusgrave.com/p/vllm-throughput-latency-sweep-on',
    engine: 'vLLM (vllm bench serve), BF16',
    gpuTypeId: 'A100-40GB',
    gpuCount: 1,
    model: LLAMA_8B,
    modelName: 'Llama 3.1 8B Instruct',
    workload: {
      inputTokens: 1024,
      outputTokens: 128,
      arrival: 'closed',
      concurrency: 8,
      requests: 40,
    },
    metric: 'output_tokens_per_s_ratio',
    baseConcurrency: 1,
    published: 6.6,
  },
  {
    id: 'vllm-2xa10g-8b-sharegpt-throughput',
    source:
      'arc53/llm-price-compass issue #6, "Benchmark Results: 2 * A10G (24GB)": vLLM benchmark_serving, Meta-Llama-3-8B, TP 2, 1000 ShareGPT prompts at request rate inf: 215,196 input and 43,140 generated tokens in 97.65 s, output throughput 441.76 tokens/s',
    url: 'https://github.com/arc53/llm-price-compass/issues/6',
    engine: 'vLLM (benchmark_serving.py, 2024-08), BF16, tensor parallel 2',
    gpuTypeId: 'A10G',
    gpuCount: 2,
    model: LLAMA_8B,
    modelName: 'Meta Llama 3 8B (fine-tune, same architecture)',
    workload: {
      inputTokens: 215,
      outputTokens: 43,
      arrival: 'burst',
      concurrency: 1000,
      requests: 1000,
    },
    metric: 'output_tokens_per_s',
    engineConfig: { maxNumBatchedTokens: 8192 },
    published: 441.76,
    assumptions:
      'ShareGPT lengths replaced by their means (215 in, 43 out); the real mix of long and short prompts is not replayed.',
  },
];

/**
 * Closed-form prediction for the points a single engine step explains: TPOT at concurrency 1
 * and a static batch's end-to-end latency. Points that need queueing and batching dynamics
 * return undefined (engine-sim replays them with its scheduler).
 */
export function predictStepLevel(
  point: CalibrationPoint,
  options: EngineModelOptions = DEFAULT_ENGINE_OPTIONS,
): number | undefined {
  const perf = replicaPerfForSpec(
    calibrationGpu(point.gpuTypeId),
    point.gpuCount,
    point.model,
    options,
  );
  const { inputTokens, outputTokens, concurrency } = point.workload;
  const midContext = inputTokens + outputTokens / 2;
  if (point.metric === 'tpot_ms' && concurrency === 1) return perf.decodeStepMs(1, midContext);
  if (point.metric === 'e2e_mean_ms' && point.workload.arrival === 'burst') {
    const batch = point.workload.requests;
    return (
      perf.stepMs(0, 0, batch * inputTokens) +
      (outputTokens - 1) * perf.decodeStepMs(batch, midContext)
    );
  }
  return undefined;
}
