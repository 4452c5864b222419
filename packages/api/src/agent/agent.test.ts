import { createTestDatabase, type TestDatabase } from '@aigrid/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../testing/fixtures';
import { enrolAgent } from './enrol-agent';
import { HEALTH_SAMPLE_MS, ingestHeartbeat } from './ingest-heartbeat';

let t: TestDatabase;
let f: Fixture;
let siteId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  f = await createFixture(t.prisma);
  const owner = await f.asUser(f.acme.users.OWNER);
  siteId = (
    await owner.site.create({
      name: 'Frankfurt-POP-9',
      metroId: 'frankfurt',
      countryCode: 'DE',
      jurisdictions: ['EU'],
      uplinkGbps: 100,
      egressPricePerGbMicros: 10_000,
    })
  ).id;
});
afterAll(() => t.drop());

async function newNode(name: string) {
  const owner = await f.asUser(f.acme.users.OWNER);
  return owner.node.create({ siteId, name, gpuTypeId: 'L40S', gpuCount: 4 });
}

const beat = (nodeId: string, extra: Record<string, unknown> = {}) => ({
  nodeId,
  engineUp: true,
  requestsRunning: 3,
  requestsWaiting: 1,
  kvCacheUsage: 0.42,
  gpuUtilization: 0.7,
  ttftP50Ms: 35,
  ttftP95Ms: 80,
  replicas: [],
  ...extra,
});

describe('agent enrolment and heartbeats', () => {
  it('enrols once with the token, then heartbeats make the node healthy', async () => {
    const { node, enrolmentToken } = await newNode('fra9-gpu-1');
    const now = new Date();
    const enrolled = await enrolAgent(
      t.prisma,
      enrolmentToken,
      { gpus: { gpuTypeId: 'L40S', gpuCount: 4 }, agentUrl: 'http://10.0.0.9:9400' },
      now,
    );
    expect(enrolled.ok).toBe(true);
    if (!enrolled.ok) return;
    expect(enrolled.value).toMatchObject({ nodeId: node.id, taskQueue: `node.${node.id}` });
    const row = await t.prisma.node.findUniqueOrThrow({ where: { id: node.id } });
    expect(row.enrolledAt).toEqual(now);
    expect(JSON.stringify(row)).not.toContain(enrolled.value.agentSecret);

    // The token is good for one enrolment only.
    const again = await enrolAgent(
      t.prisma,
      enrolmentToken,
      { gpus: { gpuTypeId: 'L40S', gpuCount: 4 } },
      now,
    );
    expect(again).toMatchObject({ ok: false, status: 401 });

    const reply = await ingestHeartbeat(t.prisma, enrolled.value.agentSecret, beat(node.id), now);
    expect(reply).toEqual({ ok: true, value: { status: 'HEALTHY', drainRequested: false } });
    const healthy = await t.prisma.node.findUniqueOrThrow({ where: { id: node.id } });
    expect(healthy.status).toBe('HEALTHY');
    expect(healthy.lastHeartbeatAt).toEqual(now);

    // Downsampled: a second beat within the sample period updates the node, adds no row.
    const soon = new Date(now.getTime() + 5_000);
    await ingestHeartbeat(
      t.prisma,
      enrolled.value.agentSecret,
      beat(node.id, { engineUp: false }),
      soon,
    );
    const later = new Date(now.getTime() + HEALTH_SAMPLE_MS + 1);
    await ingestHeartbeat(t.prisma, enrolled.value.agentSecret, beat(node.id), later);
    const samples = await t.prisma.nodeHealth.findMany({
      where: { nodeId: node.id },
      orderBy: { at: 'asc' },
    });
    expect(samples.map((s) => s.at)).toEqual([now, later]);
    expect(samples[0]).toMatchObject({ requestsRunning: 3, kvCacheUsage: 0.42, ttftP95Ms: 80 });

    // A drain requested in the console reaches the agent in the next heartbeat.
    await (await f.asUser(f.acme.users.OWNER)).node.requestDrain({ id: node.id });
    const drained = await ingestHeartbeat(
      t.prisma,
      enrolled.value.agentSecret,
      beat(node.id),
      later,
    );
    expect(drained).toEqual({ ok: true, value: { status: 'DRAINING', drainRequested: true } });
  });

  it('records the URL of each replica it runs, for replicas placed on that node only', async () => {
    const a = await newNode('fra9-gpu-6');
    const b = await newNode('fra9-gpu-7');
    const e = await enrolAgent(
      t.prisma,
      a.enrolmentToken,
      { gpus: { gpuTypeId: 'L40S', gpuCount: 4 } },
      new Date(),
    );
    if (!e.ok) throw new Error(e.message);
    const endpoint = await t.prisma.endpoint.create({
      data: {
        organizationId: f.acme.id,
        name: 'replica-urls',
        modelId: 'llama-3.1-8b-instruct',
        sloTtftP95Ms: 300,
        jurisdictions: ['EU'],
        expectedRps: 1,
      },
    });
    const mine = await t.prisma.replica.create({
      data: { endpointId: endpoint.id, nodeId: a.node.id, gpuCount: 1, idempotencyKey: 'mine' },
    });
    const other = await t.prisma.replica.create({
      data: { endpointId: endpoint.id, nodeId: b.node.id, gpuCount: 1, idempotencyKey: 'other' },
    });
    const replicas = [mine, other].map((r) => ({
      replicaId: r.id,
      modelId: 'llama-3.1-8b-instruct',
      url: 'http://10.0.0.9:18000',
      healthy: true,
    }));
    const reply = await ingestHeartbeat(
      t.prisma,
      e.value.agentSecret,
      beat(a.node.id, { replicas }),
      new Date(),
    );
    expect(reply.ok).toBe(true);
    expect((await t.prisma.replica.findUniqueOrThrow({ where: { id: mine.id } })).url).toBe(
      'http://10.0.0.9:18000',
    );
    expect((await t.prisma.replica.findUniqueOrThrow({ where: { id: other.id } })).url).toBeNull();
  });

  it('reports an unhealthy engine as degraded', async () => {
    const { node, enrolmentToken } = await newNode('fra9-gpu-2');
    const e = await enrolAgent(
      t.prisma,
      enrolmentToken,
      { gpus: { gpuTypeId: 'L40S', gpuCount: 4 } },
      new Date(),
    );
    if (!e.ok) throw new Error(e.message);
    const reply = await ingestHeartbeat(
      t.prisma,
      e.value.agentSecret,
      beat(node.id, { engineUp: false }),
      new Date(),
    );
    expect(reply).toMatchObject({ ok: true, value: { status: 'DEGRADED' } });
  });

  it('refuses a wrong token, a GPU mismatch and bad payloads, changing nothing', async () => {
    const { node, enrolmentToken } = await newNode('fra9-gpu-3');
    const now = new Date();
    expect(
      await enrolAgent(
        t.prisma,
        'agn_wrong-token-value',
        { gpus: { gpuTypeId: 'L40S', gpuCount: 4 } },
        now,
      ),
    ).toMatchObject({ ok: false, status: 401 });
    expect(await enrolAgent(t.prisma, null, {}, now)).toMatchObject({ ok: false, status: 401 });
    const mismatch = await enrolAgent(
      t.prisma,
      enrolmentToken,
      { gpus: { gpuTypeId: 'H100', gpuCount: 4 } },
      now,
    );
    expect(mismatch).toMatchObject({ ok: false, status: 409 });
    if (!mismatch.ok) expect(mismatch.message).toMatch(/4 × L40S.*4 × H100/);
    const bad = await enrolAgent(
      t.prisma,
      enrolmentToken,
      { gpus: { gpuTypeId: 'L40S', gpuCount: 0 } },
      now,
    );
    expect(bad).toMatchObject({ ok: false, status: 400 });
    if (!bad.ok) expect(bad.message).toMatch(/^gpus.gpuCount/);
    const row = await t.prisma.node.findUniqueOrThrow({ where: { id: node.id } });
    expect(row.enrolledAt).toBeNull();
    expect(row.agentSecretHash).toBeNull();
  });

  it('refuses heartbeats for a node the credential does not own, and after re-enrolment', async () => {
    const a = await newNode('fra9-gpu-4');
    const b = await newNode('fra9-gpu-5');
    const ea = await enrolAgent(
      t.prisma,
      a.enrolmentToken,
      { gpus: { gpuTypeId: 'L40S', gpuCount: 4 } },
      new Date(),
    );
    if (!ea.ok) throw new Error(ea.message);
    const forged = await ingestHeartbeat(
      t.prisma,
      ea.value.agentSecret,
      beat(b.node.id),
      new Date(),
    );
    expect(forged).toMatchObject({ ok: false, status: 403 });
    expect(
      (await t.prisma.node.findUniqueOrThrow({ where: { id: b.node.id } })).lastHeartbeatAt,
    ).toBeNull();
    const malformed = await ingestHeartbeat(
      t.prisma,
      ea.value.agentSecret,
      beat(a.node.id, { kvCacheUsage: 7 }),
      new Date(),
    );
    expect(malformed).toMatchObject({ ok: false, status: 400 });

    // Rotating the node's token in the console cuts off the enrolled agent.
    await (await f.asUser(f.acme.users.OWNER)).node.rotateToken({ id: a.node.id });
    const cut = await ingestHeartbeat(t.prisma, ea.value.agentSecret, beat(a.node.id), new Date());
    expect(cut).toMatchObject({ ok: false, status: 401 });
  });
});
