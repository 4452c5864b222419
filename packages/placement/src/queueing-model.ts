// Queueing part of the latency model: waiting time before a request is served, from the
// arrival rate and the service rate, with quantiles from the exponential tail of M/M/c
// (M/M/1 is c = 1). In M/M/c the wait W is 0 with probability 1 − C (Erlang C) and otherwise
// exponential with rate cμ − λ, so P(W > t) = C·e^{−(cμ − λ)t} and the q-quantile is
// ln(C / (1 − q)) / (cμ − λ) when C > 1 − q, else 0.

/** Erlang C: probability that an arrival waits, for `servers` servers and offered load a = λ/μ. */
export function erlangC(servers: number, offeredLoad: number): number {
  if (servers < 1 || !Number.isInteger(servers)) throw new RangeError('servers must be ≥ 1');
  if (offeredLoad <= 0) return 0;
  if (offeredLoad >= servers) return 1;
  // Erlang B by its stable recursion, then C from B.
  let b = 1;
  for (let k = 1; k <= servers; k++) b = (offeredLoad * b) / (k + offeredLoad * b);
  return (servers * b) / (servers - offeredLoad * (1 - b));
}

/**
 * The q-quantile (0 < q < 1) of the waiting time in ms of an M/M/c queue with `servers`
 * servers, `arrivalRps` arrivals per second and mean service time `serviceMs` per request.
 * Infinite when the queue is unstable (λ ≥ cμ).
 */
export function mmcWaitQuantileMs(
  servers: number,
  arrivalRps: number,
  serviceMs: number,
  quantile: number,
): number {
  if (arrivalRps <= 0 || serviceMs <= 0) return 0;
  const muPerMs = 1 / serviceMs;
  const lambdaPerMs = arrivalRps / 1000;
  const offered = lambdaPerMs / muPerMs;
  if (offered >= servers) return Number.POSITIVE_INFINITY;
  const wait = erlangC(servers, offered);
  const tail = 1 - quantile;
  if (wait <= tail) return 0;
  return Math.log(wait / tail) / (servers * muPerMs - lambdaPerMs);
}

/** The q-quantile of the M/M/1 wait in ms at utilisation ρ with mean service time `serviceMs`. */
export function mm1WaitQuantileMs(
  utilisation: number,
  serviceMs: number,
  quantile: number,
): number {
  if (utilisation <= 0 || serviceMs <= 0) return 0;
  if (utilisation >= 1) return Number.POSITIVE_INFINITY;
  const tail = 1 - quantile;
  if (utilisation <= tail) return 0;
  return (serviceMs / (1 - utilisation)) * Math.log(utilisation / tail);
}

/** Mean M/M/1 wait in ms at utilisation ρ: ρ·S / (1 − ρ). */
export function mm1MeanWaitMs(utilisation: number, serviceMs: number): number {
  if (utilisation <= 0) return 0;
  if (utilisation >= 1) return Number.POSITIVE_INFINITY;
  return (utilisation * serviceMs) / (1 - utilisation);
}
