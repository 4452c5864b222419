// API keys: `agk_` + 32 random bytes in base64url. Only a SHA-256 of the key is stored (a fast
// hash is right for a 256-bit random secret), with a prefix that identifies it in lists.
import { randomBytes } from 'node:crypto';
import { API_KEY_PREFIX, hashApiKey, type Db } from '@aigrid/db';

export { API_KEY_PREFIX, hashApiKey };
const PREFIX_LENGTH = 12;
/** Last-used time is written at most this often per key, to keep reads read-only. */
const LAST_USED_RESOLUTION_MS = 60_000;

export function generateApiKey(): { secret: string; prefix: string; secretHash: string } {
  const secret = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { secret, prefix: secret.slice(0, PREFIX_LENGTH), secretHash: hashApiKey(secret) };
}

export async function findApiKey(db: Db, secret: string, now: Date) {
  if (!secret.startsWith(API_KEY_PREFIX) || secret.length > 200) {
    return { ok: false as const, reason: 'invalid_key' as const };
  }
  const apiKey = await db.apiKey.findUnique({
    where: { secretHash: hashApiKey(secret) },
    include: { organization: { select: { kinds: true } } },
  });
  if (!apiKey) return { ok: false as const, reason: 'invalid_key' as const };
  if (apiKey.revokedAt) return { ok: false as const, reason: 'revoked_key' as const };
  if (apiKey.expiresAt && apiKey.expiresAt <= now) {
    return { ok: false as const, reason: 'expired_key' as const };
  }
  if (!apiKey.lastUsedAt || now.getTime() - apiKey.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db.apiKey.update({ where: { id: apiKey.id }, data: { lastUsedAt: now } });
  }
  return { ok: true as const, apiKey };
}
