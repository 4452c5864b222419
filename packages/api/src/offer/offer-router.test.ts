import { createTestDatabase, type TestDatabase } from '@aigrid/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshOrg, rivalCallers, siteInput, TEST_LIMITS } from '../site/capacity-test-data';
import { createFixture, type Caller, type Fixture } from '../testing/fixtures';
import { crossTenant, expectCode } from '../testing/tenancy';

let t: TestDatabase;
let f: Fixture;
let owner: Caller;
let siteId: string;
/** acme's offer that the rival attacks. */
let acmeOffer: { id: string };

const HOUR = 3600_000;

beforeAll(async () => {
  t = await createTestDatabase();
  f = await createFixture(t.prisma);
  owner = await f.asUser(f.acme.users.OWNER, { limits: TEST_LIMITS });
  siteId = (await owner.site.create(siteInput())).id;
  acmeOffer = await owner.offer.create(offerInput());
});
afterAll(() => t.drop());
/** The fixture, for the cross-tenant tests (created in beforeAll). */
const fixture = () => f;

function offerInput(overrides: Record<string, unknown> = {}) {
  return {
    siteId,
    gpuTypeId: 'L40S',
    pricePerGpuHourMicros: 1_450_000,
    pricePerMTokensMicros: 180_000,
    capacitySharePct: 70,
    ...overrides,
  };
}

describe('offer', () => {
  it('creates an offer with prices as integers and the share in basis points', async () => {
    const offer = await owner.offer.create(
      offerInput({ modelClass: '8B', capacitySharePct: 12.345, quotaGpus: 6 }),
    );
    expect(offer).toMatchObject({
      siteId,
      gpuTypeId: 'L40S',
      modelClass: '8b',
      pricePerGpuHourMicros: 1_450_000,
      pricePerMTokensMicros: 180_000,
      capacitySharePct: 12.35,
      quotaGpus: 6,
      validTo: null,
    });
    const row = await t.prisma.offer.findUniqueOrThrow({ where: { id: offer.id } });
    expect(row).toMatchObject({
      organizationId: f.acme.id,
      pricePerGpuHourMicros: 1_450_000n,
      pricePerMTokensMicros: 180_000n,
      capacityShareBp: 1235,
    });
    const audit = await t.prisma.auditLog.findMany({ where: { targetId: offer.id } });
    expect(audit).toMatchObject([{ action: 'offer.create', actorUserId: f.acme.users.OWNER }]);

    const open = await owner.offer.create(offerInput({ capacitySharePct: 100 }));
    expect([open.modelClass, open.quotaGpus, open.capacitySharePct]).toEqual([null, null, 100]);
  });

  it('rejects bad input naming the field, and writes nothing', async () => {
    const before = await t.prisma.offer.count();
    const auditBefore = await t.prisma.auditLog.count();
    const now = Date.now();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ pricePerGpuHourMicros: -1 }, /pricePerGpuHourMicros: must not be negative/],
      [{ pricePerMTokensMicros: -100 }, /pricePerMTokensMicros: must not be negative/],
      [{ pricePerGpuHourMicros: 0.5 }, /pricePerGpuHourMicros/],
      [{ capacitySharePct: 0 }, /capacitySharePct: must be more than 0/],
      [{ capacitySharePct: 100.5 }, /capacitySharePct: must be at most 100/],
      [{ capacitySharePct: 0.001 }, /capacitySharePct/],
      [{ quotaGpus: -1 }, /quotaGpus/],
      [{ modelClass: 'a very long class name that nobody uses' }, /modelClass/],
      [{ gpuTypeId: 'Z80' }, /gpuTypeId: unknown GPU type/],
      [{ validTo: new Date(now - HOUR) }, /validTo: must be after validFrom/],
      [
        { validFrom: new Date(now + 2 * HOUR), validTo: new Date(now + HOUR) },
        /validTo: must be after validFrom/,
      ],
    ];
    for (const [input, message] of cases) {
      const err = await expectCode(owner.offer.create(offerInput(input)), 'BAD_REQUEST');
      expect(err.message).toMatch(message);
    }
    await expectCode(owner.offer.create(offerInput({ siteId: 'nope' })), 'NOT_FOUND');
    expect(await t.prisma.offer.count()).toBe(before);
    expect(await t.prisma.auditLog.count()).toBe(auditBefore);
  });

  it('lets builders and provisioning keys write, and read keys only read', async () => {
    const billing = await f.asUser(f.acme.users.BILLING);
    await expectCode(billing.offer.create(offerInput()), 'FORBIDDEN');
    await expectCode(billing.offer.end({ id: acmeOffer.id }), 'FORBIDDEN');
    expect((await billing.offer.get({ id: acmeOffer.id })).id).toBe(acmeOffer.id);
    const readKey = await f.asKey(f.acme.keys.read);
    await expectCode(readKey.offer.create(offerInput()), 'FORBIDDEN');
    await expectCode(readKey.offer.update({ id: acmeOffer.id, quotaGpus: 1 }), 'FORBIDDEN');
    expect((await readKey.offer.list({})).items.map((o) => o.id)).toContain(acmeOffer.id);
    const byKey = await (await f.asKey(f.acme.keys.provisioning)).offer.create(offerInput());
    expect(byKey.siteId).toBe(siteId);
  });

  it('returns the first result for a retried create with the same idempotency key', async () => {
    const input = offerInput({ idempotencyKey: 'offer-create-retry-1', capacitySharePct: 33 });
    const first = await owner.offer.create(input);
    expect(await owner.offer.create(input)).toEqual(first);
    expect(await t.prisma.offer.count({ where: { capacityShareBp: 3300 } })).toBe(1);
    await expectCode(owner.offer.create({ ...input, capacitySharePct: 34 }), 'CONFLICT');
  });

  it('lists offers by site, the active ones only if asked, a page at a time', async () => {
    const fresh = await freshOrg(f);
    const [a, b] = [
      await fresh.caller.site.create(siteInput()),
      await fresh.caller.site.create(siteInput()),
    ];
    const base = { gpuTypeId: 'H100', pricePerGpuHourMicros: 1, pricePerMTokensMicros: 1 };
    const active = await fresh.caller.offer.create({ ...base, siteId: a.id, capacitySharePct: 50 });
    const future = await fresh.caller.offer.create({
      ...base,
      siteId: a.id,
      capacitySharePct: 50,
      validFrom: new Date(Date.now() + HOUR),
    });
    const ended = await fresh.caller.offer.create({ ...base, siteId: a.id, capacitySharePct: 50 });
    await fresh.caller.offer.end({ id: ended.id });
    const other = await fresh.caller.offer.create({ ...base, siteId: b.id, capacitySharePct: 5 });

    const onA = await fresh.caller.offer.list({ siteId: a.id, limit: 2 });
    expect(onA.items).toHaveLength(2);
    const restOnA = await fresh.caller.offer.list({
      siteId: a.id,
      limit: 2,
      cursor: onA.nextCursor!,
    });
    expect(restOnA.nextCursor).toBeNull();
    expect([...onA.items, ...restOnA.items].map((o) => o.id).sort()).toEqual(
      [active.id, future.id, ended.id].sort(),
    );
    const live = await fresh.caller.offer.list({ activeOnly: true });
    expect(live.items.map((o) => o.id).sort()).toEqual([active.id, other.id].sort());
  });

  it('updates an offer that has not ended, and never one that has', async () => {
    const offer = await owner.offer.create(offerInput({ quotaGpus: 4 }));
    const until = new Date(Date.now() + 24 * HOUR);
    const updated = await owner.offer.update({
      id: offer.id,
      pricePerGpuHourMicros: 2_000_000,
      capacitySharePct: 25.5,
      quotaGpus: null,
      validTo: until,
    });
    expect(updated).toMatchObject({
      pricePerGpuHourMicros: 2_000_000,
      pricePerMTokensMicros: 180_000,
      capacitySharePct: 25.5,
      quotaGpus: null,
      validTo: until,
    });
    const row = await t.prisma.offer.findUniqueOrThrow({ where: { id: offer.id } });
    expect([row.pricePerGpuHourMicros, row.capacityShareBp]).toEqual([2_000_000n, 2550]);

    const neg = await expectCode(
      owner.offer.update({ id: offer.id, pricePerMTokensMicros: -1 }),
      'BAD_REQUEST',
    );
    expect(neg.message).toMatch(/pricePerMTokensMicros/);
    const past = await expectCode(
      owner.offer.update({ id: offer.id, validTo: new Date(Date.now() - 1000) }),
      'BAD_REQUEST',
    );
    expect(past.message).toMatch(/validTo/);

    await owner.offer.end({ id: offer.id });
    const err = await expectCode(
      owner.offer.update({ id: offer.id, pricePerGpuHourMicros: 1 }),
      'PRECONDITION_FAILED',
    );
    expect(err.message).toMatch(/create a new offer/);
    const audit = await t.prisma.auditLog.findMany({
      where: { targetId: offer.id },
      orderBy: { id: 'asc' },
    });
    expect(audit.map((a) => a.action)).toEqual(['offer.create', 'offer.update', 'offer.end']);
  });

  it('ends an offer now, once; a future offer ends before it starts', async () => {
    const offer = await owner.offer.create(offerInput());
    const before = Date.now();
    const ended = await owner.offer.end({ id: offer.id });
    expect(ended.validTo!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(ended.validTo!.getTime()).toBeLessThanOrEqual(Date.now());
    expect(await owner.offer.end({ id: offer.id })).toEqual(ended);
    expect(
      await t.prisma.auditLog.count({ where: { targetId: offer.id, action: 'offer.end' } }),
    ).toBe(1);

    const later = await owner.offer.create(
      offerInput({
        validFrom: new Date(Date.now() + HOUR),
        validTo: new Date(Date.now() + 2 * HOUR),
      }),
    );
    const cancelled = await owner.offer.end({ id: later.id });
    expect(cancelled.validTo).toEqual(later.validFrom);
    const live = await owner.offer.list({ activeOnly: true, limit: 100 });
    expect(live.items.map((o) => o.id)).not.toContain(later.id);
  });
});

describe('offer across tenants', () => {
  const everyRival = async (f: Fixture) => [
    ...(await rivalCallers(f)),
    ...(await rivalCallers(f, { claimAcme: true })),
  ];

  crossTenant('offer.create', fixture, async (f) => {
    for (const rival of await everyRival(f)) {
      await expectCode(rival.offer.create(offerInput({ siteId })), 'NOT_FOUND');
    }
    expect(await f.db.offer.count({ where: { siteId, organizationId: f.rival.id } })).toBe(0);
  });
  crossTenant('offer.list', fixture, async (f) => {
    for (const rival of await rivalCallers(f)) {
      const items = (await rival.offer.list({ limit: 100 })).items;
      expect(items.filter((o) => o.id === acmeOffer.id || o.siteId === siteId)).toEqual([]);
      await expectCode(rival.offer.list({ siteId }), 'NOT_FOUND');
    }
    for (const rival of await rivalCallers(f, { claimAcme: true })) {
      await expectCode(rival.offer.list({}), 'NOT_FOUND');
    }
  });
  crossTenant('offer.get', fixture, async (f) => {
    for (const rival of await everyRival(f)) {
      await expectCode(rival.offer.get({ id: acmeOffer.id }), 'NOT_FOUND');
    }
  });
  crossTenant('offer.update', fixture, async (f) => {
    for (const rival of await everyRival(f)) {
      await expectCode(
        rival.offer.update({ id: acmeOffer.id, pricePerGpuHourMicros: 1, quotaGpus: 0 }),
        'NOT_FOUND',
      );
    }
  });
  crossTenant('offer.end', fixture, async (f) => {
    for (const rival of await everyRival(f)) {
      await expectCode(rival.offer.end({ id: acmeOffer.id }), 'NOT_FOUND');
    }
  });
});
