import { createTestDatabase, type TestDatabase } from '@aigrid/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../testing/fixtures';
import { crossTenant, expectCode } from '../testing/tenancy';
import { endpointSpec, seedMarket } from './endpoint-test-helpers';

let t: TestDatabase;
let f: Fixture;
const fixture = () => f;
const limits = { writesPerMinute: 10_000 };
let market: Awaited<ReturnType<typeof seedMarket>>;

beforeAll(async () => {
  t = await createTestDatabase();
  f = await createFixture(t.prisma);
  market = await seedMarket(t.prisma);
});
afterAll(() => t.drop());

const owner = () => f.asUser(f.acme.users.OWNER, { limits });
const create = async (over: Record<string, unknown> = {}) =>
  (await owner()).endpoint.create(endpointSpec(over));

describe('endpoint.list and endpoint.get', () => {
  it('lists the organisation’s endpoints page by page, filtered by status', async () => {
    const made = [await create(), await create(), await create()];
    await (await owner()).endpoint.delete({ id: made[2]!.id });
    const reader = await f.asKey(f.acme.keys.read);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await reader.endpoint.list({ limit: 2, cursor });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const all = await t.prisma.endpoint.findMany({
      where: { organizationId: f.acme.id },
      orderBy: { id: 'asc' },
    });
    expect(seen).toEqual(all.map((e) => e.id));

    const retired = await reader.endpoint.list({ status: 'DECOMMISSIONED' });
    expect(retired.items.map((e) => e.id)).toContain(made[2]!.id);
    expect(retired.items.every((e) => e.status === 'DECOMMISSIONED')).toBe(true);
    const live = await (
      await f.asUser(f.acme.users.BILLING)
    ).endpoint.list({
      status: 'PROVISIONING',
    });
    expect(live.items.map((e) => e.id)).toEqual(expect.arrayContaining([made[0]!.id, made[1]!.id]));
    expect(live.items.map((e) => e.id)).not.toContain(made[2]!.id);
  });

  it('gets the endpoint with its latest events first and its replicas', async () => {
    const e = await create();
    await (await owner()).endpoint.update({ id: e.id, expectedRps: 9 });
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
    const replica = await t.prisma.replica.create({
      data: {
        endpointId: e.id,
        nodeId: node.id,
        gpuCount: 1,
        state: 'READY',
        idempotencyKey: `r-${e.id}`,
      },
    });
    const got = await (await f.asUser(f.acme.users.BILLING)).endpoint.get({ id: e.id });
    expect(got.id).toBe(e.id);
    expect(got.expectedRps).toBe(9);
    expect(got.events.map((ev) => ev.kind)).toEqual(['updated', 'created']);
    expect(got.events[0]!.message).toMatch(/expectedRps/);
    expect(got.replicas).toEqual([
      { id: replica.id, nodeId: node.id, siteName: 'FRA-1', state: 'READY' },
    ]);
    const fresh = await create();
    expect((await (await owner()).endpoint.get({ id: fresh.id })).replicas).toEqual([]);
    await expectCode((await owner()).endpoint.get({ id: 'no-such-endpoint' }), 'NOT_FOUND');
  });
});

describe('endpoint.update', () => {
  it('changes what is given, records what changed, and checks the result', async () => {
    const e = await create({ budgetMicrosPerMonth: 1_000_000 });
    const updated = await (
      await f.asKey(f.acme.keys.provisioning)
    ).endpoint.update({
      id: e.id,
      sloTtftP95Ms: 150,
      demand: [
        { metroId: 'paris', weight: 1 },
        { metroId: 'amsterdam', weight: 4 },
      ],
      budgetMicrosPerMonth: null,
    });
    expect(updated).toMatchObject({
      name: e.name,
      sloTtftP95Ms: 150,
      demand: [
        { metroId: 'amsterdam', weight: 0.8 },
        { metroId: 'paris', weight: 0.2 },
      ],
      budgetMicrosPerMonth: null,
      expectedRps: e.expectedRps,
    });
    const demands = await t.prisma.endpointDemand.findMany({
      where: { endpointId: e.id },
      orderBy: { metroId: 'asc' },
    });
    expect(demands.map((d) => [d.metroId, d.weightBp])).toEqual([
      ['amsterdam', 8000],
      ['paris', 2000],
    ]);
    const event = await t.prisma.endpointEvent.findFirstOrThrow({
      where: { endpointId: e.id, kind: 'updated' },
    });
    expect(Object.keys(event.data as object).sort()).toEqual([
      'budgetMicrosPerMonth',
      'demand',
      'sloTtftP95Ms',
    ]);
    expect((event.data as Record<string, unknown>).sloTtftP95Ms).toEqual({ from: 200, to: 150 });
    const audit = await t.prisma.auditLog.findMany({
      where: { targetId: e.id, action: 'endpoint.update' },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorApiKeyId).not.toBeNull();

    // Sending the current values changes nothing and records nothing.
    const same = await (await owner()).endpoint.update({ id: e.id, sloTtftP95Ms: 150 });
    expect(same.updatedAt).toEqual(updated.updatedAt);
    expect(await t.prisma.endpointEvent.count({ where: { endpointId: e.id } })).toBe(2);
  });

  it('re-checks physics and names, and writes nothing when refused', async () => {
    const e = await create();
    const other = await create();
    const caller = await owner();
    const before = await t.prisma.endpoint.findUniqueOrThrow({
      where: { id: e.id },
      include: { demands: true, events: true },
    });
    const noSite = await expectCode(
      caller.endpoint.update({ id: e.id, jurisdictions: ['EU', 'HIPAA'] }),
      'BAD_REQUEST',
    );
    expect(noSite.message).toMatch(/sloTtftP95Ms/);
    const far = await expectCode(
      caller.endpoint.update({
        id: e.id,
        sloTtftP95Ms: 50,
        demand: [{ metroId: 'tokyo', weight: 1 }],
      }),
      'BAD_REQUEST',
    );
    expect(far.message).toMatch(
      /sloTtftP95Ms: 50 ms is below the physical limit .*tokyo ≥ \d+\.\d ms/,
    );
    await expectCode(caller.endpoint.update({ id: e.id, jurisdictions: [] }), 'BAD_REQUEST');
    await expectCode(caller.endpoint.update({ id: e.id, budgetMicrosPerMonth: -5 }), 'BAD_REQUEST');
    const taken = await expectCode(
      caller.endpoint.update({ id: e.id, name: other.name }),
      'CONFLICT',
    );
    expect(taken.message).toMatch(/^name: /);
    const billing = await f.asUser(f.acme.users.BILLING);
    await expectCode(billing.endpoint.update({ id: e.id, expectedRps: 1 }), 'FORBIDDEN');
    const after = await t.prisma.endpoint.findUniqueOrThrow({
      where: { id: e.id },
      include: { demands: true, events: true },
    });
    expect(after).toEqual(before);
  });

  it('refuses to change a decommissioned endpoint', async () => {
    const e = await create();
    await (await owner()).endpoint.delete({ id: e.id });
    const err = await expectCode(
      (await owner()).endpoint.update({ id: e.id, expectedRps: 2 }),
      'PRECONDITION_FAILED',
    );
    expect(err.message).toMatch(/decommissioned/);
  });
});

describe('endpoint.delete', () => {
  it('decommissions once, keeps the row, and is safe to repeat', async () => {
    const e = await create();
    const caller = await f.asUser(f.acme.users.MEMBER, { limits });
    const first = await caller.endpoint.delete({ id: e.id });
    expect(first.status).toBe('DECOMMISSIONED');
    const second = await caller.endpoint.delete({ id: e.id });
    expect(second).toEqual(first);
    const row = await t.prisma.endpoint.findUniqueOrThrow({
      where: { id: e.id },
      include: { events: { orderBy: { id: 'asc' } } },
    });
    expect(row.status).toBe('DECOMMISSIONED');
    expect(row.events.map((ev) => ev.kind)).toEqual(['created', 'decommissioned']);
    const audit = await t.prisma.auditLog.findMany({
      where: { targetId: e.id, action: 'endpoint.delete' },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorUserId).toBe(f.acme.users.MEMBER);
    await expectCode((await f.asKey(f.acme.keys.read)).endpoint.delete({ id: e.id }), 'FORBIDDEN');
  });
});

describe('endpoint across tenants', () => {
  let victim: { id: string; name: string };
  beforeAll(async () => {
    victim = await create();
  });
  const attackers = async (f: Fixture) => [
    await f.asUser(f.rival.owner, { limits }),
    await f.asKey(f.rival.key, { limits }),
  ];

  crossTenant('endpoint.create', fixture, async (f) => {
    for (const rival of [
      await f.asUser(f.rival.owner, { org: f.acme.id }),
      await f.asKey(f.rival.key, { org: f.acme.id }),
    ]) {
      await expectCode(rival.endpoint.create(endpointSpec()), 'NOT_FOUND');
    }
    // Without the header, the rival's endpoint lands in the rival's organisation, even when
    // it takes the same name as acme's.
    const own = await (
      await f.asKey(f.rival.key)
    ).endpoint.create(endpointSpec({ name: victim.name }));
    const row = await t.prisma.endpoint.findUniqueOrThrow({ where: { id: own.id } });
    expect(row.organizationId).toBe(f.rival.id);
  });

  crossTenant('endpoint.list', fixture, async (f) => {
    const acmeIds = (await f.db.endpoint.findMany({ where: { organizationId: f.acme.id } })).map(
      (e) => e.id,
    );
    expect(acmeIds).toContain(victim.id);
    for (const rival of await attackers(f)) {
      const page = await rival.endpoint.list({ limit: 100 });
      expect(page.items.filter((e) => acmeIds.includes(e.id))).toEqual([]);
      const provisioning = await rival.endpoint.list({ status: 'PROVISIONING', limit: 100 });
      expect(provisioning.items.filter((e) => acmeIds.includes(e.id))).toEqual([]);
    }
    await expectCode(
      (await f.asUser(f.rival.owner, { org: f.acme.id })).endpoint.list({}),
      'NOT_FOUND',
    );
  });

  crossTenant('endpoint.get', fixture, async (f) => {
    for (const rival of await attackers(f)) {
      await expectCode(rival.endpoint.get({ id: victim.id }), 'NOT_FOUND');
    }
    await expectCode(
      (await f.asUser(f.rival.owner, { org: f.acme.id })).endpoint.get({ id: victim.id }),
      'NOT_FOUND',
    );
  });

  crossTenant('endpoint.update', fixture, async (f) => {
    for (const rival of await attackers(f)) {
      await expectCode(
        rival.endpoint.update({ id: victim.id, name: 'pwned', sloTtftP95Ms: 900 }),
        'NOT_FOUND',
      );
    }
    await expectCode(
      (await f.asKey(f.rival.key, { org: f.acme.id })).endpoint.update({
        id: victim.id,
        expectedRps: 1,
      }),
      'NOT_FOUND',
    );
  });

  crossTenant('endpoint.delete', fixture, async (f) => {
    for (const rival of await attackers(f)) {
      await expectCode(rival.endpoint.delete({ id: victim.id }), 'NOT_FOUND');
    }
    await expectCode(
      (await f.asUser(f.rival.owner, { org: f.acme.id })).endpoint.delete({ id: victim.id }),
      'NOT_FOUND',
    );
    const row = await f.db.endpoint.findUniqueOrThrow({ where: { id: victim.id } });
    expect(row.status).toBe('PROVISIONING');
  });
});
