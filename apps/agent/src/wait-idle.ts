// Waiting for an unrouted replica's engine to finish what it runs, so that a drain (pause, move,
// decommission, node maintenance) unloads it as soon as it is idle instead of after a fixed grace.
import { scrapeEngineMetrics } from './engine-metrics';

export interface WaitIdleOptions {
  /** Waited in any case: requests a gateway routed before it saw the replica unrouted. */
  minMs: number;
  /** Given up after this long, busy or not. */
  maxMs: number;
  pollMs?: number;
  /** Called at every poll (the activity's heartbeat). */
  onPoll?: (requests: number | null) => void;
}

export interface WaitIdleResult {
  idle: boolean;
  waitedMs: number;
  /** Requests running or waiting at the last poll (null: the engine did not answer). */
  requests: number | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Requests the engine at `url` is running or queueing, from its /metrics; null if unreachable. */
export async function engineRequests(url: string): Promise<number | null> {
  try {
    const load = await scrapeEngineMetrics(url);
    return load.requestsRunning + load.requestsWaiting;
  } catch {
    return null;
  }
}

/**
 * Waits at least `minMs`, then until the engine runs and queues no request (or stops answering:
 * nothing to wait for), at most `maxMs`.
 */
export async function waitEngineIdle(url: string, opts: WaitIdleOptions): Promise<WaitIdleResult> {
  const pollMs = opts.pollMs ?? 250;
  const started = Date.now();
  const waited = () => Date.now() - started;
  let requests: number | null = null;
  for (;;) {
    if (waited() >= opts.minMs) {
      requests = await engineRequests(url);
      opts.onPoll?.(requests);
      if (requests === null || requests === 0) {
        return { idle: true, waitedMs: waited(), requests };
      }
    } else {
      opts.onPoll?.(null);
    }
    if (waited() >= opts.maxMs) return { idle: false, waitedMs: waited(), requests };
    const untilMin = opts.minMs - waited();
    const step = untilMin > 0 ? Math.min(pollMs, untilMin) : pollMs;
    await sleep(Math.max(1, Math.min(step, opts.maxMs - waited())));
  }
}
