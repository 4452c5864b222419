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

describe('org', () => {
  it('creates an organisation whose creator is the owner, with an operator profile', async () => {
    const caller = await f.asUser(f.acme.users.MEMBER);
    const org = await caller.org.create({ name: 'Nordtel Labs', kinds: ['OPERATOR'] });
    expect(org).toMatchObject({ name: 'Nordtel Labs', kinds: ['OPERATOR'], role: 'OWNER' });
    const membership = await t.prisma.membership.findFirstOrThrow({
      where: { organizationId: org.id, userId: f.acme.users.MEMBER },
    });
    expect(membership.role).toBe('OWNER');
    expect(await t.prisma.operatorProfile.count({ where: { organizationId: org.id } })).toBe(1);
    const listed = await caller.org.list();
    expect(listed.map((o) => o.id)).toEqual([f.acme.id, org.id]);
    // The header picks among the caller's own organisations.
    const current = await (await f.asUser(f.acme.users.MEMBER, { org: org.id })).org.current();
    expect(current).toMatchObject({ id: org.id, role: 'OWNER' });
  });

  it('refuses API keys and anonymous callers for org.create', async () => {
    await expectCode(
      (await f.asKey(f.acme.keys.provisioning)).org.create({ name: 'Keyed', kinds: ['DEVELOPER'] }),
      'FORBIDDEN',
    );
    await expectCode(
      (await f.anonymous()).org.create({ name: 'Nobody', kinds: ['DEVELOPER'] }),
      'UNAUTHORIZED',
    );
    expect(
      await t.prisma.organization.count({ where: { name: { in: ['Keyed', 'Nobody'] } } }),
    ).toBe(0);
  });

  it('rejects bad input naming the field', async () => {
    const caller = await f.asUser(f.acme.users.OWNER);
    const short = await expectCode(
      caller.org.create({ name: 'x', kinds: ['DEVELOPER'] }),
      'BAD_REQUEST',
    );
    expect(short.message).toMatch(/^name:/);
    const kinds = await expectCode(caller.org.create({ name: 'Valid', kinds: [] }), 'BAD_REQUEST');
    expect(kinds.message).toMatch(/^kinds:/);
  });

  it('lets admins rename, not members, and records it in the audit log', async () => {
    await expectCode(
      (await f.asUser(f.acme.users.MEMBER)).org.update({ name: 'Nope' }),
      'FORBIDDEN',
    );
    const renamed = await (await f.asUser(f.acme.users.ADMIN)).org.update({ name: 'Acme Grid' });
    expect(renamed.name).toBe('Acme Grid');
    const audit = await t.prisma.auditLog.findFirstOrThrow({
      where: { organizationId: f.acme.id, action: 'org.update' },
    });
    expect(audit.actorUserId).toBe(f.acme.users.ADMIN);
  });

  it('limits writes per caller with TOO_MANY_REQUESTS and a retry time', async () => {
    const fresh = await t.prisma.user.create({
      data: { email: 'limits@acme.test', name: 'Limits' },
    });
    await t.prisma.membership.create({
      data: { userId: fresh.id, organizationId: f.acme.id, role: 'ADMIN' },
    });
    const limited = await f.asUser(fresh.id, { limits: { writesPerMinute: 2 } });
    await limited.org.update({ name: 'Acme 1' });
    await limited.org.update({ name: 'Acme 2' });
    const err = await expectCode(limited.org.update({ name: 'Acme 3' }), 'TOO_MANY_REQUESTS');
    expect(err.message).toMatch(/Retry after \d+ s/);
    expect((await t.prisma.organization.findUniqueOrThrow({ where: { id: f.acme.id } })).name).toBe(
      'Acme 2',
    );
    // Another caller has its own budget; reads are not limited.
    await (await f.asUser(f.acme.users.ADMIN, { limits: { writesPerMinute: 2 } })).org.current();
    await (await f.asUser(f.acme.users.ADMIN)).org.update({ name: 'Acme Grid' });
  });
});

describe('org across tenants', () => {
  crossTenant(
    'org.create',
    () => f,
    async (f) => {
      // Creating an organisation never touches another one, even when naming it in the header.
      const rival = await f.asUser(f.rival.owner, { org: f.acme.id });
      const created = await rival.org.create({ name: 'Rival Two', kinds: ['DEVELOPER'] });
      expect(created.id).not.toBe(f.acme.id);
    },
  );
  crossTenant(
    'org.list',
    () => f,
    async (f) => {
      const orgs = await (await f.asUser(f.rival.owner)).org.list();
      expect(orgs.map((o) => o.id)).not.toContain(f.acme.id);
    },
  );
  crossTenant(
    'org.current',
    () => f,
    async (f) => {
      await expectCode(
        (await f.asUser(f.rival.owner, { org: f.acme.id })).org.current(),
        'NOT_FOUND',
      );
      await expectCode((await f.asKey(f.rival.key, { org: f.acme.id })).org.current(), 'NOT_FOUND');
    },
  );
  crossTenant(
    'org.update',
    () => f,
    async (f) => {
      await expectCode(
        (await f.asUser(f.rival.owner, { org: f.acme.id })).org.update({ name: 'Owned' }),
        'NOT_FOUND',
      );
    },
  );
});
