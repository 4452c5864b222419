// Live load of the replicas this gateway routes to: the engine's own queue (vLLM metric names,
// scraped from each replica's /metrics every period), this gateway's requests in flight to each
// replica (always fresh), and an EWMA of the service time it observes (TTFT minus RTT). A failed
// scrape counts toward outlier ejection, so a dead replica is routed around even without traffic.
// Only replicas inside their endpoint's jurisdiction are scraped: nothing is sent to the others.
import { meetsJurisdictions, type OutlierDetector, type ReplicaLoad } from '@aigrid/routing';
import type { Dispatcher } from 'undici';
import type { Logger } from './logger';
import type { RouteView } from './route-state';

const EWMA_WEIGHT = 0.2;

export interface EngineGauges {
  running: number;
  waiting: number;
  kvCacheUsage: number;
}

/** Reads vLLM's queue gauges from Prometheus text (summing over label sets). */
export function parseEngineGauges(text: string): EngineGauges {
  let running = 0;
  let waiting = 0;
  let kv = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('vllm:')) continue;
    const space = line.lastIndexOf(' ');
    const brace = line.indexOf('{');
    const name = line.slice(0, brace > 0 && brace < space ? brace : space);
    const value = Number(line.slice(space + 1));
    if (!Number.isFinite(value)) continue;
    if (name === 'vllm:num_requests_running') running += value;
    else if (name === 'vllm:num_requests_waiting') waiting += value;
    else if (name === 'vllm:kv_cache_usage_perc' || name === 'vllm:gpu_cache_usage_perc')
      kv += value;
  }
  return { running, waiting, kvCacheUsage: Math.min(1, kv) };
}

interface Scraped extends EngineGauges {
  scrapedAtMs: number;
}

export class ReplicaLoads {
  private readonly scraped = new Map<string, Scraped>();
  private readonly inFlight = new Map<string, number>();
  private readonly observed = new Map<string, number>();
  private readonly scraping = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private failedScrapes = new Set<string>();

  constructor(
    private readonly opts: {
      dispatcher: Dispatcher;
      outliers: OutlierDetector;
      log: Logger;
      scrapeMs: number;
      current: () => RouteView | null;
      now?: () => number;
    },
  ) {}

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  loadsFor(replicaIds: Iterable<string>): Map<string, ReplicaLoad> {
    const loads = new Map<string, ReplicaLoad>();
    for (const id of replicaIds) {
      const s = this.scraped.get(id);
      loads.set(id, {
        running: s?.running ?? 0,
        waiting: s?.waiting ?? 0,
        kvCacheUsage: s?.kvCacheUsage ?? 0,
        inFlight: this.inFlight.get(id) ?? 0,
        observedServiceMs: this.observed.get(id) ?? null,
        scrapedAtMs: s?.scrapedAtMs ?? 0,
      });
    }
    return loads;
  }

  acquire(replicaId: string): void {
    this.inFlight.set(replicaId, (this.inFlight.get(replicaId) ?? 0) + 1);
  }

  release(replicaId: string): void {
    const n = (this.inFlight.get(replicaId) ?? 0) - 1;
    if (n > 0) this.inFlight.set(replicaId, n);
    else this.inFlight.delete(replicaId);
  }

  /** Records an observed service time (TTFT at the gateway minus the RTT it assumed), ms. */
  observe(replicaId: string, serviceMs: number): void {
    const v = Math.max(0, serviceMs);
    const prev = this.observed.get(replicaId);
    this.observed.set(replicaId, prev === undefined ? v : prev + EWMA_WEIGHT * (v - prev));
  }

  /** Drops what is known about replicas no longer routed to. */
  retain(replicaIds: ReadonlySet<string>): void {
    for (const map of [this.scraped, this.observed]) {
      for (const id of map.keys()) if (!replicaIds.has(id)) map.delete(id);
    }
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.scrapeAll(), this.opts.scrapeMs);
    this.timer.unref();
    this.scrapeAll();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private scrapeAll(): void {
    const view = this.opts.current();
    if (!view) return;
    for (const { replica, endpoint } of view.replicas) {
      if (!meetsJurisdictions(endpoint, replica) || this.scraping.has(replica.id)) continue;
      this.scraping.add(replica.id);
      void this.scrape(replica.id, replica.url).finally(() => this.scraping.delete(replica.id));
    }
  }

  private async scrape(replicaId: string, baseUrl: string): Promise<void> {
    const url = new URL('/metrics', baseUrl);
    try {
      const res = await this.opts.dispatcher.request({
        origin: url.origin,
        path: url.pathname,
        method: 'GET',
        signal: AbortSignal.timeout(Math.max(1_000, this.opts.scrapeMs * 2)),
      });
      const text = await res.body.text();
      if (res.statusCode !== 200) throw new Error(`/metrics answered ${res.statusCode}`);
      this.scraped.set(replicaId, { ...parseEngineGauges(text), scrapedAtMs: this.now() });
      if (this.failedScrapes.delete(replicaId)) {
        this.opts.log.info({ replicaId }, 'replica metrics reachable again');
      }
    } catch (err) {
      this.opts.outliers.onFailure(replicaId, this.now());
      if (!this.failedScrapes.has(replicaId)) {
        this.failedScrapes.add(replicaId);
        this.opts.log.warn(
          { replicaId, err: (err as Error).message },
          'replica metrics scrape failed',
        );
      }
    }
  }
}
