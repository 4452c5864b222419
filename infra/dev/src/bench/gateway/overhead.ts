// Part 1 of `npm run bench:gateway`: the same streaming clients against one simulated engine,
// directly, through a bare HTTP relay (relay-main.ts: the cost of one more process hop, nothing
// else) and through the gateway (its own process), at 1, 64 and 256 concurrent streams. The
// paths' rounds rotate (D R G, G D R, R G D, …) so that drifts of a shared machine hit all three.
import { seededRng } from '@aigrid/routing';
import { parseDevEnv } from '../../env';
import { startChild } from './children';
import type { EnginesConfig } from './engines-main';
import {
  ENDPOINT_NAME,
  MODEL_ID,
  benchSnapshot,
  startGatewayChild,
  type BenchGrid,
  type SiteSpec,
} from './bench-grid';
import { snapshotPerf } from './replica-perf';
import { bootstrapDiffInterval, percentile, round } from './stats';
import { closedLoop, type StreamRequest, type StreamResult } from './stream-client';

export const OVERHEAD = {
  gpuTypeId: 'L40S',
  timeScale: 1,
  // Output lengths vary per request (uniform in [min, max], the same sequence on both paths) and
  // the clients start spread over the ramp: a closed loop of equal streams started together moves
  // in lockstep, and its TTFT then measures the position of a request in a burst of arrivals
  // rather than the path it took. Requests started during the ramp are not counted.
  levels: [
    { concurrency: 1, rounds: 4, roundMs: 3_000, rampMs: 0, tokens: [16, 16] as const },
    { concurrency: 64, rounds: 6, roundMs: 9_000, rampMs: 2_500, tokens: [16, 112] as const },
    { concurrency: 256, rounds: 2, roundMs: 14_000, rampMs: 5_000, tokens: [16, 112] as const },
  ],
  promptWords: 120,
};

const SITE: SiteSpec = { id: 'fra-a', metroId: 'frankfurt', countryCode: 'DE' };
const PROMPT = 'Summarise the operating manual of a point of presence in plain words. '.repeat(
  OVERHEAD.promptWords / 12,
);

interface PathTotals {
  ttfts: number[];
  gatewayMs: number[];
  /** First content token after the response headers (the engine sends headers at once). */
  afterHeadersMs: number[];
  headersMs: number[];
  upstreamMs: number[];
  /** Engine-side TTFT (vllm:time_to_first_token_seconds), summed over rounds. */
  engineTtftSumS: number;
  engineTtftCount: number;
  tokens: number;
  wallMs: number;
  errors: number;
  cpuMs: { engine: number; gateway: number; relay: number; client: number };
}

/** The output length of request n: a fixed pseudo-random sequence, identical on both paths. */
function outputTokens(n: number, [min, max]: readonly [number, number]): number {
  let h = Math.imul(n + 1, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h ^= h >>> 13;
  return min + ((h >>> 0) % (max - min + 1));
}

const PATHS = ['direct', 'relay', 'gateway'] as const;
type Path = (typeof PATHS)[number];

const emptyTotals = (): PathTotals => ({
  ttfts: [],
  gatewayMs: [],
  afterHeadersMs: [],
  headersMs: [],
  upstreamMs: [],
  engineTtftSumS: 0,
  engineTtftCount: 0,
  tokens: 0,
  wallMs: 0,
  errors: 0,
  cpuMs: { engine: 0, gateway: 0, relay: 0, client: 0 },
});

function add(t: PathTotals, run: { results: StreamResult[]; wallMs: number }) {
  t.wallMs += run.wallMs;
  for (const r of run.results) {
    if (!r.ok) {
      t.errors++;
      continue;
    }
    t.ttfts.push(r.ttftMs!);
    t.afterHeadersMs.push(r.ttftMs! - r.headersMs!);
    t.headersMs.push(r.headersMs!);
    if (r.upstreamMs !== null) t.upstreamMs.push(r.upstreamMs);
    t.tokens += r.tokens;
    if (r.gatewayMs !== null) t.gatewayMs.push(r.gatewayMs);
  }
}

async function engineTtft(url: string): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name: string) =>
    Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return {
    sum: value('vllm:time_to_first_token_seconds_sum'),
    count: value('vllm:time_to_first_token_seconds_count'),
  };
}

const clientCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export interface OverheadOutcome {
  results: Record<string, number>;
  rows: (string | number)[][];
}

export async function runOverhead(
  grid: BenchGrid,
  log: (line: string) => void,
): Promise<OverheadOutcome> {
  const config: EnginesConfig = {
    model: MODEL_ID,
    gpuTypeId: OVERHEAD.gpuTypeId,
    timeScale: OVERHEAD.timeScale,
    maxNumSeqs: 256,
    gpuMemoryUtilization: 0.9,
    ids: [SITE.id],
  };
  const engines = await startChild<{ engines: { id: string; url: string }[] }>(
    'engine',
    'infra/dev/src/bench/gateway/engines-main.ts',
    [JSON.stringify(config)],
  );
  const engineUrl = engines.ready.engines[0]!.url;
  const snapshot = benchSnapshot(
    grid,
    [{ spec: SITE, url: engineUrl, perf: snapshotPerf(OVERHEAD.gpuTypeId, MODEL_ID, 256) }],
    { frankfurt: { [grid.siteIds.get(SITE.id)!]: 1 } },
    'frankfurt',
  );
  const relay = await startChild<{ url: string }>(
    'relay',
    'infra/dev/src/bench/gateway/relay-main.ts',
    [engineUrl],
  );
  const cpuProfDir = parseDevEnv().BENCH_GATEWAY_CPU_PROF;
  const gateway = await startGatewayChild(
    grid,
    'gateway',
    snapshot,
    'ours',
    cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [],
  );
  const results: Record<string, number> = {};
  const rows: (string | number)[][] = [];
  try {
    const url = { direct: engineUrl, relay: relay.ready.url, gateway: gateway.ready.url };
    const requestFor =
      (via: Path, tokens: readonly [number, number]) =>
      (client: number, n: number): StreamRequest => ({
        url: url[via],
        headers: via === 'gateway' ? { authorization: `Bearer ${grid.apiKey}` } : {},
        body: {
          model: via === 'gateway' ? ENDPOINT_NAME : MODEL_ID,
          messages: [{ role: 'user', content: `Request ${n} from client ${client}. ${PROMPT}` }],
          max_tokens: outputTokens(n, tokens),
          ignore_eos: true,
          stream: true,
        },
      });
    log('overhead: warming up (every path, 16 streams, 2 s each)');
    for (const via of PATHS) {
      await closedLoop({ concurrency: 16, durationMs: 2_000, next: requestFor(via, [16, 16]) });
    }
    for (const level of OVERHEAD.levels) {
      const c = level.concurrency;
      const totals = { direct: emptyTotals(), relay: emptyTotals(), gateway: emptyTotals() };
      for (let round_ = 0; round_ < level.rounds * PATHS.length; round_ += PATHS.length) {
        const shift = (round_ / PATHS.length) % PATHS.length;
        const order = PATHS.map((_, i) => PATHS[(i + PATHS.length - shift) % PATHS.length]!);
        for (const via of order) {
          const cpu0 = {
            engine: engines.cpuMs(),
            gateway: gateway.cpuMs(),
            relay: relay.cpuMs(),
            client: clientCpuMs(),
          };
          const e0 = await engineTtft(engineUrl);
          const run = await closedLoop({
            concurrency: c,
            durationMs: level.roundMs,
            rampMs: level.rampMs,
            next: requestFor(via, level.tokens),
          });
          const t = totals[via];
          add(t, run);
          t.cpuMs.engine += engines.cpuMs() - cpu0.engine;
          t.cpuMs.gateway += gateway.cpuMs() - cpu0.gateway;
          t.cpuMs.relay += relay.cpuMs() - cpu0.relay;
          t.cpuMs.client += clientCpuMs() - cpu0.client;
          const e1 = await engineTtft(engineUrl);
          t.engineTtftSumS += e1.sum - e0.sum;
          t.engineTtftCount += e1.count - e0.count;
        }
      }
      const d = totals.direct;
      const r = totals.relay;
      const g = totals.gateway;
      const tps = (t: PathTotals) => (t.tokens / t.wallMs) * 1000;
      const p = (t: PathTotals, q: number) => percentile(t.ttfts, q);
      results[`added_ttft_p50_ms_c${c}`] = round(p(g, 50) - p(d, 50));
      results[`added_ttft_p99_ms_c${c}`] = round(p(g, 99) - p(d, 99));
      for (const q of [50, 99]) {
        const [lo, hi] = bootstrapDiffInterval(g.ttfts, d.ttfts, q, seededRng(c * 100 + q));
        results[`added_ttft_p${q}_ms_c${c}_ci95_lo`] = round(lo);
        results[`added_ttft_p${q}_ms_c${c}_ci95_hi`] = round(hi);
      }
      results[`throughput_ratio_c${c}`] = round(tps(g) / tps(d), 3);
      results[`hop_added_ttft_p50_ms_c${c}`] = round(p(r, 50) - p(d, 50));
      results[`hop_added_ttft_p99_ms_c${c}`] = round(p(r, 99) - p(d, 99));
      results[`added_over_hop_ttft_p50_ms_c${c}`] = round(p(g, 50) - p(r, 50));
      results[`added_over_hop_ttft_p99_ms_c${c}`] = round(p(g, 99) - p(r, 99));
      results[`relay_ttft_p50_ms_c${c}`] = round(p(r, 50));
      results[`relay_ttft_p99_ms_c${c}`] = round(p(r, 99));
      results[`relay_throughput_ratio_c${c}`] = round(tps(r) / tps(d), 3);
      results[`direct_ttft_p50_ms_c${c}`] = round(p(d, 50));
      results[`direct_ttft_p99_ms_c${c}`] = round(p(d, 99));
      results[`gateway_ttft_p50_ms_c${c}`] = round(p(g, 50));
      results[`gateway_ttft_p99_ms_c${c}`] = round(p(g, 99));
      results[`direct_tokens_per_s_c${c}`] = round(tps(d), 0);
      results[`gateway_tokens_per_s_c${c}`] = round(tps(g), 0);
      results[`gateway_self_p50_ms_c${c}`] = round(percentile(g.gatewayMs, 50));
      results[`gateway_self_p99_ms_c${c}`] = round(percentile(g.gatewayMs, 99));
      results[`engine_ttft_mean_ms_direct_c${c}`] = round(
        (d.engineTtftSumS / d.engineTtftCount) * 1000,
      );
      results[`engine_ttft_mean_ms_gateway_c${c}`] = round(
        (g.engineTtftSumS / g.engineTtftCount) * 1000,
      );
      results[`headers_p50_ms_direct_c${c}`] = round(percentile(d.headersMs, 50));
      results[`headers_p50_ms_gateway_c${c}`] = round(percentile(g.headersMs, 50));
      results[`gateway_upstream_first_byte_p50_ms_c${c}`] = round(percentile(g.upstreamMs, 50));
      results[`after_headers_p50_ms_direct_c${c}`] = round(percentile(d.afterHeadersMs, 50));
      results[`after_headers_p50_ms_gateway_c${c}`] = round(percentile(g.afterHeadersMs, 50));
      results[`gateway_cpu_pct_c${c}`] = round((g.cpuMs.gateway / g.wallMs) * 100, 1);
      results[`relay_cpu_pct_c${c}`] = round((r.cpuMs.relay / r.wallMs) * 100, 1);
      results[`gateway_cpu_us_per_token_c${c}`] = round(
        (g.cpuMs.gateway / Math.max(1, g.tokens)) * 1000,
        1,
      );
      results[`engine_cpu_pct_direct_c${c}`] = round((d.cpuMs.engine / d.wallMs) * 100, 1);
      results[`engine_cpu_pct_gateway_c${c}`] = round((g.cpuMs.engine / g.wallMs) * 100, 1);
      results[`client_cpu_pct_gateway_c${c}`] = round((g.cpuMs.client / g.wallMs) * 100, 1);
      results[`requests_direct_c${c}`] = d.ttfts.length;
      results[`requests_gateway_c${c}`] = g.ttfts.length;
      results[`requests_relay_c${c}`] = r.ttfts.length;
      results[`errors_c${c}`] = d.errors + r.errors + g.errors;
      rows.push([
        c,
        d.ttfts.length,
        g.ttfts.length,
        round(p(d, 50)),
        round(p(r, 50)),
        round(p(g, 50)),
        results[`added_ttft_p50_ms_c${c}`]!,
        results[`hop_added_ttft_p50_ms_c${c}`]!,
        round(p(d, 99)),
        round(p(r, 99)),
        round(p(g, 99)),
        results[`added_ttft_p99_ms_c${c}`]!,
        results[`hop_added_ttft_p99_ms_c${c}`]!,
        round(tps(d), 0),
        round(tps(g), 0),
        results[`throughput_ratio_c${c}`]!,
        results[`gateway_self_p50_ms_c${c}`]!,
        results[`gateway_cpu_pct_c${c}`]!,
      ]);
      log(`overhead c${c}: ${JSON.stringify(rows.at(-1))}`);
    }
  } finally {
    await gateway.stop();
    await relay.stop();
    await engines.stop();
  }
  return { results, rows };
}

export const OVERHEAD_HEAD = [
  'streams',
  'n direct',
  'n gw',
  'TTFT p50 direct',
  'p50 relay',
  'p50 gw',
  'added p50',
  'of it hop',
  'p99 direct',
  'p99 relay',
  'p99 gw',
  'added p99',
  'of it hop',
  'tok/s direct',
  'tok/s gw',
  'ratio',
  'gw self p50',
  'gw CPU %',
];
