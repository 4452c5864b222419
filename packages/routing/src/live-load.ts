// What a gateway knows about a replica's load right now: the engine's own queue, last scraped,
// and this gateway's requests in flight to it, always fresh.

export interface ReplicaLoad {
  /** From the engine's /metrics (vllm:num_requests_running / waiting). */
  running: number;
  waiting: number;
  kvCacheUsage: number;
  /** This gateway's own requests in flight to the replica (always fresh). */
  inFlight: number;
  /** EWMA of this gateway's observed TTFT minus RTT at the replica, ms, or null. */
  observedServiceMs: number | null;
  /** When running/waiting were scraped (ms epoch). */
  scrapedAtMs: number;
}
