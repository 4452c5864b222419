import type { Db, NodeStatus, ReplicaState } from '@aigrid/db';
import { METROS, MODELS, seedCatalogue, upsertOrganization, upsertSite } from '@aigrid/db/seed';
import { createTestDatabase, type TestDatabase } from '@aigrid/db/testing';
import { estimateRttMs } from '@aigrid/placement';
import { parseRouteSnapshot, type RouteSnapshot } from '@aigrid/routing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRouteSnapshot, replicaFigures } from './build-route-snapshot';

let t: TestDatabase;
let db: Db;
const ids = {} as Record<
  | 'fraSite'
  | 'ashSite'
  | 'eu'
  | 'failed'
  | 'paused'
  | 'ready'
  | 'draining'
  | 'onDownNode'
  | 'loading'
  | 'noUrl'
  | 'fra1',
  string
>;

async function nodeId(siteId: string, name: string) {
  return (await db.node.findUniqueOrThrow({ where: { siteId_name: { siteId, name } } })).id;
}

async function endpoint(
  organizationId: string,
  name: string,
  status: 'ACTIVE' | 'FAILED' | 'PAUSED',
) {
  return (
    await db.endpoint.create({
      data: {
        organizationId,
        name,
        modelId: 'llama-3.1-8b-instruct',
        sloTtftP95Ms: 300,
        jurisdictions: ['eu'],
        expectedRps: 2,
        status,
      },
    })
  ).id;
}

async function replica(
  endpointId: string,
  node: string,
  state: ReplicaState,
  url: string | null,
  key: string,
) {
  return (
    await db.replica.create({
      data: { endpointId, nodeId: node, state, url, gpuCount: 1, idempotencyKey: key },
    })
  ).id;
}

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.prisma;
  await seedCatalogue(db);
  const operator = await upsertOrganization(db, { name: 'Telco', kinds: ['OPERATOR'] });
  const developer = await upsertOrganization(db, { name: 'Startup', kinds: ['DEVELOPER'] });
  const node = (name: string, status: NodeStatus) => ({
    name,
    gpuTypeId: 'L40S',
    gpuCount: 4,
    status,
  });
  const fra = await upsertSite(db, operator.id, {
    name: 'FRA-1',
    metroId: 'frankfurt',
    jurisdictions: ['eu', 'GDPR'],
    uplinkGbps: 100,
    egressPriceMicrosPerGb: 10_000n,
    nodes: [node('fra-1', 'HEALTHY'), node('fra-2', 'DOWN'), node('fra-3', 'DRAINING')],
  });
  const ash = await upsertSite(db, operator.id, {
    name: 'ASH-1',
    metroId: 'ashburn',
    jurisdictions: ['US'],
    uplinkGbps: 100,
    egressPriceMicrosPerGb: 10_000n,
    nodes: [node('ash-1', 'HEALTHY')],
  });
  ids.fraSite = fra.id;
  ids.ashSite = ash.id;
  const [fra1, fra2, fra3, ash1] = await Promise.all([
    nodeId(fra.id, 'fra-1'),
    nodeId(fra.id, 'fra-2'),
    nodeId(fra.id, 'fra-3'),
    nodeId(ash.id, 'ash-1'),
  ]);
  ids.fra1 = fra1;
  ids.eu = await endpoint(developer.id, 'eu-chat', 'ACTIVE');
  await db.endpointDemand.createMany({
    data: [
      { endpointId: ids.eu, metroId: 'paris', weightBp: 4_000 },
      { endpointId: ids.eu, metroId: 'frankfurt', weightBp: 6_000 },
    ],
  });
  ids.ready = await replica(ids.eu, fra1, 'READY', 'http://10.0.0.1:8000', 'r-ready');
  ids.draining = await replica(ids.eu, fra3, 'DRAINING', 'http://10.0.0.3:8000', 'r-draining');
  ids.onDownNode = await replica(ids.eu, fra2, 'READY', 'http://10.0.0.2:8000', 'r-down');
  ids.loading = await replica(ids.eu, fra1, 'LOADING', 'http://10.0.0.1:8001', 'r-loading');
  ids.noUrl = await replica(ids.eu, fra3, 'READY', null, 'r-nourl');
  ids.failed = await endpoint(developer.id, 'failed-chat', 'FAILED');
  await replica(ids.failed, ash1, 'READY', 'http://10.0.1.1:8000', 'r-failed');
  ids.paused = await endpoint(developer.id, 'paused-chat', 'PAUSED');
  await db.rttMeasurement.create({
    data: { metroId: 'frankfurt', siteId: fra.id, rttMs: 1.5, source: 'MEASURED' },
  });
});
afterAll(() => t.drop());

const euOf = (s: RouteSnapshot) => s.endpoints.find((e) => e.id === ids.eu)!;

describe('buildRouteSnapshot', () => {
  it('lists routable endpoints with only their routable replicas', async () => {
    const snapshot = await buildRouteSnapshot(db, new Date('2026-01-01T00:00:00Z'));
    expect(() => parseRouteSnapshot(JSON.parse(JSON.stringify(snapshot)))).not.toThrow();
    expect(snapshot.generatedAt).toBe('2026-01-01T00:00:00.000Z');
    expect(snapshot.endpoints.map((e) => e.id).sort()).toEqual(
      [ids.eu, ids.paused, ids.failed].sort(),
    );
    const eu = euOf(snapshot);
    expect(eu).toMatchObject({
      name: 'eu-chat',
      modelId: 'llama-3.1-8b-instruct',
      status: 'ACTIVE',
      jurisdictions: ['EU'],
      defaultMetroId: 'frankfurt',
      sloTtftP95Ms: 300,
    });
    // Not the replica on the DOWN node, not the LOADING one, not the one without a URL.
    expect(eu.replicas.map((r) => [r.id, r.state])).toEqual(
      [
        [ids.ready, 'READY'],
        [ids.draining, 'DRAINING'],
      ].sort(),
    );
    const ready = eu.replicas.find((r) => r.id === ids.ready)!;
    const model = MODELS.find((m) => m.id === 'llama-3.1-8b-instruct')!;
    const figures = replicaFigures('L40S', 1, model);
    expect(ready).toEqual({
      id: ids.ready,
      nodeId: ids.fra1,
      siteId: ids.fraSite,
      siteName: 'FRA-1',
      metroId: 'frankfurt',
      jurisdictions: ['EU', 'GDPR'],
      countryCode: 'DE',
      url: 'http://10.0.0.1:8000',
      gpuTypeId: 'L40S',
      gpuCount: 1,
      state: 'READY',
      ...figures,
    });
    expect(ready.prefillTokensPerS).toBeGreaterThan(1_000);
    expect(ready.decodeTokensPerS).toBeGreaterThan(10);
    expect(ready.maxConcurrency).toBeGreaterThanOrEqual(1);
    expect(snapshot.endpoints.find((e) => e.id === ids.paused)).toMatchObject({
      status: 'PAUSED',
      defaultMetroId: null,
      replicas: [],
    });
    // A failed endpoint is listed so that the gateway can say so, but never with a replica.
    expect(snapshot.endpoints.find((e) => e.id === ids.failed)).toMatchObject({
      status: 'FAILED',
      replicas: [],
    });
  });

  it('gives the RTT from every metro to every site hosting a replica, measured first', async () => {
    const { rttMs } = await buildRouteSnapshot(db, new Date());
    expect(Object.keys(rttMs).sort()).toEqual(METROS.map((m) => m.id).sort());
    for (const row of Object.values(rttMs)) expect(Object.keys(row)).toEqual([ids.fraSite]);
    expect(rttMs.frankfurt?.[ids.fraSite]).toBe(1.5);
    const paris = METROS.find((m) => m.id === 'paris')!;
    const frankfurt = METROS.find((m) => m.id === 'frankfurt')!;
    expect(rttMs.paris?.[ids.fraSite]).toBeCloseTo(estimateRttMs(paris, frankfurt), 1);
  });

  it('keeps its version until something routable changes', async () => {
    const first = await buildRouteSnapshot(db, new Date('2026-01-01T00:00:00Z'));
    const second = await buildRouteSnapshot(db, new Date('2026-01-01T00:05:00Z'));
    expect(second.version).toBe(first.version);
    expect(second.version).toMatch(/^[0-9a-f]{16}$/);
    // A health-only change to a node elsewhere changes nothing routable.
    await db.node.update({ where: { id: ids.fra1 }, data: { lastHeartbeatAt: new Date() } });
    expect((await buildRouteSnapshot(db, new Date())).version).toBe(first.version);

    await db.replica.update({ where: { id: ids.loading }, data: { state: 'READY' } });
    const third = await buildRouteSnapshot(db, new Date());
    expect(third.version).not.toBe(first.version);
    expect(euOf(third).replicas.map((r) => r.id)).toContain(ids.loading);

    await db.rttMeasurement.update({
      where: { metroId_siteId: { metroId: 'frankfurt', siteId: ids.fraSite } },
      data: { rttMs: 2.5 },
    });
    const fourth = await buildRouteSnapshot(db, new Date());
    expect(fourth.version).not.toBe(third.version);
    expect(fourth.rttMs.frankfurt?.[ids.fraSite]).toBe(2.5);
  });
});
