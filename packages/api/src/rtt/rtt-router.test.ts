import { createTestDatabase, type TestDatabase } from '@aigrid/db/testing';
import { METROS } from '@aigrid/db/seed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshOrg, rivalCallers, siteInput, TEST_LIMITS } from '../site/capacity-test-data';
import { createFixture, type Caller, type Fixture } from '../testing/fixtures';
import { crossTenant, expectCode } from '../testing/tenancy';

let t: TestDatabase;
let f: Fixture;
let owner: Caller;
/** acme's site with measurements that the rival attacks. */
let siteId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  f = await createFixture(t.prisma);
  owner = await f.asUser(f.acme.users.OWNER, { limits: TEST_LIMITS });
  siteId = (await owner.site.create(siteInput())).id;
  await owner.rtt.upload({
    measurements: [
      { metroId: 'frankfurt', siteId, rttMs: 1.5 },
      { metroId: 'paris', siteId, rttMs: 11 },
    ],
  });
});
afterAll(() => t.drop());
/** The fixture, for the cross-tenant tests (created in beforeAll). */
const fixture = () => f;

/** acme's measurements, as comparable JSON. */
const acmeRtts = async () =>
  JSON.stringify(
    await t.prisma.rttMeasurement.findMany({
      where: { site: { organizationId: f.acme.id } },
      orderBy: [{ siteId: 'asc' }, { metroId: 'asc' }],
    }),
  );

describe('rtt', () => {
  it('upserts measured RTTs, the last of a metro and site winning, with one audit row', async () => {
    const fresh = await freshOrg(f);
    const site = await fresh.caller.site.create(siteInput());
    await t.prisma.rttMeasurement.create({
      data: { metroId: 'london', siteId: site.id, rttMs: 30, source: 'ESTIMATED' },
    });
    const first = await fresh.caller.rtt.upload({
      measurements: [
        { metroId: 'london', siteId: site.id, rttMs: 14.2 },
        { metroId: 'madrid', siteId: site.id, rttMs: 40 },
        { metroId: 'madrid', siteId: site.id, rttMs: 38.5 },
      ],
    });
    expect(first).toEqual({ upserted: 2 });
    const listed = await fresh.caller.rtt.list();
    expect(listed.map((r) => [r.metroId, r.siteId, r.rttMs, r.source])).toEqual([
      ['london', site.id, 14.2, 'MEASURED'],
      ['madrid', site.id, 38.5, 'MEASURED'],
    ]);
    const audit = await t.prisma.auditLog.findMany({
      where: { organizationId: fresh.id, action: 'rtt.upload' },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorUserId: fresh.userId, data: { measurements: 2 } });
  });

  it('takes up to 5000 measurements in one upload', async () => {
    const fresh = await freshOrg(f);
    const site = await fresh.caller.site.create(siteInput());
    const measurements = Array.from({ length: 5000 }, (_, i) => ({
      metroId: METROS[i % METROS.length]!.id,
      siteId: site.id,
      rttMs: 1 + (i % 1000),
    }));
    expect(await fresh.caller.rtt.upload({ measurements })).toEqual({
      upserted: METROS.length,
    });
    expect(await t.prisma.rttMeasurement.count({ where: { siteId: site.id } })).toBe(METROS.length);
    const tooMany = await expectCode(
      fresh.caller.rtt.upload({ measurements: [...measurements, measurements[0]!] }),
      'BAD_REQUEST',
    );
    expect(tooMany.message).toMatch(/measurements: must hold at most 5000/);
  });

  it('rejects bad input naming the field, and writes nothing', async () => {
    const before = await acmeRtts();
    const auditBefore = await t.prisma.auditLog.count();
    const good = { metroId: 'warsaw', siteId, rttMs: 20 };
    const cases: [Record<string, unknown>[], RegExp][] = [
      [[], /measurements: must hold at least one/],
      [[good, { ...good, rttMs: 0 }], /measurements\.1\.rttMs: must be more than 0/],
      [[{ ...good, rttMs: 2000 }], /measurements\.0\.rttMs: must be less than 2000/],
      [[good, { ...good, metroId: 'gotham' }], /measurements\.1\.metroId: unknown metro "gotham"/],
    ];
    for (const [measurements, message] of cases) {
      const err = await expectCode(
        owner.rtt.upload({ measurements: measurements as (typeof good)[] }),
        'BAD_REQUEST',
      );
      expect(err.message).toMatch(message);
    }
    await expectCode(
      owner.rtt.upload({ measurements: [good, { ...good, siteId: 'no-such-site' }] }),
      'NOT_FOUND',
    );
    expect(await acmeRtts()).toBe(before);
    expect(await t.prisma.auditLog.count()).toBe(auditBefore);
  });

  it('lets builders and provisioning keys upload, and read keys only list', async () => {
    const m = { measurements: [{ metroId: 'milan', siteId, rttMs: 15 }] };
    await expectCode((await f.asUser(f.acme.users.BILLING)).rtt.upload(m), 'FORBIDDEN');
    const readKey = await f.asKey(f.acme.keys.read);
    await expectCode(readKey.rtt.upload(m), 'FORBIDDEN');
    expect(await t.prisma.rttMeasurement.count({ where: { metroId: 'milan', siteId } })).toBe(0);
    expect(await (await f.asKey(f.acme.keys.provisioning)).rtt.upload(m)).toEqual({ upserted: 1 });
    const listed = await readKey.rtt.list({ siteId });
    expect(listed.map((r) => r.metroId).sort()).toEqual(['frankfurt', 'milan', 'paris']);
    await expectCode(readKey.rtt.list({ siteId: 'no-such-site' }), 'NOT_FOUND');
  });
});

describe('rtt across tenants', () => {
  crossTenant('rtt.upload', fixture, async (f) => {
    const before = await acmeRtts();
    const [user, key] = await rivalCallers(f);
    const ownSite = await user!.site.create(siteInput());
    for (const rival of [user!, key!]) {
      // acme's site among the rival's own: nothing is written, not even for its own site.
      await expectCode(
        rival.rtt.upload({
          measurements: [
            { metroId: 'frankfurt', siteId: ownSite.id, rttMs: 5 },
            { metroId: 'frankfurt', siteId, rttMs: 999 },
          ],
        }),
        'NOT_FOUND',
      );
    }
    expect(await f.db.rttMeasurement.count({ where: { siteId: ownSite.id } })).toBe(0);
    for (const rival of await rivalCallers(f, { claimAcme: true })) {
      await expectCode(
        rival.rtt.upload({ measurements: [{ metroId: 'paris', siteId, rttMs: 999 }] }),
        'NOT_FOUND',
      );
    }
    expect(await acmeRtts()).toBe(before);
  });
  crossTenant('rtt.list', fixture, async (f) => {
    for (const rival of await rivalCallers(f)) {
      expect((await rival.rtt.list()).filter((r) => r.siteId === siteId)).toEqual([]);
      await expectCode(rival.rtt.list({ siteId }), 'NOT_FOUND');
    }
    for (const rival of await rivalCallers(f, { claimAcme: true })) {
      await expectCode(rival.rtt.list({}), 'NOT_FOUND');
    }
  });
});
