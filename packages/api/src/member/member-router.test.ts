import { createTestDatabase, type TestDatabase } from '@aigrid/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../testing/fixtures';
import { crossTenant, expectCode } from '../testing/tenancy';

let t: TestDatabase;
let f: Fixture;
const membershipOf = (userId: string) =>
  t.prisma.membership.findFirstOrThrow({ where: { userId, organizationId: f.acme.id } });

beforeAll(async () => {
  t = await createTestDatabase();
  f = await createFixture(t.prisma);
});
afterAll(() => t.drop());

describe('member', () => {
  it('lists members with their roles to any member and to read keys', async () => {
    const list = await (await f.asUser(f.acme.users.BILLING)).member.list({});
    expect(list.items.map((m) => m.role).sort()).toEqual(['ADMIN', 'BILLING', 'MEMBER', 'OWNER']);
    const viaKey = await (await f.asKey(f.acme.keys.read)).member.list({ limit: 2 });
    expect(viaKey.items).toHaveLength(2);
    expect(viaKey.nextCursor).not.toBeNull();
    const rest = await (
      await f.asKey(f.acme.keys.read)
    ).member.list({ cursor: viaKey.nextCursor! });
    expect(rest.items).toHaveLength(2);
    expect(rest.nextCursor).toBeNull();
  });

  it('lets admins change roles, but only owners touch owners', async () => {
    const admin = await f.asUser(f.acme.users.ADMIN);
    const member = await membershipOf(f.acme.users.MEMBER);
    await expectCode(
      (await f.asUser(f.acme.users.MEMBER)).member.updateRole({ id: member.id, role: 'ADMIN' }),
      'FORBIDDEN',
    );
    expect((await admin.member.updateRole({ id: member.id, role: 'BILLING' })).role).toBe(
      'BILLING',
    );
    await expectCode(admin.member.updateRole({ id: member.id, role: 'OWNER' }), 'FORBIDDEN');
    const owner = await membershipOf(f.acme.users.OWNER);
    await expectCode(admin.member.updateRole({ id: owner.id, role: 'MEMBER' }), 'FORBIDDEN');
    await admin.member.updateRole({ id: member.id, role: 'MEMBER' });
    expect((await membershipOf(f.acme.users.MEMBER)).role).toBe('MEMBER');
  });

  it('never leaves an organisation without an owner', async () => {
    const ownerCaller = await f.asUser(f.acme.users.OWNER);
    const owner = await membershipOf(f.acme.users.OWNER);
    const demote = await expectCode(
      ownerCaller.member.updateRole({ id: owner.id, role: 'ADMIN' }),
      'PRECONDITION_FAILED',
    );
    expect(demote.message).toMatch(/at least one owner/);
    await expectCode(ownerCaller.member.remove({ id: owner.id }), 'PRECONDITION_FAILED');
    expect((await membershipOf(f.acme.users.OWNER)).role).toBe('OWNER');
  });

  it('removes a member, who then cannot act in the organisation', async () => {
    const extra = await t.prisma.user.create({ data: { email: 'temp@acme.test', name: 'Temp' } });
    const m = await t.prisma.membership.create({
      data: { userId: extra.id, organizationId: f.acme.id, role: 'MEMBER' },
    });
    await (await f.asUser(f.acme.users.ADMIN)).member.remove({ id: m.id });
    await expectCode((await f.asUser(extra.id, { org: f.acme.id })).org.current(), 'NOT_FOUND');
    expect(
      await t.prisma.auditLog.count({ where: { action: 'member.remove', targetId: m.id } }),
    ).toBe(1);
  });
});

describe('member across tenants', () => {
  crossTenant(
    'member.list',
    () => f,
    async (f) => {
      const own = await (await f.asUser(f.rival.owner)).member.list({});
      expect(own.items.map((m) => m.userId)).toEqual([f.rival.owner]);
      await expectCode(
        (await f.asKey(f.rival.key, { org: f.acme.id })).member.list({}),
        'NOT_FOUND',
      );
    },
  );
  crossTenant(
    'member.updateRole',
    () => f,
    async (f) => {
      const victim = await f.db.membership.findFirstOrThrow({
        where: { organizationId: f.acme.id, role: 'MEMBER' },
      });
      await expectCode(
        (await f.asUser(f.rival.owner)).member.updateRole({ id: victim.id, role: 'OWNER' }),
        'NOT_FOUND',
      );
    },
  );
  crossTenant(
    'member.remove',
    () => f,
    async (f) => {
      const victim = await f.db.membership.findFirstOrThrow({
        where: { organizationId: f.acme.id, role: 'OWNER' },
      });
      await expectCode(
        (await f.asUser(f.rival.owner)).member.remove({ id: victim.id }),
        'NOT_FOUND',
      );
    },
  );
});
