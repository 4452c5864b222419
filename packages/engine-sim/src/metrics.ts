// The engine's Prometheus metrics under vLLM's names, buckets and labels, rendered in the text
// exposition format (0.0.4) the way prometheus_client renders them for vLLM.

/** vLLM's buckets (vllm/v1/metrics/loggers.py). */
export const TTFT_BUCKETS = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0,
  40.0, 80.0, 160.0, 640.0, 2560.0,
];
export const ITL_BUCKETS = [
  0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0,
  40.0, 80.0,
];
export const REQUEST_LATENCY_BUCKETS = [
  0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0,
  480.0, 960.0, 1920.0, 7680.0,
];

/** vLLM's build_1_2_5_buckets: 1, 2, 5, 10, 20, 50, … up to max. */
export function buckets125(max: number): number[] {
  const out: number[] = [];
  for (let exp = 1; ; exp *= 10) {
    for (const m of [1, 2, 5]) {
      if (m * exp > max) return out;
      out.push(m * exp);
    }
  }
}

export class Histogram {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(readonly buckets: number[]) {
    this.counts = new Float64Array(buckets.length);
  }
  observe(v: number): void {
    const b = this.buckets;
    let i = 0;
    while (i < b.length && v > b[i]!) i++;
    if (i < b.length) this.counts[i]!++;
    this.sum += v;
    this.count++;
  }
}

export type FinishedReason = 'stop' | 'length' | 'abort';

export class EngineMetrics {
  promptTokens = 0;
  generationTokens = 0;
  prefixCacheQueries = 0;
  prefixCacheHits = 0;
  preemptions = 0;
  readonly success: Record<FinishedReason, number> = { stop: 0, length: 0, abort: 0 };
  readonly ttft = new Histogram(TTFT_BUCKETS);
  readonly itl = new Histogram(ITL_BUCKETS);
  readonly tpot = new Histogram(ITL_BUCKETS);
  readonly e2e = new Histogram(REQUEST_LATENCY_BUCKETS);
  readonly queue = new Histogram(REQUEST_LATENCY_BUCKETS);
  readonly prefill = new Histogram(REQUEST_LATENCY_BUCKETS);
  readonly decode = new Histogram(REQUEST_LATENCY_BUCKETS);
  readonly requestPromptTokens: Histogram;
  readonly requestGenerationTokens: Histogram;

  constructor(maxModelLen: number) {
    this.requestPromptTokens = new Histogram(buckets125(maxModelLen));
    this.requestGenerationTokens = new Histogram(buckets125(maxModelLen));
  }
}

export interface GaugeValues {
  running: number;
  waiting: number;
  kvCacheUsage: number;
}

const fmt = (n: number) => (Number.isInteger(n) ? `${n}.0` : String(n));
const escape = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export function renderMetrics(m: EngineMetrics, g: GaugeValues, modelName: string): string {
  const labels = `engine="0",model_name="${escape(modelName)}"`;
  const out: string[] = [];
  const family = (name: string, type: string, help: string) =>
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  const sample = (name: string, value: number, extra = '') =>
    out.push(`${name}{${labels}${extra}} ${fmt(value)}`);
  const gauge = (name: string, help: string, value: number) => {
    family(name, 'gauge', help);
    sample(name, value);
  };
  const counter = (name: string, help: string, value: number) => {
    family(name, 'counter', help);
    sample(name, value);
  };
  const histogram = (name: string, help: string, h: Histogram) => {
    family(name, 'histogram', help);
    let cumulative = 0;
    for (let i = 0; i < h.buckets.length; i++) {
      cumulative += h.counts[i]!;
      sample(`${name}_bucket`, cumulative, `,le="${fmt(h.buckets[i]!)}"`);
    }
    sample(`${name}_bucket`, h.count, ',le="+Inf"');
    sample(`${name}_count`, h.count);
    sample(`${name}_sum`, h.sum);
  };

  gauge('vllm:num_requests_running', 'Number of requests in model execution batches.', g.running);
  gauge('vllm:num_requests_waiting', 'Number of requests waiting to be processed.', g.waiting);
  gauge(
    'vllm:gpu_cache_usage_perc',
    'GPU KV-cache usage. 1 means 100 percent usage.',
    g.kvCacheUsage,
  );
  gauge('vllm:kv_cache_usage_perc', 'KV-cache usage. 1 means 100 percent usage.', g.kvCacheUsage);
  counter(
    'vllm:num_preemptions_total',
    'Cumulative number of preemption from the engine.',
    m.preemptions,
  );
  counter(
    'vllm:prefix_cache_queries_total',
    'Prefix cache queries, in terms of number of queried tokens.',
    m.prefixCacheQueries,
  );
  counter(
    'vllm:prefix_cache_hits_total',
    'Prefix cache hits, in terms of number of cached tokens.',
    m.prefixCacheHits,
  );
  counter('vllm:prompt_tokens_total', 'Number of prefill tokens processed.', m.promptTokens);
  counter(
    'vllm:generation_tokens_total',
    'Number of generation tokens processed.',
    m.generationTokens,
  );
  family('vllm:request_success_total', 'counter', 'Count of successfully processed requests.');
  for (const reason of ['stop', 'length', 'abort'] as const) {
    sample('vllm:request_success_total', m.success[reason], `,finished_reason="${reason}"`);
  }
  histogram(
    'vllm:request_prompt_tokens',
    'Number of prefill tokens processed.',
    m.requestPromptTokens,
  );
  histogram(
    'vllm:request_generation_tokens',
    'Number of generation tokens processed.',
    m.requestGenerationTokens,
  );
  histogram(
    'vllm:time_to_first_token_seconds',
    'Histogram of time to first token in seconds.',
    m.ttft,
  );
  histogram(
    'vllm:time_per_output_token_seconds',
    'Histogram of time per output token in seconds.',
    m.itl,
  );
  histogram(
    'vllm:inter_token_latency_seconds',
    'Histogram of inter-token latency in seconds.',
    m.itl,
  );
  histogram(
    'vllm:request_time_per_output_token_seconds',
    'Histogram of time_per_output_token_seconds per request.',
    m.tpot,
  );
  histogram(
    'vllm:e2e_request_latency_seconds',
    'Histogram of e2e request latency in seconds.',
    m.e2e,
  );
  histogram(
    'vllm:request_queue_time_seconds',
    'Histogram of time spent in WAITING phase for request.',
    m.queue,
  );
  histogram(
    'vllm:request_prefill_time_seconds',
    'Histogram of time spent in PREFILL phase for request.',
    m.prefill,
  );
  histogram(
    'vllm:request_decode_time_seconds',
    'Histogram of time spent in DECODE phase for request.',
    m.decode,
  );
  return out.join('\n') + '\n';
}
