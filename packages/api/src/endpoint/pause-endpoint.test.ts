import { createTestDatabase, type TestDatabase } from '@aigrid/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GridControl } from '../context';
import { createFixture, type Fixture } from '../testing/fixtures';
import { crossTenant, expectCode } from '../testing/tenancy';
import { endpointSpec, seedMarket } from './endpoint-test-helpers';

let t: TestDatabase;
let f: Fixture;
let market: Awaited<ReturnType<typeof seedMarket>>;
const fixture = () => f;
const limits = { writesPerMinute: 10_000 };

/** Records the calls the API makes to the control plane. */
function recordingControl() {
  const calls: string[] = [];
  const record = (name: keyof GridControl) => async (id: string) => {
    calls.push(`${name}:${id}`);
  };
  const control: GridControl = {
    endpointCreated: record('endpointCreated'),
    endpointUpdated: record('endpointUpdated'),
    endpointPaused: record('endpointPaused'),
    endpointResumed: record('endpointResumed'),
    endpointDeleted: record('endpointDeleted'),
    nodeDrainRequested: record('nodeDrainRequested'),
    nodeDrainCancelled: record('nodeDrainCancelled'),
  };
  return { calls, control };
}

beforeAll(async () => {
  t = await createTestDatabase();
  f = await createFixture(t.prisma);
  market = await seedMarket(t.prisma);
});
afterAll(() => t.drop());

const setStatus = (id: string, status: 'ACTIVE' | 'FAILED' | 'PAUSED') =>
  t.prisma.endpoint.update({ where: { id }, data: { status } });

describe('endpoint.pause and endpoint.resume', () => {
  it('pauses an active endpoint and resumes it, telling the control plane each time', async () => {
    const { calls, control } = recordingControl();
    const owner = await f.asUser(f.acme.users.OWNER, { limits, control });
    const e = await owner.endpoint.create(endpointSpec());
    expect(calls).toEqual([`endpointCreated:${e.id}`]);
    await expectCode(owner.endpoint.pause({ id: e.id }), 'PRECONDITION_FAILED');
    await setStatus(e.id, 'ACTIVE');

    const paused = await owner.endpoint.pause({ id: e.id });
    expect(paused.status).toBe('PAUSED');
    expect(await owner.endpoint.pause({ id: e.id })).toMatchObject({ status: 'PAUSED' });
    const resumed = await owner.endpoint.resume({ id: e.id });
    expect(resumed.status).toBe('PROVISIONING');
    expect(calls).toEqual([
      `endpointCreated:${e.id}`,
      `endpointPaused:${e.id}`,
      `endpointPaused:${e.id}`,
      `endpointResumed:${e.id}`,
    ]);
    const events = await t.prisma.endpointEvent.findMany({
      where: { endpointId: e.id },
      orderBy: { id: 'asc' },
    });
    expect(events.map((ev) => ev.kind)).toEqual(['created', 'paused', 'resumed']);
    const audit = await t.prisma.auditLog.findMany({
      where: { targetId: e.id, action: { in: ['endpoint.pause', 'endpoint.resume'] } },
    });
    expect(audit).toHaveLength(2);
  });

  it('retries a failed endpoint, clearing why it failed; members of the READ scope cannot', async () => {
    const owner = await f.asUser(f.acme.users.OWNER, { limits });
    const e = await owner.endpoint.create(endpointSpec());
    await t.prisma.endpoint.update({
      where: { id: e.id },
      data: { status: 'FAILED', failureReason: 'No EU site within 50 ms of warsaw.' },
    });
    const got = await owner.endpoint.get({ id: e.id });
    expect(got.failureReason).toBe('No EU site within 50 ms of warsaw.');
    await expectCode((await f.asKey(f.acme.keys.read)).endpoint.resume({ id: e.id }), 'FORBIDDEN');
    await owner.endpoint.resume({ id: e.id });
    const row = await t.prisma.endpoint.findUniqueOrThrow({ where: { id: e.id } });
    expect(row).toMatchObject({ status: 'PROVISIONING', failureReason: null });
  });

  it('returns the provisioning steps since the latest create or resume, oldest first', async () => {
    const owner = await f.asUser(f.acme.users.OWNER, { limits });
    const e = await owner.endpoint.create(endpointSpec());
    for (const message of ['Placing.', 'Reserved.']) {
      await t.prisma.endpointEvent.create({ data: { endpointId: e.id, kind: 'step', message } });
    }
    expect((await owner.endpoint.get({ id: e.id })).steps.map((s) => s.message)).toEqual([
      'Placing.',
      'Reserved.',
    ]);
    await setStatus(e.id, 'PAUSED');
    await owner.endpoint.resume({ id: e.id });
    await t.prisma.endpointEvent.create({
      data: { endpointId: e.id, kind: 'step', message: 'Again.' },
    });
    expect((await owner.endpoint.get({ id: e.id })).steps.map((s) => s.message)).toEqual([
      'Again.',
    ]);
  });

  it('leaves a decommissioned endpoint with running replicas DECOMMISSIONING for the workflow', async () => {
    const { calls, control } = recordingControl();
    const owner = await f.asUser(f.acme.users.OWNER, { limits, control });
    const e = await owner.endpoint.create(endpointSpec());
    const node = await t.prisma.node.create({
      data: {
        organizationId: market.operatorId,
        siteId: market.frankfurt.id,
        name: `fra-gpu-${e.id}`,
        gpuTypeId: 'L40S',
        gpuCount: 4,
        gpuMemoryGb: 48,
      },
    });
    await t.prisma.replica.create({
      data: {
        endpointId: e.id,
        nodeId: node.id,
        gpuCount: 1,
        state: 'READY',
        idempotencyKey: `k-${e.id}`,
      },
    });
    expect((await owner.endpoint.delete({ id: e.id })).status).toBe('DECOMMISSIONING');
    expect(calls).toContain(`endpointDeleted:${e.id}`);
    await expectCode(owner.endpoint.resume({ id: e.id }), 'PRECONDITION_FAILED');
  });
});

describe('pause and resume across tenants', () => {
  let victim: { id: string };
  let pausedVictim: { id: string };
  beforeAll(async () => {
    const owner = await f.asUser(f.acme.users.OWNER, { limits });
    victim = await owner.endpoint.create(endpointSpec());
    await setStatus(victim.id, 'ACTIVE');
    pausedVictim = await owner.endpoint.create(endpointSpec());
    await setStatus(pausedVictim.id, 'PAUSED');
  });
  const attackers = async (f: Fixture) => [
    await f.asUser(f.rival.owner, { limits }),
    await f.asKey(f.rival.key, { limits }),
    await f.asUser(f.rival.owner, { limits, org: f.acme.id }),
  ];

  crossTenant('endpoint.pause', fixture, async (f) => {
    for (const rival of await attackers(f)) {
      await expectCode(rival.endpoint.pause({ id: victim.id }), 'NOT_FOUND');
    }
    expect((await f.db.endpoint.findUniqueOrThrow({ where: { id: victim.id } })).status).toBe(
      'ACTIVE',
    );
  });

  crossTenant('endpoint.resume', fixture, async (f) => {
    for (const rival of await attackers(f)) {
      await expectCode(rival.endpoint.resume({ id: pausedVictim.id }), 'NOT_FOUND');
    }
    const row = await f.db.endpoint.findUniqueOrThrow({ where: { id: pausedVictim.id } });
    expect(row.status).toBe('PAUSED');
  });
});
