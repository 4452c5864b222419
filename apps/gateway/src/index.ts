export { startGateway, type GatewayDeps, type GatewayHandle } from './server';
export { httpSnapshotSource, type FetchSnapshot, type FetchSnapshotResult } from './route-state';
export { parseGatewayEnv, type GatewayEnv } from './env';
