export { startEmbeddedPostgres, ensureDatabase, type PostgresHandle } from './postgres.js';
export { startTemporalDevServer, temporalReachable, type TemporalHandle } from './temporal.js';
export { assertPortFree, isPortFree, freePort } from './ports.js';
export { startProcess, waitFor, type ManagedProcess } from './process.js';
export { REPO_ROOT } from './paths.js';
