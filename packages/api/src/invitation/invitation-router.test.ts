import { createTestDatabase, type TestDatabase } from '@aigrid/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../testing/fixtures';
import { crossTenant, expectCode } from '../testing/tenancy';

let t: TestDatabase;
let f: Fixture;
beforeAll(async () => {
  t = await createTestDatabase();
  f = await createFixture(t.prisma);
  await (
    await f.asUser(f.acme.users.ADMIN)
  ).invitation.create({
    email: 'listed@example.test',
    role: 'MEMBER',
  });
});
afterAll(() => t.drop());

async function newUser(email: string) {
  return t.prisma.user.create({ data: { email, name: email.split('@')[0]! } });
}

describe('invitation', () => {
  it('invites by e-mail; the invitee accepts with the token and joins with the role', async () => {
    const admin = await f.asUser(f.acme.users.ADMIN);
    const { invitation, token, acceptUrl } = await admin.invitation.create({
      email: 'Newcomer@Example.test',
      role: 'MEMBER',
    });
    expect(invitation.email).toBe('newcomer@example.test');
    expect(acceptUrl).toContain(token);
    const row = await t.prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } });
    expect(JSON.stringify(row)).not.toContain(token);

    const stranger = await newUser('stranger@example.test');
    await expectCode((await f.asUser(stranger.id)).invitation.accept({ token }), 'NOT_FOUND');

    const invitee = await newUser('newcomer@example.test');
    const accepted = await (await f.asUser(invitee.id)).invitation.accept({ token });
    expect(accepted).toEqual({ organizationId: f.acme.id, role: 'MEMBER' });
    await expectCode((await f.asUser(invitee.id)).invitation.accept({ token }), 'CONFLICT');
    const joined = await (await f.asUser(invitee.id, { org: f.acme.id })).org.current();
    expect(joined.role).toBe('MEMBER');
  });

  it('refuses expired invitations and lets only admins invite', async () => {
    await expectCode(
      (await f.asUser(f.acme.users.MEMBER)).invitation.create({
        email: 'x@example.test',
        role: 'MEMBER',
      }),
      'FORBIDDEN',
    );
    await expectCode(
      (await f.asUser(f.acme.users.ADMIN)).invitation.create({
        email: 'boss@example.test',
        role: 'OWNER',
      }),
      'FORBIDDEN',
    );
    const { invitation, token } = await (
      await f.asUser(f.acme.users.OWNER)
    ).invitation.create({
      email: 'late@example.test',
      role: 'BILLING',
    });
    await t.prisma.invitation.update({
      where: { id: invitation.id },
      data: { expiresAt: new Date(0) },
    });
    const late = await newUser('late@example.test');
    await expectCode((await f.asUser(late.id)).invitation.accept({ token }), 'PRECONDITION_FAILED');
    expect(await t.prisma.membership.count({ where: { userId: late.id } })).toBe(0);
  });

  it('rejects a malformed e-mail naming the field', async () => {
    const err = await expectCode(
      (await f.asUser(f.acme.users.ADMIN)).invitation.create({ email: 'nope', role: 'MEMBER' }),
      'BAD_REQUEST',
    );
    expect(err.message).toMatch(/^email:/);
  });
});

describe('invitation across tenants', () => {
  crossTenant(
    'invitation.create',
    () => f,
    async (f) => {
      await expectCode(
        (await f.asUser(f.rival.owner, { org: f.acme.id })).invitation.create({
          email: 'spy@example.test',
          role: 'OWNER',
        }),
        'NOT_FOUND',
      );
    },
  );
  crossTenant(
    'invitation.list',
    () => f,
    async (f) => {
      const own = await (await f.asUser(f.rival.owner)).invitation.list({});
      expect(own.items.map((i) => i.email)).not.toContain('listed@example.test');
      await expectCode(
        (await f.asUser(f.rival.owner, { org: f.acme.id })).invitation.list({}),
        'NOT_FOUND',
      );
    },
  );
  crossTenant(
    'invitation.revoke',
    () => f,
    async (f) => {
      const victim = await f.db.invitation.findFirstOrThrow({
        where: { organizationId: f.acme.id, acceptedAt: null },
      });
      await expectCode(
        (await f.asUser(f.rival.owner)).invitation.revoke({ id: victim.id }),
        'NOT_FOUND',
      );
    },
  );
  crossTenant(
    'invitation.accept',
    () => f,
    async (f) => {
      // A token made up by the rival, and acme's invitation id used as a token, find nothing.
      const victim = await f.db.invitation.findFirstOrThrow({
        where: { organizationId: f.acme.id, acceptedAt: null },
      });
      await expectCode(
        (await f.asUser(f.rival.owner)).invitation.accept({ token: victim.id }),
        'NOT_FOUND',
      );
      await expectCode(
        (await f.asUser(f.rival.owner)).invitation.accept({ token: 'agi_guessed-token-value' }),
        'NOT_FOUND',
      );
    },
  );
});
