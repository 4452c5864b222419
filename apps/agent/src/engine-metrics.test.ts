import { describe, expect, it } from 'vitest';
import { parseEngineMetrics, quantileMs } from './engine-metrics';

// The shape vLLM serves, trimmed.
const scrape = (
  counts: number[],
) => `# HELP vllm:num_requests_running Number of requests in model execution batches.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{model_name="llama-3.1-8b-instruct"} 7.0
# HELP vllm:num_requests_waiting Number of requests waiting to be processed.
# TYPE vllm:num_requests_waiting gauge
vllm:num_requests_waiting{model_name="llama-3.1-8b-instruct"} 2.0
# HELP vllm:gpu_cache_usage_perc GPU KV-cache usage. 1 means 100 percent usage.
# TYPE vllm:gpu_cache_usage_perc gauge
vllm:gpu_cache_usage_perc{model_name="llama-3.1-8b-instruct"} 0.35
# HELP vllm:time_to_first_token_seconds Histogram of time to first token in seconds.
# TYPE vllm:time_to_first_token_seconds histogram
vllm:time_to_first_token_seconds_bucket{le="0.02",model_name="llama-3.1-8b-instruct"} ${counts[0]}
vllm:time_to_first_token_seconds_bucket{le="0.04",model_name="llama-3.1-8b-instruct"} ${counts[1]}
vllm:time_to_first_token_seconds_bucket{le="0.1",model_name="llama-3.1-8b-instruct"} ${counts[2]}
vllm:time_to_first_token_seconds_bucket{le="+Inf",model_name="llama-3.1-8b-instruct"} ${counts[3]}
vllm:time_to_first_token_seconds_sum{model_name="llama-3.1-8b-instruct"} 1.5
vllm:time_to_first_token_seconds_count{model_name="llama-3.1-8b-instruct"} ${counts[3]}
`;

describe('engine metrics', () => {
  it('reads load and the TTFT histogram with vLLM names', () => {
    const load = parseEngineMetrics(scrape([10, 50, 90, 100]));
    expect(load).toMatchObject({ requestsRunning: 7, requestsWaiting: 2, kvCacheUsage: 0.35 });
    expect(load.ttftBuckets.get(0.04)).toBe(50);
    expect(load.ttftBuckets.get(Infinity)).toBe(100);
  });

  it('gives quantiles of the requests between two scrapes, interpolated in the bucket', () => {
    const before = parseEngineMetrics(scrape([10, 50, 90, 100])).ttftBuckets;
    // 100 new requests: 0 under 20 ms, 100 in (20, 40] ms.
    const now = parseEngineMetrics(scrape([10, 150, 190, 200])).ttftBuckets;
    expect(quantileMs(now, before, 0.5)).toBeCloseTo(30, 5);
    expect(quantileMs(now, before, 0.95)).toBeCloseTo(39, 5);
    expect(quantileMs(now, now, 0.5)).toBeNull();
  });
});
