// Passive health checking in the style of Envoy's outlier detection: a replica that fails
// `consecutiveFailures` requests in a row is ejected (routed around) for
// baseEjectionMs × (times it has been ejected), capped at maxEjectionMs. When the ejection ends
// the replica takes traffic again; a success resets its failure streak. Failures reported while
// it is ejected (requests that were already in flight) neither extend nor repeat the ejection.
// A replica that stays clear of ejection for maxEjectionMs after returning starts over at the
// base duration, so one bad hour does not lengthen every later ejection.

interface OutlierState {
  streak: number;
  timesEjected: number;
  ejectedUntilMs: number;
}

export class OutlierDetector {
  private readonly consecutiveFailures: number;
  private readonly baseEjectionMs: number;
  private readonly maxEjectionMs: number;
  private readonly states = new Map<string, OutlierState>();

  constructor(
    opts: { consecutiveFailures?: number; baseEjectionMs?: number; maxEjectionMs?: number } = {},
  ) {
    this.consecutiveFailures = opts.consecutiveFailures ?? 3;
    this.baseEjectionMs = opts.baseEjectionMs ?? 5_000;
    this.maxEjectionMs = opts.maxEjectionMs ?? 60_000;
    if (!Number.isInteger(this.consecutiveFailures) || this.consecutiveFailures < 1) {
      throw new RangeError('consecutiveFailures must be a positive integer');
    }
    if (!(this.baseEjectionMs > 0) || !(this.maxEjectionMs >= this.baseEjectionMs)) {
      throw new RangeError('need 0 < baseEjectionMs ≤ maxEjectionMs');
    }
  }

  onSuccess(replicaId: string): void {
    const s = this.states.get(replicaId);
    if (s) s.streak = 0;
  }

  onFailure(replicaId: string, nowMs: number): void {
    let s = this.states.get(replicaId);
    if (!s) {
      s = { streak: 0, timesEjected: 0, ejectedUntilMs: Number.NEGATIVE_INFINITY };
      this.states.set(replicaId, s);
    }
    if (nowMs < s.ejectedUntilMs) return;
    s.streak++;
    if (s.streak < this.consecutiveFailures) return;
    if (nowMs - s.ejectedUntilMs >= this.maxEjectionMs) s.timesEjected = 0;
    s.timesEjected++;
    s.streak = 0;
    s.ejectedUntilMs = nowMs + Math.min(this.maxEjectionMs, this.baseEjectionMs * s.timesEjected);
  }

  isEjected(replicaId: string, nowMs: number): boolean {
    const s = this.states.get(replicaId);
    return s !== undefined && nowMs < s.ejectedUntilMs;
  }
}
