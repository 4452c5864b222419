// Builders and fast-check arbitraries shared by this package's tests (not exported).
import fc from 'fast-check';
import type { ReplicaLoad } from './live-load';
import type { RankInput } from './score';
import type { RouteEndpoint, RouteReplica } from './snapshot';

export function replica(overrides: Partial<RouteReplica> & { id: string }): RouteReplica {
  return {
    nodeId: `node-${overrides.id}`,
    siteId: 'site-a',
    siteName: 'Site A',
    metroId: 'fra',
    jurisdictions: ['EU', 'GDPR'],
    countryCode: 'DE',
    url: `http://127.0.0.1:4000/${overrides.id}`,
    gpuTypeId: 'l40s',
    gpuCount: 1,
    state: 'READY',
    prefillTokensPerS: 8000,
    decodeTokensPerS: 50,
    maxConcurrency: 16,
    ...overrides,
  };
}

export function endpoint(replicas: RouteReplica[], overrides: Partial<RouteEndpoint> = {}) {
  const e: RouteEndpoint = {
    id: 'ep-1',
    organizationId: 'org-1',
    name: 'chat',
    modelId: 'llama-3.1-8b',
    status: 'ACTIVE',
    jurisdictions: [],
    defaultMetroId: null,
    sloTtftP95Ms: 500,
    replicas,
    ...overrides,
  };
  return e;
}

export function load(overrides: Partial<ReplicaLoad> = {}): ReplicaLoad {
  return {
    running: 0,
    waiting: 0,
    kvCacheUsage: 0,
    inFlight: 0,
    observedServiceMs: null,
    scrapedAtMs: 0,
    ...overrides,
  };
}

export function rankInput(e: RouteEndpoint, overrides: Partial<RankInput> = {}): RankInput {
  return {
    endpoint: e,
    clientMetroId: null,
    rttMs: {},
    loads: new Map(),
    cachedBlocks: new Map(),
    promptTokens: 1000,
    isEjected: () => false,
    ...overrides,
  };
}

const TAGS = ['EU', 'GDPR', 'US', 'HIPAA', 'DE'] as const;
const SITES = ['s0', 's1', 's2', 's3'] as const;
const METROS = ['m0', 'm1', 'm2'] as const;

/** A tag spelled in upper or lower case, to exercise case-insensitive matching. */
const tagArb = fc
  .tuple(fc.constantFrom(...TAGS), fc.boolean())
  .map(([t, lower]) => (lower ? t.toLowerCase() : t));

export const loadArb: fc.Arbitrary<ReplicaLoad> = fc.record({
  running: fc.nat(64),
  waiting: fc.nat(64),
  kvCacheUsage: fc.double({ min: 0, max: 1, noNaN: true }),
  inFlight: fc.nat(32),
  observedServiceMs: fc.option(fc.double({ min: 0, max: 5000, noNaN: true }), { nil: null }),
  scrapedAtMs: fc.nat(),
});

const replicaArb = fc.record({
  siteId: fc.constantFrom(...SITES),
  jurisdictions: fc.uniqueArray(tagArb, { maxLength: 4 }),
  state: fc.constantFrom('READY' as const, 'DRAINING' as const),
  prefillTokensPerS: fc.integer({ min: 100, max: 50_000 }),
  decodeTokensPerS: fc.integer({ min: 5, max: 300 }),
  maxConcurrency: fc.integer({ min: 1, max: 64 }),
});

/** A random routing situation: endpoint, RTT table, loads, cache hits, ejections, metro. */
export const rankInputArb: fc.Arbitrary<RankInput> = fc
  .record({
    replicas: fc.array(replicaArb, { maxLength: 10 }),
    required: fc.uniqueArray(tagArb, { maxLength: 3 }),
    defaultMetroId: fc.option(fc.constantFrom(...METROS), { nil: null }),
    clientMetroId: fc.option(fc.constantFrom(...METROS, 'unknown'), { nil: null }),
    rtt: fc.dictionary(
      fc.constantFrom(...METROS),
      fc.dictionary(fc.constantFrom(...SITES), fc.double({ min: 0, max: 300, noNaN: true })),
    ),
    loads: fc.array(fc.option(loadArb, { nil: undefined }), { minLength: 10, maxLength: 10 }),
    cached: fc.array(fc.nat(100), { minLength: 10, maxLength: 10 }),
    ejected: fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }),
    promptTokens: fc.nat(20_000),
  })
  .map((s) => {
    const replicas = s.replicas.map((r, i) => replica({ ...r, id: `r${i}` }));
    const loads = new Map<string, ReplicaLoad>();
    const cachedBlocks = new Map<string, number>();
    replicas.forEach((r, i) => {
      const l = s.loads[i];
      if (l) loads.set(r.id, l);
      cachedBlocks.set(r.id, s.cached[i]!);
    });
    const ejected = new Set(replicas.filter((_, i) => s.ejected[i]).map((r) => r.id));
    return rankInput(
      endpoint(replicas, { jurisdictions: s.required, defaultMetroId: s.defaultMetroId }),
      {
        clientMetroId: s.clientMetroId,
        rttMs: s.rtt,
        loads,
        cachedBlocks,
        promptTokens: s.promptTokens,
        isEjected: (id) => ejected.has(id),
      },
    );
  });
