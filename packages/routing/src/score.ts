// Ranks an endpoint's replicas for one request by predicted time to first token (TTFT) at the
// client, after the hard filters. The ranked list is also the failover order.
//
//   predicted TTFT = RTT + queueing + prefill of the uncached prompt + one decode step
//
// - RTT: rttMs[client metro][replica site]; the endpoint's default metro when the client's is
//   unknown; DEFAULT_RTT_MS when no RTT is known (conservative: a nearby site with a measured
//   RTT beats a site we know nothing about).
// - Queueing (predictQueueMs below) from live queue depth; monotone: more load never predicts a
//   lower TTFT.
// - Prefill: (promptTokens − cachedTokens) / prefillTokensPerS, where cachedTokens is what the
//   prefix index believes the replica holds (cachedBlocks × blockTokens, at most the prompt).
// - Decode step: 1000 / decodeTokensPerS (per-sequence decode rate).
//
// Hard filters, never relaxed: a replica must carry every jurisdiction tag of the endpoint, be
// READY and not be ejected by outlier detection. If none is left, the ranking is empty.
import { prefixHome } from './prefix-home';
import type { ReplicaLoad } from './live-load';
import type { RouteEndpoint, RouteReplica, RouteSnapshot } from './snapshot';

/** RTT assumed when none is known for the client's metro and the replica's site, ms. */
export const DEFAULT_RTT_MS = 50;
/** Tokens per cached block (the engine's KV block size). */
export const DEFAULT_BLOCK_TOKENS = 16;
/** Output length assumed for requests already running, to estimate how fast slots free up. */
export const ASSUMED_OUTPUT_TOKENS = 256;
/** Weight of the gateway's observed service time against the queue model (0..1). */
export const OBSERVED_SERVICE_WEIGHT = 0.5;

export interface RankInput {
  endpoint: RouteEndpoint;
  clientMetroId: string | null;
  rttMs: RouteSnapshot['rttMs'];
  /** By replica id; missing = unknown (assume idle). */
  loads: ReadonlyMap<string, ReplicaLoad>;
  /** By replica id: PrefixIndex.matchedBlocks result. */
  cachedBlocks: ReadonlyMap<string, number>;
  /** Tokens per block, default 16. */
  blockTokens?: number;
  promptTokens: number;
  isEjected: (replicaId: string) => boolean;
  /**
   * The prompt's leading block hashes. When no eligible replica is known to hold any of them,
   * the prefix's rendezvous home (the same for every gateway) is assumed to hold them all.
   */
  prefixHashes?: readonly number[];
}

export interface RankedReplica {
  replica: RouteReplica;
  predictedTtftMs: number;
  rttMs: number;
  queueMs: number;
  prefillMs: number;
  cachedTokens: number;
}

export interface Exclusion {
  replicaId: string;
  reason: 'jurisdiction' | 'draining' | 'ejected';
}

/** True when the replica's site carries every tag the endpoint requires (case-insensitive). */
export function meetsJurisdictions(endpoint: RouteEndpoint, replica: RouteReplica): boolean {
  const held = new Set(replica.jurisdictions.map((t) => t.toUpperCase()));
  return endpoint.jurisdictions.every((t) => held.has(t.toUpperCase()));
}

/** Splits the endpoint's replicas into those that may serve a request and those that may not. */
export function filterReplicas(
  endpoint: RouteEndpoint,
  isEjected: (replicaId: string) => boolean,
): { eligible: RouteReplica[]; excluded: Exclusion[] } {
  const eligible: RouteReplica[] = [];
  const excluded: Exclusion[] = [];
  for (const replica of endpoint.replicas) {
    const reason = !meetsJurisdictions(endpoint, replica)
      ? 'jurisdiction'
      : replica.state !== 'READY'
        ? 'draining'
        : isEjected(replica.id)
          ? 'ejected'
          : null;
    if (reason) excluded.push({ replicaId: replica.id, reason });
    else eligible.push(replica);
  }
  return { eligible, excluded };
}

/** RTT from the client's metro (or the endpoint's default metro) to the replica's site, ms. */
export function lookupRttMs(
  rttMs: RouteSnapshot['rttMs'],
  metroId: string | null,
  siteId: string,
): number {
  if (metroId === null || !Object.hasOwn(rttMs, metroId)) return DEFAULT_RTT_MS;
  const row = rttMs[metroId]!;
  if (!Object.hasOwn(row, siteId)) return DEFAULT_RTT_MS;
  const rtt = row[siteId]!;
  return Number.isFinite(rtt) && rtt >= 0 ? rtt : DEFAULT_RTT_MS;
}

function count(n: number | undefined): number {
  return n !== undefined && Number.isFinite(n) && n > 0 ? n : 0;
}

/**
 * Expected wait in ms before the engine starts prefilling this request, from its live queue.
 * A simple model of a continuous-batching engine with `maxConcurrency` slots, assuming queued
 * requests look like this one (same prompt length):
 * - occupancy n = running + waiting + inFlight. The scrape may already include some of this
 *   gateway's in-flight requests; counting them twice for one scrape interval is a conservative
 *   bias that spreads load.
 * - admission: with no free slot (n ≥ maxConcurrency) the request waits for n − maxConcurrency + 1
 *   slots to free; slots free one every (prefill + ASSUMED_OUTPUT_TOKENS decode steps) /
 *   maxConcurrency ms.
 * - backlog: the requests queued ahead (waiting, plus in-flight beyond the free slots) are
 *   prefilled first, one prefill each.
 * - residual step: the decode step in progress, scaled by how busy the batch is.
 * When the gateway has observed the replica's service time (TTFT − RTT), its queueing part
 * (observed − prefill − one step, ≥ 0) is blended in with weight OBSERVED_SERVICE_WEIGHT: it
 * corrects a performance model that is off, and the weight is constant, so the result stays
 * monotone in the live counts.
 */
export function predictQueueMs(
  replica: RouteReplica,
  load: ReplicaLoad | undefined,
  promptTokens: number,
): number {
  const slots = Math.max(1, replica.maxConcurrency);
  const stepMs = 1000 / replica.decodeTokensPerS;
  const prefillEachMs = (Math.max(0, promptTokens) / replica.prefillTokensPerS) * 1000;
  const running = count(load?.running);
  const waiting = count(load?.waiting);
  const inFlight = count(load?.inFlight);
  const occupancy = running + waiting + inFlight;
  const turnoverMs = (prefillEachMs + ASSUMED_OUTPUT_TOKENS * stepMs) / slots;
  const admissionMs = Math.max(0, occupancy - slots + 1) * turnoverMs;
  const queuedAhead = waiting + Math.max(0, running + inFlight - slots);
  const backlogMs = queuedAhead * prefillEachMs;
  const residualMs = stepMs * Math.min(1, (running + inFlight) / slots);
  const modelMs = admissionMs + backlogMs + residualMs;
  const observed = load?.observedServiceMs;
  if (observed === null || observed === undefined || !Number.isFinite(observed)) return modelMs;
  const observedQueueMs = Math.max(0, observed - prefillEachMs - stepMs);
  return (1 - OBSERVED_SERVICE_WEIGHT) * modelMs + OBSERVED_SERVICE_WEIGHT * observedQueueMs;
}

/** Predicts the TTFT of one eligible replica for the request described by `input`. */
export function scoreReplica(input: RankInput, replica: RouteReplica): RankedReplica {
  const metroId = input.clientMetroId ?? input.endpoint.defaultMetroId;
  const rttMs = lookupRttMs(input.rttMs, metroId, replica.siteId);
  const promptTokens = Math.max(0, input.promptTokens);
  const blockTokens = input.blockTokens ?? DEFAULT_BLOCK_TOKENS;
  const cachedTokens = Math.min(
    promptTokens,
    count(input.cachedBlocks.get(replica.id)) * blockTokens,
  );
  const prefillMs = ((promptTokens - cachedTokens) / replica.prefillTokensPerS) * 1000;
  const queueMs = predictQueueMs(replica, input.loads.get(replica.id), promptTokens);
  const stepMs = 1000 / replica.decodeTokensPerS;
  return {
    replica,
    predictedTtftMs: rttMs + queueMs + prefillMs + stepMs,
    rttMs,
    queueMs,
    prefillMs,
    cachedTokens,
  };
}

/** `input` with the prefix's home assumed to hold it when no eligible replica is known to. */
function withPrefixHome(input: RankInput, eligible: readonly RouteReplica[]): RankInput {
  const hashes = input.prefixHashes;
  if (!hashes || hashes.length === 0) return input;
  if (eligible.some((r) => count(input.cachedBlocks.get(r.id)) > 0)) return input;
  const home = prefixHome(
    hashes[0]!,
    eligible.map((r) => r.id),
  );
  if (home === null) return input;
  const cachedBlocks = new Map(input.cachedBlocks);
  cachedBlocks.set(home, hashes.length);
  return { ...input, cachedBlocks };
}

/** Orders by predicted TTFT, then fewer of this gateway's requests in flight, then id. */
export function compareRanked(
  loads: ReadonlyMap<string, ReplicaLoad>,
): (a: RankedReplica, b: RankedReplica) => number {
  return (a, b) => {
    if (a.predictedTtftMs !== b.predictedTtftMs) return a.predictedTtftMs - b.predictedTtftMs;
    const fa = count(loads.get(a.replica.id)?.inFlight);
    const fb = count(loads.get(b.replica.id)?.inFlight);
    if (fa !== fb) return fa - fb;
    return a.replica.id < b.replica.id ? -1 : a.replica.id > b.replica.id ? 1 : 0;
  };
}

/**
 * The replicas that may serve the request, best first (the failover order), and those excluded
 * with the reason.
 */
export function rankReplicas(input: RankInput): {
  ranked: RankedReplica[];
  excluded: Exclusion[];
} {
  const { eligible, excluded } = filterReplicas(input.endpoint, input.isEjected);
  const scored = withPrefixHome(input, eligible);
  const ranked = eligible.map((r) => scoreReplica(scored, r)).sort(compareRanked(input.loads));
  return { ranked, excluded };
}
