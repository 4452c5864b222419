// The route snapshot the control plane serves to gateways, and its runtime validator. A gateway
// keeps serving from its last good snapshot when a new payload fails `parseRouteSnapshot`.

export interface RouteReplica {
  id: string;
  nodeId: string;
  siteId: string;
  siteName: string;
  metroId: string;
  /** The site's jurisdiction tags, upper case, e.g. ['EU','GDPR']. */
  jurisdictions: string[];
  countryCode: string;
  /** Base URL of the replica's OpenAI-compatible engine, e.g. http://127.0.0.1:41234 */
  url: string;
  gpuTypeId: string;
  gpuCount: number;
  /** READY: takes new requests. DRAINING: finishes in-flight, takes none. */
  state: 'READY' | 'DRAINING';
  /** From the engine performance model, for predicting prefill and queueing. */
  prefillTokensPerS: number;
  decodeTokensPerS: number;
  maxConcurrency: number;
}

export interface RouteEndpoint {
  id: string;
  organizationId: string;
  name: string;
  /** Model id the engines serve (sent upstream as `model`). */
  modelId: string;
  /** PAUSED and FAILED ones take no requests; they are listed so that their owner is told why. */
  status: 'PROVISIONING' | 'ACTIVE' | 'DEGRADED' | 'PAUSED' | 'FAILED';
  /** Required tags: a replica qualifies only if its site has every one (case-insensitive). */
  jurisdictions: string[];
  /** Metro with the largest demand weight: used when the client's metro is unknown. */
  defaultMetroId: string | null;
  sloTtftP95Ms: number;
  replicas: RouteReplica[];
}

export interface RouteSnapshot {
  /** Content hash; changes whenever anything routable changes. */
  version: string;
  generatedAt: string;
  endpoints: RouteEndpoint[];
  /** rttMs[metroId][siteId]: round-trip time client metro ↔ site, ms. */
  rttMs: Record<string, Record<string, number>>;
}

const REPLICA_STATES = ['READY', 'DRAINING'] as const;
const ENDPOINT_STATUSES = ['PROVISIONING', 'ACTIVE', 'DEGRADED', 'PAUSED', 'FAILED'] as const;

type Obj = Record<string, unknown>;

function fail(path: string, what: string): never {
  throw new Error(`invalid route snapshot: ${path} ${what}`);
}

function obj(value: unknown, path: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(path, 'must be an object');
  }
  return value as Obj;
}

function arr(o: Obj, key: string, path: string): unknown[] {
  const v = o[key];
  if (!Array.isArray(v)) fail(`${path}.${key}`, 'must be an array');
  return v;
}

function str(o: Obj, key: string, path: string, nonEmpty = true): string {
  const v = o[key];
  if (typeof v !== 'string' || (nonEmpty && v.length === 0)) {
    fail(`${path}.${key}`, nonEmpty ? 'must be a non-empty string' : 'must be a string');
  }
  return v;
}

function num(o: Obj, key: string, path: string, min: number, exclusive = false): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (exclusive && v === min)) {
    fail(`${path}.${key}`, `must be a finite number ${exclusive ? '>' : '≥'} ${min}`);
  }
  return v;
}

function oneOf<T extends string>(o: Obj, key: string, path: string, allowed: readonly T[]): T {
  const v = o[key];
  if (!allowed.includes(v as T)) fail(`${path}.${key}`, `must be one of ${allowed.join(', ')}`);
  return v as T;
}

function tags(o: Obj, key: string, path: string): string[] {
  return arr(o, key, path).map((t, i) => {
    if (typeof t !== 'string' || t.length === 0) fail(`${path}.${key}[${i}]`, 'must be a tag');
    return t.toUpperCase();
  });
}

function parseReplica(value: unknown, path: string): RouteReplica {
  const o = obj(value, path);
  const maxConcurrency = num(o, 'maxConcurrency', path, 1);
  if (!Number.isInteger(maxConcurrency)) fail(`${path}.maxConcurrency`, 'must be an integer');
  return {
    id: str(o, 'id', path),
    nodeId: str(o, 'nodeId', path),
    siteId: str(o, 'siteId', path),
    siteName: str(o, 'siteName', path, false),
    metroId: str(o, 'metroId', path),
    jurisdictions: tags(o, 'jurisdictions', path),
    countryCode: str(o, 'countryCode', path, false),
    url: str(o, 'url', path),
    gpuTypeId: str(o, 'gpuTypeId', path),
    gpuCount: num(o, 'gpuCount', path, 0),
    state: oneOf(o, 'state', path, REPLICA_STATES),
    prefillTokensPerS: num(o, 'prefillTokensPerS', path, 0, true),
    decodeTokensPerS: num(o, 'decodeTokensPerS', path, 0, true),
    maxConcurrency,
  };
}

function parseEndpoint(value: unknown, path: string): RouteEndpoint {
  const o = obj(value, path);
  const defaultMetroId = o.defaultMetroId;
  if (defaultMetroId !== null && (typeof defaultMetroId !== 'string' || defaultMetroId === '')) {
    fail(`${path}.defaultMetroId`, 'must be a non-empty string or null');
  }
  return {
    id: str(o, 'id', path),
    organizationId: str(o, 'organizationId', path),
    name: str(o, 'name', path, false),
    modelId: str(o, 'modelId', path),
    status: oneOf(o, 'status', path, ENDPOINT_STATUSES),
    jurisdictions: tags(o, 'jurisdictions', path),
    defaultMetroId,
    sloTtftP95Ms: num(o, 'sloTtftP95Ms', path, 0, true),
    replicas: arr(o, 'replicas', path).map((r, i) => parseReplica(r, `${path}.replicas[${i}]`)),
  };
}

function hasUnknownStatus(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const status = (value as Obj).status;
  return (
    typeof status === 'string' &&
    /^[A-Z_]+$/.test(status) &&
    !(ENDPOINT_STATUSES as readonly string[]).includes(status)
  );
}

function parseRtt(value: unknown): Record<string, Record<string, number>> {
  // Object.fromEntries defines own properties, so a metro or site named "__proto__" stays data.
  return Object.fromEntries(
    Object.entries(obj(value, 'rttMs')).map(([metroId, row]) => {
      const path = `rttMs.${metroId}`;
      const sites = obj(row, path);
      return [
        metroId,
        Object.fromEntries(Object.keys(sites).map((k) => [k, num(sites, k, path, 0)])),
      ];
    }),
  );
}

/**
 * Checks a route snapshot received as JSON and returns a copy holding only the known fields,
 * with jurisdiction tags in upper case. Throws an Error naming the first bad field.
 */
export function parseRouteSnapshot(json: unknown): RouteSnapshot {
  const o = obj(json, 'snapshot');
  const endpoints = arr(o, 'endpoints', 'snapshot')
    .map((e, i) => ({ e, i }))
    // A status this gateway does not know yet (a newer control plane): that endpoint is left
    // out, rather than the whole snapshot refused and every other route left stale.
    .filter(({ e }) => !hasUnknownStatus(e))
    .map(({ e, i }) => parseEndpoint(e, `endpoints[${i}]`));
  const replicaIds = new Set<string>();
  for (const e of endpoints) {
    for (const r of e.replicas) {
      if (replicaIds.has(r.id)) fail(`replica ${r.id}`, 'appears more than once');
      replicaIds.add(r.id);
    }
  }
  return {
    version: str(o, 'version', 'snapshot'),
    generatedAt: str(o, 'generatedAt', 'snapshot'),
    endpoints,
    rttMs: parseRtt(o.rttMs),
  };
}
