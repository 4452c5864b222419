export * from './snapshot';
export * from './live-load';
export * from './prefix-hash';
export * from './prefix-index';
export * from './outlier';
export * from './score';
export * from './policies';
export * from './client-metro';
export { prefixHome } from './prefix-home';
