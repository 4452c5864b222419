// Password sign-in with a rate limit on failed attempts, per e-mail and per client address.
// Wrong password and unknown user give the same answer, and take about the same time.
import { hashPassword, verifyPassword, type Db } from '@aigrid/db';

export const SIGN_IN_WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_IP = 30;

export type SignInResult =
  | { ok: true; user: { id: string; email: string; name: string } }
  | { ok: false; reason: 'invalid' | 'rate_limited' };

let dummyHash: Promise<string> | undefined;

export async function signInWithPassword(
  db: Db,
  input: { email: string; password: string; ip: string },
  now = new Date(),
): Promise<SignInResult> {
  const email = input.email.trim().toLowerCase();
  const since = new Date(now.getTime() - SIGN_IN_WINDOW_MS);
  const [byEmail, byIp] = await Promise.all([
    db.authAttempt.count({ where: { email, succeeded: false, createdAt: { gte: since } } }),
    db.authAttempt.count({ where: { ip: input.ip, succeeded: false, createdAt: { gte: since } } }),
  ]);
  if (byEmail >= MAX_FAILURES_PER_EMAIL || byIp >= MAX_FAILURES_PER_IP) {
    return { ok: false, reason: 'rate_limited' };
  }

  const user = await db.user.findUnique({ where: { email } });
  let valid = false;
  if (user?.passwordHash) {
    valid = await verifyPassword(user.passwordHash, input.password);
  } else {
    dummyHash ??= hashPassword('not-a-real-password-0');
    await verifyPassword(await dummyHash, input.password);
  }

  await db.authAttempt.create({
    data: { email, ip: input.ip, succeeded: valid, createdAt: now },
  });
  if (!valid || !user) return { ok: false, reason: 'invalid' };
  await db.user.update({ where: { id: user.id }, data: { lastSignInAt: now } });
  return { ok: true, user: { id: user.id, email: user.email, name: user.name } };
}
