// Runs the engine core on a synthetic workload in pure simulated time (no HTTP, no waiting), as
// `vllm bench serve` would drive a real engine: random prompts of a fixed length, a fixed number
// of output tokens (ignore_eos), and either closed-loop clients or a burst. Used to calibrate
// the performance model against published figures and by the benchmark.
import {
  CALIBRATION_POINTS,
  calibrationGpu,
  DEFAULT_ENGINE_OPTIONS,
  type CalibrationPoint,
  type EngineModelOptions,
  replicaPerfForSpec,
  type ReplicaPerf,
} from '@aigrid/perf-model';
import { BLOCK_SIZE } from './kv-cache';
import { EngineCore, type FinishInfo } from './scheduler';
import { Rng } from './textgen';

export interface SimulationWorkload {
  inputTokens: number;
  outputTokens: number;
  arrival: 'closed' | 'burst';
  /** Clients for `closed` (each sends its next request when the last one ends). */
  concurrency: number;
  requests: number;
  /** Tokens at the start of every prompt shared by all requests (a system prompt). */
  sharedPrefixTokens?: number;
}

export interface SimulationSetup {
  perf: ReplicaPerf;
  maxModelLen?: number;
  maxNumSeqs?: number;
  maxNumBatchedTokens?: number;
  prefixCaching?: boolean;
  seed?: number;
}

export interface SimulationResult {
  requests: number;
  durationMs: number;
  outputTokens: number;
  outputTokensPerS: number;
  ttftMeanMs: number;
  ttftP50Ms: number;
  ttftP99Ms: number;
  tpotMeanMs: number;
  e2eMeanMs: number;
  steps: number;
  preemptions: number;
  prefixCacheHitRate: number;
  /** CPU time the simulation took on this machine, ms. */
  cpuMs: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

export function simulate(setup: SimulationSetup, workload: SimulationWorkload): SimulationResult {
  const cpu0 = process.cpuUsage();
  const { perf } = setup;
  const numBlocks = Math.floor(perf.kvCapacityTokens / BLOCK_SIZE);
  if (numBlocks <= 0) throw new Error('the model does not fit');
  const core = new EngineCore({
    perf,
    maxModelLen: setup.maxModelLen ?? numBlocks * BLOCK_SIZE,
    maxNumSeqs: setup.maxNumSeqs ?? 256,
    maxNumBatchedTokens: setup.maxNumBatchedTokens ?? (perf.gpu.memoryGb >= 70 ? 8192 : 2048),
    numBlocks,
    prefixCaching: setup.prefixCaching ?? true,
    seed: setup.seed ?? 0,
    meanOutputTokens: 256,
  });
  const rng = new Rng(setup.seed ?? 1);
  const shared = Array.from(
    { length: Math.min(workload.sharedPrefixTokens ?? 0, workload.inputTokens) },
    () => 1000 + rng.int(100_000),
  );
  const finished: FinishInfo[] = [];
  let now = 0;
  let submitted = 0;
  const submit = () => {
    submitted++;
    const prompt = shared.slice();
    while (prompt.length < workload.inputTokens) prompt.push(1000 + rng.int(100_000));
    core.add(
      {
        promptIds: prompt,
        maxTokens: workload.outputTokens,
        minTokens: 0,
        ignoreEos: true,
        stop: [],
        arrivalMs: now,
      },
      {
        onText() {},
        onFinish(info) {
          finished.push(info);
          if (workload.arrival === 'closed' && submitted < workload.requests) submit();
        },
      },
    );
  };
  const initial = workload.arrival === 'burst' ? workload.requests : workload.concurrency;
  for (let i = 0; i < Math.min(initial, workload.requests); i++) submit();

  while (core.hasWork) {
    const plan = core.schedule(now);
    if (!plan) throw new Error('the engine cannot schedule: a request does not fit the KV cache');
    now += plan.durationMs;
    core.complete(now);
  }

  const ttft = finished.map((f) => f.firstTokenMs - f.arrivalMs).sort((a, b) => a - b);
  const outputTokens = finished.reduce((n, f) => n + f.completionTokens, 0);
  const cpu = process.cpuUsage(cpu0);
  const m = core.metrics;
  return {
    requests: finished.length,
    durationMs: now,
    outputTokens,
    outputTokensPerS: (outputTokens / now) * 1000,
    ttftMeanMs: mean(ttft),
    ttftP50Ms: percentile(ttft, 50),
    ttftP99Ms: percentile(ttft, 99),
    tpotMeanMs: mean(
      finished
        .filter((f) => f.completionTokens > 1)
        .map((f) => (f.finishMs - f.firstTokenMs) / (f.completionTokens - 1)),
    ),
    e2eMeanMs: mean(finished.map((f) => f.finishMs - f.arrivalMs)),
    steps: core.steps,
    preemptions: m.preemptions,
    prefixCacheHitRate: m.prefixCacheQueries ? m.prefixCacheHits / m.prefixCacheQueries : 0,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

export interface CalibrationRow {
  id: string;
  metric: CalibrationPoint['metric'];
  published: number;
  simulated: number;
  errorPct: number;
}

function pointValue(
  point: CalibrationPoint,
  options: EngineModelOptions,
  workload: SimulationWorkload,
): number {
  const perf = replicaPerfForSpec(
    calibrationGpu(point.gpuTypeId),
    point.gpuCount,
    point.model,
    options,
  );
  const r = simulate(
    { perf, maxNumBatchedTokens: point.engineConfig?.maxNumBatchedTokens },
    workload,
  );
  switch (point.metric) {
    case 'tpot_ms':
      return r.tpotMeanMs;
    case 'ttft_mean_ms':
      return r.ttftMeanMs;
    case 'e2e_mean_ms':
      return r.e2eMeanMs;
    default:
      return r.outputTokensPerS;
  }
}

/** Replays every calibration point with the scheduler and compares with the published figure. */
export function calibrate(
  options: EngineModelOptions = DEFAULT_ENGINE_OPTIONS,
  points: CalibrationPoint[] = CALIBRATION_POINTS,
): CalibrationRow[] {
  return points.map((point) => {
    let simulated = pointValue(point, options, point.workload);
    if (point.metric === 'output_tokens_per_s_ratio') {
      const base = point.baseConcurrency ?? 1;
      const scale = base / point.workload.concurrency;
      simulated /= pointValue(point, options, {
        ...point.workload,
        concurrency: base,
        requests: Math.max(base, Math.round(point.workload.requests * scale)),
      });
    }
    return {
      id: point.id,
      metric: point.metric,
      published: point.published,
      simulated,
      errorPct: (simulated / point.published - 1) * 100,
    };
  });
}
