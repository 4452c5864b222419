export { startEmbeddedPostgres, ensureDatabase, type PostgresHandle } from './postgres';
export { startTemporalDevServer, temporalReachable, type TemporalHandle } from './temporal';
export { assertPortFree, isPortFree, freePort } from './ports';
export { killProcessTree, startProcess, waitFor, type ManagedProcess } from './process';
export { REPO_ROOT } from './paths';
