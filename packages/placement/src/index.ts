export * from './latency-model';
