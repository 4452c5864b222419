import { createTestDatabase, type TestDatabase } from '@aigrid/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Caller, type Fixture } from '../testing/fixtures';
import { crossTenant, expectCode } from '../testing/tenancy';
import {
  freshOrg,
  placeReplica,
  rivalCallers,
  siteInput,
  TEST_LIMITS,
  unique,
} from './capacity-test-data';

let t: TestDatabase;
let f: Fixture;
let owner: Caller;
/** A site of acme's, with a node, that the rival attacks. */
let acmeSite: { id: string; name: string };

beforeAll(async () => {
  t = await createTestDatabase();
  f = await createFixture(t.prisma);
  owner = await f.asUser(f.acme.users.OWNER, { limits: TEST_LIMITS });
  acmeSite = await owner.site.create(siteInput({ name: 'acme-frankfurt-1' }));
  await owner.node.create({ siteId: acmeSite.id, name: 'gpu-1', gpuTypeId: 'L40S', gpuCount: 4 });
});
afterAll(() => t.drop());
/** The fixture, for the cross-tenant tests (created in beforeAll). */
const fixture = () => f;

describe('site', () => {
  it('creates a site at the metro centre by default, with its row and audit row', async () => {
    const site = await owner.site.create(
      siteInput({ name: 'paris-1', metroId: 'paris', countryCode: 'fr', uplinkGbps: 400 }),
    );
    expect(site).toMatchObject({
      name: 'paris-1',
      metroId: 'paris',
      countryCode: 'FR',
      lat: 48.8566,
      lon: 2.3522,
      jurisdictions: ['EU', 'GDPR'],
      uplinkGbps: 400,
      egressPricePerGbMicros: 20_000,
      nodeCount: 0,
    });
    const row = await t.prisma.site.findUniqueOrThrow({ where: { id: site.id } });
    expect(row.organizationId).toBe(f.acme.id);
    expect(row.egressPriceMicrosPerGb).toBe(20_000n);
    const audit = await t.prisma.auditLog.findMany({ where: { targetId: site.id } });
    expect(audit).toMatchObject([
      { action: 'site.create', organizationId: f.acme.id, actorUserId: f.acme.users.OWNER },
    ]);

    const placed = await owner.site.create(siteInput({ lat: -33.5, lon: 151.25 }));
    expect([placed.lat, placed.lon]).toEqual([-33.5, 151.25]);
  });

  it('lets builders and provisioning keys write, and everyone in the org read', async () => {
    const billing = await f.asUser(f.acme.users.BILLING);
    const refused = await expectCode(billing.site.create(siteInput()), 'FORBIDDEN');
    expect(refused.message).toMatch(/billing/);
    await expectCode(billing.site.update({ id: acmeSite.id, uplinkGbps: 1 }), 'FORBIDDEN');
    await expectCode(billing.site.delete({ id: acmeSite.id }), 'FORBIDDEN');
    expect((await billing.site.get({ id: acmeSite.id })).name).toBe(acmeSite.name);

    const readKey = await f.asKey(f.acme.keys.read);
    const noScope = await expectCode(readKey.site.create(siteInput()), 'FORBIDDEN');
    expect(noScope.message).toMatch(/provisioning/);
    expect((await readKey.site.list({})).items.map((s) => s.id)).toContain(acmeSite.id);
    await expectCode((await f.asKey(f.acme.keys.inference)).site.list({}), 'FORBIDDEN');

    const viaKey = await (
      await f.asKey(f.acme.keys.provisioning)
    ).site.create(siteInput({ name: 'by-key' }));
    const audit = await t.prisma.auditLog.findFirstOrThrow({ where: { targetId: viaKey.id } });
    expect(audit.actorApiKeyId).not.toBeNull();
    expect(audit.actorUserId).toBeNull();

    const member = await f.asUser(f.acme.users.MEMBER);
    expect((await member.site.create(siteInput({ name: 'by-member' }))).name).toBe('by-member');
  });

  it('is for operator organisations only', async () => {
    const developer = await freshOrg(f, ['DEVELOPER']);
    const err = await expectCode(developer.caller.site.create(siteInput()), 'FORBIDDEN');
    expect(err.message).toMatch(/operator organisation/);
    await expectCode(developer.caller.site.list({}), 'FORBIDDEN');
  });

  it('rejects bad input naming the field, and writes nothing', async () => {
    const before = await t.prisma.site.count();
    const auditBefore = await t.prisma.auditLog.count();
    const cases: [Parameters<typeof siteInput>[0], RegExp][] = [
      [{ countryCode: 'XX' }, /countryCode/],
      [{ lat: 91 }, /lat: must be between -90 and 90/],
      [{ lon: -180.5 }, /lon/],
      [{ egressPricePerGbMicros: -1 }, /egressPricePerGbMicros: must not be negative/],
      [{ egressPricePerGbMicros: 1.5 }, /egressPricePerGbMicros/],
      [{ jurisdictions: [] }, /jurisdictions: must name at least one/],
      [{ jurisdictions: ['NARNIA'] }, /jurisdictions/],
      [{ uplinkGbps: 0 }, /uplinkGbps: must be more than 0/],
      [{ name: '  ' }, /name: must not be empty/],
      [{ metroId: 'atlantis' }, /metroId: unknown metro "atlantis"/],
    ];
    for (const [input, message] of cases) {
      const err = await expectCode(owner.site.create(siteInput(input)), 'BAD_REQUEST');
      expect(err.message).toMatch(message);
    }
    expect(await t.prisma.site.count()).toBe(before);
    expect(await t.prisma.auditLog.count()).toBe(auditBefore);
  });

  it('refuses a second site of the same name in an organisation, not across them', async () => {
    const err = await expectCode(owner.site.create(siteInput({ name: acmeSite.name })), 'CONFLICT');
    expect(err.message).toMatch(/already has a site named/);
    const other = await owner.site.create(siteInput());
    await expectCode(owner.site.update({ id: other.id, name: acmeSite.name }), 'CONFLICT');
    const fresh = await freshOrg(f);
    expect((await fresh.caller.site.create(siteInput({ name: acmeSite.name }))).name).toBe(
      acmeSite.name,
    );
  });

  it('returns the first result for a retried create with the same idempotency key', async () => {
    const input = siteInput({ name: 'retried', idempotencyKey: 'site-create-retry-1' });
    const first = await owner.site.create(input);
    const second = await owner.site.create(input);
    expect(second).toEqual(first);
    expect(await t.prisma.site.count({ where: { name: 'retried' } })).toBe(1);
    await expectCode(owner.site.create({ ...input, uplinkGbps: 1 }), 'CONFLICT');
  });

  it('pages through sites', async () => {
    const fresh = await freshOrg(f);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await fresh.caller.site.create(siteInput())).id);
    const first = await fresh.caller.site.list({ limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const second = await fresh.caller.site.list({ limit: 2, cursor: first.nextCursor! });
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect([...first.items, ...second.items].map((s) => s.id).sort()).toEqual(ids.sort());
  });

  it('counts nodes and updates the fields given', async () => {
    expect((await owner.site.get({ id: acmeSite.id })).nodeCount).toBe(1);
    const site = await owner.site.create(siteInput());
    const updated = await owner.site.update({
      id: site.id,
      name: 'renamed',
      jurisdictions: ['us', 'HIPAA', 'US'],
      uplinkGbps: 10,
      egressPricePerGbMicros: 0,
    });
    expect(updated).toMatchObject({
      name: 'renamed',
      jurisdictions: ['US', 'HIPAA'],
      uplinkGbps: 10,
      egressPricePerGbMicros: 0,
      metroId: site.metroId,
    });
    const row = await t.prisma.site.findUniqueOrThrow({ where: { id: site.id } });
    expect(row.egressPriceMicrosPerGb).toBe(0n);
    const err = await expectCode(
      owner.site.update({ id: site.id, egressPricePerGbMicros: -5 }),
      'BAD_REQUEST',
    );
    expect(err.message).toMatch(/egressPricePerGbMicros/);
    expect(await owner.site.update({ id: site.id })).toEqual(updated);
    const audit = await t.prisma.auditLog.findMany({
      where: { targetId: site.id },
      orderBy: { id: 'asc' },
    });
    expect(audit.map((a) => a.action)).toEqual(['site.create', 'site.update']);
  });

  it('deletes a site with its nodes only once none of them runs a replica', async () => {
    const site = await owner.site.create(siteInput());
    const { node } = await owner.node.create({
      siteId: site.id,
      name: 'n1',
      gpuTypeId: 'H100',
      gpuCount: 8,
    });
    const replica = await placeReplica(f, node.id, 'READY');
    const err = await expectCode(owner.site.delete({ id: site.id }), 'PRECONDITION_FAILED');
    expect(err.message).toMatch(/1 active replica/);
    expect(await t.prisma.site.count({ where: { id: site.id } })).toBe(1);

    await t.prisma.replica.update({ where: { id: replica.id }, data: { state: 'RELEASED' } });
    expect(await owner.site.delete({ id: site.id })).toEqual({ id: site.id });
    expect(await t.prisma.site.count({ where: { id: site.id } })).toBe(0);
    expect(await t.prisma.node.count({ where: { id: node.id } })).toBe(0);
    const audit = await t.prisma.auditLog.findFirstOrThrow({
      where: { targetId: site.id, action: 'site.delete' },
    });
    expect(audit.organizationId).toBe(f.acme.id);
    await expectCode(owner.site.get({ id: site.id }), 'NOT_FOUND');
  });
});

describe('site across tenants', () => {
  crossTenant('site.create', fixture, async (f) => {
    for (const rival of await rivalCallers(f, { claimAcme: true })) {
      await expectCode(rival.site.create(siteInput()), 'NOT_FOUND');
    }
    // A site of the same name in the rival's own organisation is the rival's.
    const [user] = await rivalCallers(f);
    const own = await user!.site.create(siteInput({ name: acmeSite.name }));
    const row = await f.db.site.findUniqueOrThrow({ where: { id: own.id } });
    expect(row.organizationId).toBe(f.rival.id);
  });
  crossTenant('site.list', fixture, async (f) => {
    const acmeIds = (await f.db.site.findMany({ where: { organizationId: f.acme.id } })).map(
      (s) => s.id,
    );
    expect(acmeIds).toContain(acmeSite.id);
    for (const rival of await rivalCallers(f)) {
      const items = (await rival.site.list({ limit: 100 })).items;
      expect(items.filter((s) => acmeIds.includes(s.id))).toEqual([]);
    }
    for (const rival of await rivalCallers(f, { claimAcme: true })) {
      await expectCode(rival.site.list({}), 'NOT_FOUND');
    }
  });
  crossTenant('site.get', fixture, async (f) => {
    for (const rival of [
      ...(await rivalCallers(f)),
      ...(await rivalCallers(f, { claimAcme: true })),
    ]) {
      await expectCode(rival.site.get({ id: acmeSite.id }), 'NOT_FOUND');
    }
  });
  crossTenant('site.update', fixture, async (f) => {
    for (const rival of [
      ...(await rivalCallers(f)),
      ...(await rivalCallers(f, { claimAcme: true })),
    ]) {
      await expectCode(
        rival.site.update({ id: acmeSite.id, name: unique('hijacked'), uplinkGbps: 1 }),
        'NOT_FOUND',
      );
    }
  });
  crossTenant('site.delete', fixture, async (f) => {
    for (const rival of [
      ...(await rivalCallers(f)),
      ...(await rivalCallers(f, { claimAcme: true })),
    ]) {
      await expectCode(rival.site.delete({ id: acmeSite.id }), 'NOT_FOUND');
    }
    expect(await f.db.site.count({ where: { id: acmeSite.id } })).toBe(1);
  });
});
