// Part 2 of `npm run bench:gateway`: routing policies on 4 replicas in 3 metros with the
// shared-prefix chat workload. For each policy: fresh engines (cold caches), the emulated network
// (a delay proxy per gateway-metro → replica link), one gateway process per client metro (they
// share nothing, as in production), then the same seeded Poisson workload.
import type { RoutingPolicy } from '@aigrid/routing';
import { startChild, type Child } from './children';
import type { EnginesConfig } from './engines-main';
import {
  ENDPOINT_NAME,
  MODEL_ID,
  benchSnapshot,
  startGatewayChild,
  type BenchGrid,
  type GatewayChild,
  type SiteSpec,
} from './bench-grid';
import type { NetworkConfig } from './network-main';
import { snapshotPerf } from './replica-perf';
import { percentile, round } from './stats';
import { openLoop } from './stream-client';
import { WORKLOAD, buildConversations, planRequests, promptTokens } from './workload';

export const POLICIES: RoutingPolicy[] = ['random', 'round-robin', 'least-loaded', 'ours'];

export const ROUTING = {
  gpuTypeId: 'L40S',
  timeScale: 1,
  maxNumSeqs: 256,
  /** Sizes each replica's KV cache so that the workload does not fit in one replica. */
  gpuMemoryUtilization: 0.45,
};

export const REPLICAS: SiteSpec[] = [
  { id: 'fra-a', metroId: 'frankfurt', countryCode: 'DE' },
  { id: 'fra-b', metroId: 'frankfurt', countryCode: 'DE' },
  { id: 'par-a', metroId: 'paris', countryCode: 'FR' },
  { id: 'ams-a', metroId: 'amsterdam', countryCode: 'NL' },
];

export const CLIENT_METROS = ['frankfurt', 'paris', 'amsterdam'];

/** Round-trip times between metros, ms (same metro: 2 ms). */
export function rttMsBetween(a: string, b: string): number {
  if (a === b) return 2;
  const pair = [a, b].sort().join('|');
  return pair === 'frankfurt|paris' ? 10 : 8; // frankfurt|amsterdam, amsterdam|paris
}

async function prefixCounters(url: string): Promise<{ queries: number; hits: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name: string) =>
    Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return {
    queries: value('vllm:prefix_cache_queries_total'),
    hits: value('vllm:prefix_cache_hits_total'),
  };
}

export interface RoutingOutcome {
  results: Record<string, number>;
  rows: (string | number)[][];
  kvCapacityTokens: number;
  promptTokensMean: number;
  requests: number;
}

export async function runRouting(
  grid: BenchGrid,
  log: (line: string) => void,
): Promise<RoutingOutcome> {
  const conversations = buildConversations();
  const plan = planRequests(conversations);
  const promptTokensMean = plan.reduce((s, r) => s + promptTokens(r.messages), 0) / plan.length;
  log(
    `routing: ${plan.length} requests over ${WORKLOAD.durationMs / 1000} s, mean prompt ${promptTokensMean.toFixed(0)} tokens`,
  );
  // A conversation's first request cannot find its history cached anywhere, whatever the policy.
  const seen = new Set<number>();
  const firstTurn = new Set<number>();
  plan.forEach((r, i) => {
    if (!seen.has(r.conversation)) firstTurn.add(i);
    seen.add(r.conversation);
  });
  const results: Record<string, number> = {};
  const rows: (string | number)[][] = [];
  let kvCapacityTokens = 0;
  const perf = snapshotPerf(ROUTING.gpuTypeId, MODEL_ID, ROUTING.maxNumSeqs);
  for (const policy of POLICIES) {
    const children: Child<unknown>[] = [];
    try {
      const engines = await startChild<{
        engines: { id: string; url: string; kvCapacityTokens: number }[];
      }>(`engines-${policy}`, 'infra/dev/src/bench/gateway/engines-main.ts', [
        JSON.stringify({
          model: MODEL_ID,
          ...ROUTING,
          ids: REPLICAS.map((r) => r.id),
        } satisfies EnginesConfig),
      ]);
      children.push(engines);
      kvCapacityTokens = engines.ready.engines[0]!.kvCapacityTokens;
      const engineUrl = (id: string) => engines.ready.engines.find((e) => e.id === id)!.url;
      const links = CLIENT_METROS.flatMap((metro) =>
        REPLICAS.map((r) => ({
          target: engineUrl(r.id),
          oneWayMs: rttMsBetween(metro, r.metroId) / 2,
        })),
      );
      const network = await startChild<{ urls: string[] }>(
        `network-${policy}`,
        'infra/dev/src/bench/gateway/network-main.ts',
        [JSON.stringify({ links } satisfies NetworkConfig)],
      );
      children.push(network);
      const gateways = new Map<string, GatewayChild>();
      await Promise.all(
        CLIENT_METROS.map(async (metro, m) => {
          const snapshot = benchSnapshot(
            grid,
            REPLICAS.map((spec, i) => ({
              spec,
              url: network.ready.urls[m * REPLICAS.length + i]!,
              perf,
            })),
            {
              [metro]: Object.fromEntries(
                REPLICAS.map((r) => [grid.siteIds.get(r.id)!, rttMsBetween(metro, r.metroId)]),
              ),
            },
            metro,
          );
          const gw = await startGatewayChild(grid, `gateway-${metro}-${policy}`, snapshot, policy);
          gateways.set(metro, gw);
          children.push(gw);
        }),
      );
      log(`routing ${policy}: running`);
      const run = await openLoop(
        plan.map((r) => ({
          atMs: r.atMs,
          request: {
            url: gateways.get(r.metroId)!.ready.url,
            headers: { authorization: `Bearer ${grid.apiKey}`, 'x-aigrid-metro': r.metroId },
            body: {
              model: ENDPOINT_NAME,
              messages: r.messages,
              max_tokens: r.maxTokens,
              ignore_eos: true,
              stream: true,
            },
          },
        })),
      );
      const counted = run.results.filter((r, i) => plan[i]!.atMs >= WORKLOAD.warmUpMs);
      const ok = counted.filter((r) => r.ok);
      const ttfts = ok.map((r) => r.ttftMs!);
      const followUps = run.results
        .filter((r, i) => r.ok && plan[i]!.atMs >= WORKLOAD.warmUpMs && !firstTurn.has(i))
        .map((r) => r.ttftMs!);
      const tokens = run.results.reduce((s, r) => s + r.tokens, 0);
      let queries = 0;
      let hits = 0;
      for (const r of REPLICAS) {
        const c = await prefixCounters(engineUrl(r.id));
        queries += c.queries;
        hits += c.hits;
      }
      const key = policy.replace('-', '');
      const share = (id: string) =>
        ok.filter((r) => r.siteId === grid.siteIds.get(id)).length / Math.max(1, ok.length);
      results[`p50_ttft_ms_${key}`] = round(percentile(ttfts, 50), 1);
      results[`p90_ttft_ms_${key}`] = round(percentile(ttfts, 90), 1);
      results[`p99_ttft_ms_${key}`] = round(percentile(ttfts, 99), 1);
      results[`p90_ttft_followup_ms_${key}`] = round(percentile(followUps, 90), 1);
      results[`tokens_per_s_${key}`] = round((tokens / run.wallMs) * 1000, 0);
      results[`prefix_hit_rate_${key}_pct`] = round((hits / queries) * 100, 1);
      results[`errors_${key}`] = counted.length - ok.length;
      rows.push([
        policy,
        ok.length,
        results[`p50_ttft_ms_${key}`]!,
        results[`p90_ttft_ms_${key}`]!,
        results[`p99_ttft_ms_${key}`]!,
        results[`p90_ttft_followup_ms_${key}`]!,
        results[`tokens_per_s_${key}`]!,
        results[`prefix_hit_rate_${key}_pct`]!,
        REPLICAS.map((r) => `${r.id} ${Math.round(share(r.id) * 100)}%`).join(', '),
      ]);
      log(`routing ${policy}: ${JSON.stringify(rows.at(-1))}`);
    } finally {
      for (const c of children.reverse()) await c.stop();
    }
  }
  results.p90_ttft_roundrobin_over_ours = round(
    results.p90_ttft_ms_roundrobin! / results.p90_ttft_ms_ours!,
    2,
  );
  results.p90_followup_ttft_roundrobin_over_ours = round(
    results.p90_ttft_followup_ms_roundrobin! / results.p90_ttft_followup_ms_ours!,
    2,
  );
  results.first_turn_share_pct = round(
    (plan.filter((r, i) => r.atMs >= WORKLOAD.warmUpMs && firstTurn.has(i)).length /
      plan.filter((r) => r.atMs >= WORKLOAD.warmUpMs).length) *
      100,
    1,
  );
  return { results, rows, kvCapacityTokens, promptTokensMean, requests: plan.length };
}

export const ROUTING_HEAD = [
  'policy',
  'requests',
  'TTFT p50 ms',
  'p90 ms',
  'p99 ms',
  'p90 follow-ups',
  'tok/s',
  'prefix hit %',
  'served by',
];
