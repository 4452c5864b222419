import { createTestDatabase, type TestDatabase } from '@aigrid/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FAILURES_PER_EMAIL, SIGN_IN_WINDOW_MS, signInWithPassword } from './sign-in';
import { signUp } from './sign-up';

let t: TestDatabase;
const password = 'metro-edge-2026';

async function newUser(email: string) {
  const result = await signUp(t.prisma, {
    name: 'Test User',
    email,
    password,
    organizationName: 'Test Org',
    kind: 'OPERATOR',
  });
  if (!result.ok) throw new Error(result.message);
}

beforeAll(async () => {
  t = await createTestDatabase();
  await newUser('ok@nordtel.example');
  await newUser('locked@nordtel.example');
  await newUser('window@nordtel.example');
});
afterAll(() => t.drop());

describe('signInWithPassword', () => {
  it('accepts the right password, whatever the e-mail case, and records the sign-in', async () => {
    const result = await signInWithPassword(t.prisma, {
      email: ' OK@nordtel.example ',
      password,
      ip: '10.0.0.1',
    });
    expect(result).toMatchObject({ ok: true, user: { email: 'ok@nordtel.example' } });
    const user = await t.prisma.user.findUniqueOrThrow({ where: { email: 'ok@nordtel.example' } });
    expect(user.lastSignInAt).not.toBeNull();
  });

  it('gives the same answer for a wrong password and an unknown user', async () => {
    const wrong = await signInWithPassword(t.prisma, {
      email: 'ok@nordtel.example',
      password: 'wrong-password-1',
      ip: '10.0.0.2',
    });
    const unknown = await signInWithPassword(t.prisma, {
      email: 'nobody@nordtel.example',
      password,
      ip: '10.0.0.2',
    });
    expect(wrong).toEqual({ ok: false, reason: 'invalid' });
    expect(unknown).toEqual(wrong);
  });

  it('locks an e-mail after repeated failures, even for the right password', async () => {
    const attempt = (p: string) =>
      signInWithPassword(t.prisma, {
        email: 'locked@nordtel.example',
        password: p,
        ip: '10.0.0.3',
      });
    for (let i = 0; i < MAX_FAILURES_PER_EMAIL; i += 1) {
      expect(await attempt(`bad-password-${i}`)).toEqual({ ok: false, reason: 'invalid' });
    }
    expect(await attempt(password)).toEqual({ ok: false, reason: 'rate_limited' });
    // Other users are not affected.
    const other = await signInWithPassword(t.prisma, {
      email: 'ok@nordtel.example',
      password,
      ip: '10.0.0.4',
    });
    expect(other.ok).toBe(true);
  });

  it('forgets failures older than the window', async () => {
    const old = new Date(Date.now() - SIGN_IN_WINDOW_MS - 60_000);
    for (let i = 0; i < MAX_FAILURES_PER_EMAIL; i += 1) {
      await signInWithPassword(
        t.prisma,
        { email: 'window@nordtel.example', password: `bad-${i}-password`, ip: '10.0.0.5' },
        old,
      );
    }
    const now = await signInWithPassword(t.prisma, {
      email: 'window@nordtel.example',
      password,
      ip: '10.0.0.5',
    });
    expect(now.ok).toBe(true);
  });
});
