// Reads an engine's Prometheus /metrics with vLLM's metric names, and turns the cumulative
// time-to-first-token histogram into recent p50/p95 (the difference between two scrapes).
// The declaration travels with this file, to packages that type-check the agent's activities.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./parse-prometheus-text-format.d.ts" />
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

export interface EngineLoad {
  requestsRunning: number;
  requestsWaiting: number;
  kvCacheUsage: number;
  /** Cumulative TTFT histogram: upper bound in seconds → count. */
  ttftBuckets: Map<number, number>;
}

interface Family {
  name: string;
  metrics: { value?: string; buckets?: Record<string, string>; labels?: Record<string, string> }[];
}

function sum(families: Family[], ...names: string[]): number | undefined {
  const family = families.find((f) => names.includes(f.name));
  if (!family) return undefined;
  return family.metrics.reduce((acc, m) => acc + Number(m.value ?? 0), 0);
}

/** Fetches and parses the engine's /metrics at `url`; throws when it does not answer. */
export async function scrapeEngineMetrics(url: string): Promise<EngineLoad> {
  const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2_000) });
  if (!res.ok) throw new Error(`${url}/metrics answered ${res.status}`);
  return parseEngineMetrics(await res.text());
}

export function parseEngineMetrics(text: string): EngineLoad {
  const families = parsePrometheusTextFormat(text) as Family[];
  const ttft = families.find((f) => f.name === 'vllm:time_to_first_token_seconds');
  const buckets = new Map<number, number>();
  for (const m of ttft?.metrics ?? []) {
    for (const [le, count] of Object.entries(m.buckets ?? {})) {
      const bound = le === '+Inf' ? Infinity : Number(le);
      buckets.set(bound, (buckets.get(bound) ?? 0) + Number(count));
    }
  }
  return {
    requestsRunning: sum(families, 'vllm:num_requests_running') ?? 0,
    requestsWaiting: sum(families, 'vllm:num_requests_waiting') ?? 0,
    kvCacheUsage: Math.min(
      1,
      sum(families, 'vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc') ?? 0,
    ),
    ttftBuckets: buckets,
  };
}

/** Quantile `q` in ms of the requests observed between two cumulative histograms. */
export function quantileMs(
  now: Map<number, number>,
  before: Map<number, number> | undefined,
  q: number,
): number | null {
  const bounds = [...now.keys()].sort((a, b) => a - b);
  const delta = bounds.map((b) => (now.get(b) ?? 0) - (before?.get(b) ?? 0));
  const total = delta.at(-1) ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  for (let i = 0; i < bounds.length; i += 1) {
    if ((delta[i] ?? 0) >= rank) {
      const upper = bounds[i]!;
      const lower = i === 0 ? 0 : bounds[i - 1]!;
      if (!Number.isFinite(upper)) return lower * 1000;
      const below = i === 0 ? 0 : (delta[i - 1] ?? 0);
      const inBucket = (delta[i] ?? 0) - below;
      const fraction = inBucket > 0 ? (rank - below) / inBucket : 1;
      return (lower + (upper - lower) * fraction) * 1000;
    }
  }
  return null;
}
