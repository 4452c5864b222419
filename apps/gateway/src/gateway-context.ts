// What the request handlers share: built once by startGateway.
import type {
  MetroCidr,
  OutlierDetector,
  PrefixIndex,
  RankInput,
  RankedReplica,
} from '@aigrid/routing';
import type { Dispatcher } from 'undici';
import type { KeyAuthenticator } from './authenticate';
import type { ReplicaLoads } from './load-scraper';
import type { Logger } from './logger';
import type { Meter } from './metering';
import type { GatewayMetrics } from './metrics';
import type { RouteState } from './route-state';

export interface GatewayLimits {
  maxBodyBytes: number;
  maxConcurrentPerKey: number;
}

export interface GatewayContext {
  auth: KeyAuthenticator;
  routes: RouteState;
  loads: ReplicaLoads;
  outliers: OutlierDetector;
  prefixIndex: PrefixIndex;
  pick: (input: RankInput) => RankedReplica[];
  dispatcher: Dispatcher;
  meter: Meter;
  metrics: GatewayMetrics;
  log: Logger;
  limits: GatewayLimits;
  metroTable: readonly MetroCidr[];
  /** Proxies whose X-Forwarded-For names the client (CIDRs). */
  trustedProxies: readonly string[];
  gatewayToken: string;
  /** Requests in progress per API key id (for the per-key concurrency limit). */
  activePerKey: Map<string, number>;
}
