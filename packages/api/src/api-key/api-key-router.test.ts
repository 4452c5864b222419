import { createTestDatabase, type TestDatabase } from '@aigrid/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../testing/fixtures';
import { crossTenant, expectCode } from '../testing/tenancy';

let t: TestDatabase;
let f: Fixture;
beforeAll(async () => {
  t = await createTestDatabase();
  f = await createFixture(t.prisma);
});
afterAll(() => t.drop());

describe('apiKey', () => {
  it('shows the secret once, stores only its hash, and the key then works', async () => {
    const admin = await f.asUser(f.acme.users.ADMIN);
    const { apiKey, secret } = await admin.apiKey.create({ name: 'ci', scopes: ['read'] });
    expect(secret.startsWith(apiKey.prefix)).toBe(true);
    const row = await t.prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    expect(JSON.stringify(row)).not.toContain(secret);
    const viaKey = await f.asKey(secret);
    expect((await viaKey.org.current()).id).toBe(f.acme.id);
    const listed = await admin.apiKey.list({});
    expect(listed.items.map((k) => k.id)).toContain(apiKey.id);
    expect(JSON.stringify(listed)).not.toContain(secret);
    const audit = await t.prisma.auditLog.findMany({ where: { targetId: apiKey.id } });
    expect(audit.map((a) => a.action)).toEqual(['apiKey.create']);
  });

  it('refuses a revoked key, an expired key and a made-up key with UNAUTHORIZED', async () => {
    const admin = await f.asUser(f.acme.users.OWNER);
    const { apiKey, secret } = await admin.apiKey.create({ name: 'short-lived', scopes: ['read'] });
    await (await f.asKey(secret)).org.current();
    await admin.apiKey.revoke({ id: apiKey.id });
    const revoked = await expectCode((await f.asKey(secret)).org.current(), 'UNAUTHORIZED');
    expect(revoked.message).toMatch(/revoked/);

    const expiring = await admin.apiKey.create({
      name: 'expiring',
      scopes: ['read'],
      expiresAt: new Date(Date.now() + 60_000),
    });
    await t.prisma.apiKey.update({
      where: { id: expiring.apiKey.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const expired = await expectCode(
      (await f.asKey(expiring.secret)).org.current(),
      'UNAUTHORIZED',
    );
    expect(expired.message).toMatch(/expired/);

    await expectCode((await f.asKey('agk_made-up')).org.current(), 'UNAUTHORIZED');
  });

  it('lets only owners and admins manage keys, and no API key', async () => {
    for (const role of ['MEMBER', 'BILLING'] as const) {
      const caller = await f.asUser(f.acme.users[role]);
      const err = await expectCode(
        caller.apiKey.create({ name: 'x', scopes: ['read'] }),
        'FORBIDDEN',
      );
      expect(err.message).toMatch(/owner or admin/);
      await expectCode(caller.apiKey.list({}), 'FORBIDDEN');
    }
    await expectCode(
      (await f.asKey(f.acme.keys.provisioning)).apiKey.create({ name: 'x', scopes: ['read'] }),
      'FORBIDDEN',
    );
    expect(await t.prisma.apiKey.count({ where: { name: 'x' } })).toBe(0);
  });

  it('rejects bad input naming the field, and writes nothing', async () => {
    const admin = await f.asUser(f.acme.users.ADMIN);
    const before = await t.prisma.apiKey.count();
    const noScope = await expectCode(admin.apiKey.create({ name: 'x', scopes: [] }), 'BAD_REQUEST');
    expect(noScope.message).toMatch(/scopes/);
    await expectCode(
      admin.apiKey.create({ name: 'x', scopes: ['admin' as 'read'] }),
      'BAD_REQUEST',
    );
    const past = await expectCode(
      admin.apiKey.create({ name: 'x', scopes: ['read'], expiresAt: new Date(0) }),
      'BAD_REQUEST',
    );
    expect(past.message).toMatch(/expiresAt/);
    expect(await t.prisma.apiKey.count()).toBe(before);
  });

  it('stores the secret nowhere, not even for a retried request', async () => {
    const admin = await f.asUser(f.acme.users.ADMIN);
    const { secret } = await admin.apiKey.create({ name: 'nowhere', scopes: ['read'] });
    const everything = JSON.stringify(
      [
        await t.prisma.apiKey.findMany(),
        await t.prisma.idempotencyRecord.findMany(),
        await t.prisma.auditLog.findMany(),
      ],
      (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v),
    );
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(secret.slice(12));
  });
});

describe('apiKey across tenants', () => {
  crossTenant(
    'apiKey.create',
    () => f,
    async (f) => {
      // The rival creates a key in its own organisation; naming acme in the header finds nothing.
      const rival = await f.asUser(f.rival.owner, { org: f.acme.id });
      await expectCode(rival.apiKey.create({ name: 'steal', scopes: ['read'] }), 'NOT_FOUND');
    },
  );
  crossTenant(
    'apiKey.list',
    () => f,
    async (f) => {
      const own = await (await f.asUser(f.rival.owner)).apiKey.list({});
      const acmeKeys = await f.db.apiKey.findMany({ where: { organizationId: f.acme.id } });
      expect(own.items.some((k) => acmeKeys.some((a) => a.id === k.id))).toBe(false);
      await expectCode(
        (await f.asUser(f.rival.owner, { org: f.acme.id })).apiKey.list({}),
        'NOT_FOUND',
      );
    },
  );
  crossTenant(
    'apiKey.revoke',
    () => f,
    async (f) => {
      const victim = await f.db.apiKey.findFirstOrThrow({ where: { organizationId: f.acme.id } });
      await expectCode(
        (await f.asUser(f.rival.owner)).apiKey.revoke({ id: victim.id }),
        'NOT_FOUND',
      );
    },
  );
});
