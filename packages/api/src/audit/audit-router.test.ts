import { createTestDatabase, type TestDatabase } from '@aigrid/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../testing/fixtures';
import { crossTenant, expectCode } from '../testing/tenancy';

let t: TestDatabase;
let f: Fixture;
const fixture = () => f;

beforeAll(async () => {
  t = await createTestDatabase();
  f = await createFixture(t.prisma);
  for (let i = 0; i < 5; i += 1) {
    await t.prisma.auditLog.create({
      data: {
        organizationId: f.acme.id,
        actorUserId: f.acme.users.OWNER,
        action: i % 2 === 0 ? 'test.even' : 'test.odd',
        targetType: 'Test',
        targetId: `t${i}`,
        data: { i },
      },
    });
  }
  await t.prisma.auditLog.create({
    data: { organizationId: f.rival.id, action: 'test.even', targetType: 'Test', targetId: 'r' },
  });
});
afterAll(() => t.drop());

describe('audit.list', () => {
  it('pages through the organisation’s log newest first', async () => {
    const admin = await f.asUser(f.acme.users.ADMIN);
    const { apiKey } = await admin.apiKey.create({ name: 'audited', scopes: ['read'] });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await admin.audit.list({ limit: 2, cursor });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((a) => a.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const rows = await t.prisma.auditLog.findMany({
      where: { organizationId: f.acme.id },
      orderBy: { id: 'desc' },
    });
    expect(seen).toEqual(rows.map((r) => r.id.toString()));
    expect(seen).toHaveLength(6);

    const [newest] = (await admin.audit.list({ limit: 1 })).items;
    expect(newest).toMatchObject({
      action: 'apiKey.create',
      targetType: 'ApiKey',
      targetId: apiKey.id,
      actorUserId: f.acme.users.ADMIN,
      actorApiKeyId: null,
    });
    expect(typeof newest!.id).toBe('string');
    expect(newest!.at).toBeInstanceOf(Date);
  });

  it('filters by action', async () => {
    const owner = await f.asUser(f.acme.users.OWNER);
    const odd = await owner.audit.list({ action: 'test.odd' });
    expect(odd.items.map((a) => a.targetId)).toEqual(['t3', 't1']);
    expect(odd.items.map((a) => a.data)).toEqual([{ i: 3 }, { i: 1 }]);
    expect(odd.nextCursor).toBeNull();
  });

  it('is for owners and admins only, never an API key', async () => {
    for (const role of ['MEMBER', 'BILLING'] as const) {
      const err = await expectCode(
        (await f.asUser(f.acme.users[role])).audit.list({}),
        'FORBIDDEN',
      );
      expect(err.message).toMatch(/owner or admin/);
    }
    for (const key of [f.acme.keys.read, f.acme.keys.provisioning]) {
      const err = await expectCode((await f.asKey(key)).audit.list({}), 'FORBIDDEN');
      expect(err.message).toMatch(/API keys cannot/);
    }
  });

  it('refuses a cursor it did not hand out', async () => {
    const err = await expectCode(
      (await f.asUser(f.acme.users.OWNER)).audit.list({ cursor: 'abc' }),
      'BAD_REQUEST',
    );
    expect(err.message).toMatch(/^cursor: /);
  });
});

describe('audit across tenants', () => {
  crossTenant('audit.list', fixture, async (f) => {
    const acmeIds = (await f.db.auditLog.findMany({ where: { organizationId: f.acme.id } })).map(
      (a) => a.id.toString(),
    );
    expect(acmeIds.length).toBeGreaterThan(0);
    const own = await (await f.asUser(f.rival.owner)).audit.list({ limit: 100 });
    expect(own.items.map((a) => a.targetId)).toEqual(['r']);
    expect(own.items.filter((a) => acmeIds.includes(a.id))).toEqual([]);
    // A cursor from acme's log pages only through the rival's own rows.
    const paged = await (await f.asUser(f.rival.owner)).audit.list({ cursor: acmeIds.at(-1)! });
    expect(paged.items.filter((a) => acmeIds.includes(a.id))).toEqual([]);
    await expectCode(
      (await f.asUser(f.rival.owner, { org: f.acme.id })).audit.list({}),
      'NOT_FOUND',
    );
    await expectCode((await f.asKey(f.rival.key, { org: f.acme.id })).audit.list({}), 'NOT_FOUND');
  });
});
