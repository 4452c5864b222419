export * from './latency-model';
export * from './slo-floor';
