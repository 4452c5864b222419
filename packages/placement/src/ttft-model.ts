// Time to first token (TTFT) of a request from a metro served by a replica: the latency model
// shared by placement, routing and the simulator.
//
//   TTFT = RTT + prefill queue wait + wait for the running decode step + prefill + first decode step
//
// - RTT: the operator's measurement between metro and site when there is one, otherwise the
//   great-circle estimate of latency-model.ts (fibre at 2/3 c × route factor + hop cost).
// - Prefill queue: engines with continuous batching (vLLM) schedule waiting prefills ahead of
//   decoding, so a new request queues only behind other prefills: an M/M/1 queue whose service
//   time is one prefill and whose utilisation is λ × prefill; quantiles by its exponential tail.
// - The running decode step cannot be pre-empted: at load ρ = λ/μ a request waits for it with
//   probability ~ρ (up to one step at p95, half a step at p50).
// - Prefill and decode times come from @aigrid/perf-model; the step is taken at the batch the
//   replica runs at that load (ρ × maximum batch, at least 1).
// The replica's total throughput is bounded separately by maxRps (replica-profile.ts).
import { estimateRttMs, type LatLon, type RttModel } from './latency-model';
import { mm1WaitQuantileMs } from './queueing-model';
import type { ReplicaProfile } from './replica-profile';
import type { RttMeasurement } from './types';

export interface RttQuantiles {
  p50Ms: number;
  p95Ms: number;
}

export interface TtftPrediction {
  p50Ms: number;
  p95Ms: number;
  /** Load of the replica against its service rate, λ/μ. */
  utilisation: number;
  /** Load of the prefill queue, λ × prefill. */
  prefillUtilisation: number;
}

export interface LoadPoint {
  /** Requests per second arriving at one replica. */
  rpsPerReplica: number;
  /** Requests already waiting at the engine (re-placement); each costs a prefill. */
  queueDepth?: number;
}

/** The server-side part of TTFT (everything but the RTT) at quantile 0.5 or 0.95, in ms. */
export function serverTtftMs(profile: ReplicaProfile, load: LoadPoint, quantile: number): number {
  const lambda = Math.max(0, load.rpsPerReplica);
  const utilisation = lambda / profile.serviceRateRps;
  const prefillUtilisation = (lambda * profile.prefillMs) / 1000;
  if (utilisation >= 1 || prefillUtilisation >= 1) return Number.POSITIVE_INFINITY;
  const batch = Math.max(1, Math.min(profile.maxBatch, utilisation * profile.maxBatch));
  const step = profile.decodeStepMs(batch);
  const residual = step * Math.min(1, utilisation) * (quantile >= 0.95 ? 1 : 0.5);
  const queue = mm1WaitQuantileMs(prefillUtilisation, profile.prefillMs, quantile);
  const backlog = Math.max(0, load.queueDepth ?? 0) * profile.prefillMs;
  return queue + backlog + residual + profile.prefillMs + step;
}

/** Predicted p50 and p95 TTFT for a metro at the given RTT served by one replica at `load`. */
export function predictTtft(
  profile: ReplicaProfile,
  rtt: RttQuantiles,
  load: LoadPoint,
): TtftPrediction {
  const lambda = Math.max(0, load.rpsPerReplica);
  return {
    p50Ms: rtt.p50Ms + serverTtftMs(profile, load, 0.5),
    p95Ms: rtt.p95Ms + serverTtftMs(profile, load, 0.95),
    utilisation: lambda / profile.serviceRateRps,
    prefillUtilisation: (lambda * profile.prefillMs) / 1000,
  };
}

/**
 * The most requests per second one replica can take while the p95 TTFT stays within `sloMs`
 * for a metro `rttP95Ms` away, capped by the replica's planned maximum. 0 when even an idle
 * replica misses the SLO. The p95 grows with load, so bisection finds it.
 */
export function maxRpsWithinSlo(profile: ReplicaProfile, sloMs: number, rttP95Ms: number): number {
  const budget = sloMs - rttP95Ms;
  const p95 = (rps: number) => serverTtftMs(profile, { rpsPerReplica: rps }, 0.95);
  if (p95(0) > budget) return 0;
  if (p95(profile.maxRps) <= budget) return profile.maxRps;
  let lo = 0;
  let hi = profile.maxRps;
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (p95(mid) <= budget) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** RTT between a metro and a site: measured where the operator measured it, else estimated. */
export function createRttLookup(
  measurements: readonly RttMeasurement[] | undefined,
  model: RttModel,
): (metro: LatLon & { metroId: string }, site: LatLon & { id: string }) => RttQuantiles {
  const measured = new Map<string, RttQuantiles>();
  for (const m of measurements ?? []) {
    if (!(m.rttMs >= 0)) continue;
    measured.set(`${m.metroId}\u0000${m.siteId}`, {
      p50Ms: m.rttMs,
      p95Ms: Math.max(m.rttMs, m.rttP95Ms ?? m.rttMs),
    });
  }
  return (metro, site) => {
    const hit = measured.get(`${metro.metroId}\u0000${site.id}`);
    if (hit) return hit;
    const estimate = estimateRttMs(metro, site, model);
    return { p50Ms: estimate, p95Ms: estimate };
  };
}
