// `npm run bench:gateway`: the gateway's data path against simulated engines, in one run.
// 1. Overhead: the same streaming clients against one engine directly, through a bare HTTP relay
//    (one more process hop and nothing else) and through the gateway (production entry point, own
//    process) at 1, 64 and 256 concurrent streams, rounds rotated; added TTFT (gateway − direct,
//    p50 and p99), the part of it any hop costs (relay − direct), and the throughput ratio.
// 2. Routing: random, round-robin, least-loaded and ours on 4 replicas in 3 metros behind an
//    emulated network, one gateway per client metro, a shared-prefix chat workload (Poisson);
//    p50/p90 TTFT, throughput and the engines' prefix-cache hit rate.
// Writes bench-results/gateway.json (docs/benchmarks.md has the figures and how to read them).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../services';
import { startBenchGrid } from './gateway/bench-grid';
import { OVERHEAD, OVERHEAD_HEAD, runOverhead } from './gateway/overhead';
import {
  CLIENT_METROS,
  REPLICAS,
  ROUTING,
  ROUTING_HEAD,
  rttMsBetween,
  runRouting,
} from './gateway/routing-policies';
import { table } from './gateway/stats';
import { WORKLOAD } from './gateway/workload';

const log = (line: string) => console.log(`[bench] ${line}`);
const started = performance.now();
const grid = await startBenchGrid(REPLICAS);
try {
  const overhead = await runOverhead(grid, log);
  const routing = await runRouting(grid, log);
  const results = { ...overhead.results, ...routing.results };

  console.log('\nOverhead: direct to the engine vs a bare relay hop vs the gateway (ms, tokens/s)');
  console.log(table(OVERHEAD_HEAD, overhead.rows));
  console.log('\nRouting policies: shared-prefix chat, 4 replicas in 3 metros');
  console.log(table(ROUTING_HEAD, routing.rows));
  const key = [
    'added_ttft_p50_ms_c1',
    'added_ttft_p99_ms_c1',
    'added_ttft_p50_ms_c64',
    'added_ttft_p99_ms_c64',
    'added_ttft_p50_ms_c64_ci95_lo',
    'added_ttft_p50_ms_c64_ci95_hi',
    'added_ttft_p99_ms_c64_ci95_lo',
    'added_ttft_p99_ms_c64_ci95_hi',
    'added_ttft_p50_ms_c256',
    'added_ttft_p99_ms_c256',
    'hop_added_ttft_p50_ms_c1',
    'hop_added_ttft_p50_ms_c64',
    'hop_added_ttft_p99_ms_c64',
    'added_over_hop_ttft_p50_ms_c64',
    'added_over_hop_ttft_p99_ms_c64',
    'throughput_ratio_c256',
    'p90_ttft_roundrobin_over_ours',
    'p90_followup_ttft_roundrobin_over_ours',
    'first_turn_share_pct',
    'prefix_hit_rate_ours_pct',
  ];
  console.log(`\n${key.map((k) => `${k} ${results[k]}`).join('\n')}`);

  const links = CLIENT_METROS.map(
    (m) => `${m}: ${REPLICAS.map((r) => `${r.id} ${rttMsBetween(m, r.metroId)} ms`).join(', ')}`,
  ).join('; ');
  const report = {
    area: 'gateway',
    when: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      node: process.version,
    },
    command: 'npm run bench:gateway',
    results,
    baselines: {
      added_ttft:
        'The same client code and requests sent straight to the engine in the same run (rounds rotated D R G / G D R / …); added = gateway percentile − direct percentile.',
      hop_added_ttft:
        'A bare node:http relay in its own process (relay-main.ts: pipes requests and responses, no auth, parsing, routing or metering) in the same rounds; hop = relay percentile − direct percentile, added_over_hop = gateway − relay.',
      throughput_ratio:
        'Content tokens per second received through the gateway ÷ directly, same rounds.',
      routing:
        "random, round-robin and least-loaded (running + waiting from the engines' /metrics + the gateway's in-flight) are createPicker policies of @aigrid/routing with the same hard filter as ours; each policy gets fresh engines (cold caches) and the identical seeded request schedule.",
    },
    notes:
      `Engines: @aigrid/engine-sim (llama-3.1-8b-instruct on ${OVERHEAD.gpuTypeId}, vLLM defaults, max_num_seqs 256, timeScale ${OVERHEAD.timeScale} = real time) in a child process of their own; ` +
      `each gateway is a child process started by its production entry point (apps/gateway/src/main.ts: API-key auth against the embedded PostgreSQL, real metering to an fsync'd spool shipped to PostgreSQL, route snapshot polled from a stand-in control plane served by the bench, loads scraped every 500 ms); the load generator (node:http keep-alive streaming clients, identical for both paths) runs in the bench process. ` +
      `Overhead: closed loop, prompt ≈ 190 tokens unique per request, ignore_eos; ${OVERHEAD.levels.map((l) => `c${l.concurrency}: ${l.rounds}×${l.roundMs / 1000} s per path, clients started over the first ${l.rampMs / 1000} s (requests started then not counted), ${l.tokens[0]}–${l.tokens[1]} output tokens per request (same pseudo-random sequence on both paths)`).join('; ')}; TTFT = request start → first SSE event with non-empty content; percentiles nearest-rank over all rounds; *_ci95_lo/hi = 95 % bootstrap interval of the added percentile (requests resampled as if independent, which batched requests are not: a lower bound on the noise). ` +
      `Extra diagnostics: gateway_self_* = the gateway's own server-timing (request arrival → upstream send); gateway_upstream_first_byte_* = the gateway's wait for the engine's first byte (engine-sim sends headers and the role chunk at once); headers_* = client wait for response headers; engine_ttft_mean_* from the engine's vllm:time_to_first_token_seconds; *_cpu_pct from /proc (100 = one core). ` +
      `Routing: 4 replicas (${REPLICAS.map((r) => `${r.id} in ${r.metroId}`).join(', ')}), L40S, gpu_memory_utilization ${ROUTING.gpuMemoryUtilization} so each KV cache holds ${routing.kvCapacityTokens} tokens while the workload's distinct prefixes total ≈ ${WORKLOAD.systemPrompts} × ${WORKLOAD.systemWords} + ${WORKLOAD.systemPrompts * WORKLOAD.conversationsPerPrompt} × ${WORKLOAD.historyWords} words (≈ 2× one replica's cache, well under the four together). ` +
      `Network emulated by TCP delay proxies (own child process) between each gateway and each replica, half the RTT each way, 1 ms timer granularity; RTT ${links}; the snapshots' rttMs are the same figures; client → gateway is local (no delay). ` +
      `One gateway per client metro, sharing nothing. Workload: ${WORKLOAD.systemPrompts} system prompts × ${WORKLOAD.conversationsPerPrompt} conversations (system + one user/assistant exchange of history, then a new ~25-token user turn), mean prompt ${routing.promptTokensMean.toFixed(0)} tokens, conversations' clients ${WORKLOAD.metros.map(([m, s]) => `${Math.round(s * 100)} % ${m}`).join(', ')}; Poisson ${WORKLOAD.requestsPerS} req/s for ${WORKLOAD.durationMs / 1000} s (${routing.requests} requests), ${WORKLOAD.maxTokens[0]}–${WORKLOAD.maxTokens[1]} output tokens (ignore_eos); TTFT percentiles over requests sent after the first ${WORKLOAD.warmUpMs / 1000} s; prefix hit rate = hits ÷ queries (tokens) summed over the 4 engines' vllm:prefix_cache_* counters for the whole run. ` +
      `The machine has 2 cores shared with other work: engines, gateways, proxies and the load generator compete for them, so absolute times are for orientation and only same-run comparisons count.`,
  };
  const out = path.join(REPO_ROOT, 'bench-results');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'gateway.json'), `${JSON.stringify(report, null, 2)}\n`);
  log(`wrote bench-results/gateway.json in ${((performance.now() - started) / 1000).toFixed(0)} s`);
} finally {
  await grid.stop();
}
