import { createTestDatabase, type TestDatabase } from '@aigrid/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp } from './sign-up';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

const valid = {
  name: 'Paola Rossi',
  email: 'Paola@Parla.example',
  password: 'voice-first-2026',
  organizationName: 'Parla Voice',
  kind: 'DEVELOPER',
};

async function counts() {
  const [users, orgs, memberships, audit] = await Promise.all([
    t.prisma.user.count(),
    t.prisma.organization.count(),
    t.prisma.membership.count(),
    t.prisma.auditLog.count(),
  ]);
  return { users, orgs, memberships, audit };
}

describe('signUp', () => {
  it('creates the user, their organisation, an owner membership and an audit row', async () => {
    const result = await signUp(t.prisma, valid);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const user = await t.prisma.user.findUniqueOrThrow({
      where: { id: result.userId },
      include: { memberships: { include: { organization: true } } },
    });
    expect(user.email).toBe('paola@parla.example');
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(user.passwordHash).not.toContain(valid.password);
    expect(user.memberships).toHaveLength(1);
    expect(user.memberships[0]?.role).toBe('OWNER');
    expect(user.memberships[0]?.organization.kinds).toEqual(['DEVELOPER']);
    const audit = await t.prisma.auditLog.findMany({ where: { targetId: user.id } });
    expect(audit.map((a) => a.action)).toEqual(['user.sign_up']);
  });

  it('gives an operator organisation the profile a platform admin approves', async () => {
    const result = await signUp(t.prisma, {
      ...valid,
      email: 'nora@nordtel.example',
      organizationName: 'Nordtel',
      kind: 'OPERATOR',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const profile = await t.prisma.operatorProfile.findUnique({
      where: { organizationId: result.organizationId },
    });
    expect(profile).toMatchObject({ legalName: 'Nordtel', approvedAt: null });
    const developer = await t.prisma.organization.findFirstOrThrow({
      where: { name: 'Parla Voice' },
      include: { operator: true },
    });
    expect(developer.operator).toBeNull();
  });

  it('refuses a taken e-mail (any case) with 409 and writes nothing', async () => {
    const before = await counts();
    const result = await signUp(t.prisma, { ...valid, email: 'PAOLA@parla.example' });
    expect(result).toMatchObject({ ok: false, status: 409, field: 'email' });
    expect(await counts()).toEqual(before);
  });

  it('lets only one of two simultaneous sign-ups with one e-mail through', async () => {
    const input = { ...valid, email: 'race@parla.example' };
    const results = await Promise.all([signUp(t.prisma, input), signUp(t.prisma, input)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ status: 409 });
    expect(await t.prisma.user.count({ where: { email: 'race@parla.example' } })).toBe(1);
  });

  it.each([
    [{ password: 'short1' }, 'password', /at least 10/],
    [{ password: 'onlyletterslong' }, 'password', /mix letters/],
    [{ password: 'Password123' }, 'password', /too common/],
    [{ email: 'not-an-email' }, 'email', /valid e-mail/],
    [{ name: '   ' }, 'name', /Enter your name/],
    [{ organizationName: 'x' }, 'organizationName', /at least 2/],
    [{ kind: 'ADMIN' }, 'kind', /developer or operator/],
  ])('refuses %o with 400 naming the field, writing nothing', async (patch, field, message) => {
    const before = await counts();
    const result = await signUp(t.prisma, { ...valid, email: 'new@parla.example', ...patch });
    expect(result).toMatchObject({ ok: false, status: 400, field });
    if (!result.ok) expect(result.message).toMatch(message);
    expect(await counts()).toEqual(before);
  });

  it('refuses a body that is not an object', async () => {
    expect(await signUp(t.prisma, 'hello')).toMatchObject({ ok: false, status: 400 });
    expect(await signUp(t.prisma, null)).toMatchObject({ ok: false, status: 400 });
  });
});
