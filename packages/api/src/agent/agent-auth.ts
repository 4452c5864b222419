// Node agent credentials: the one-time enrolment token (`agn_…`) and the long-lived agent
// secret (`ags_…`) handed out at enrolment. Both are stored only as SHA-256 hashes.
import { createHash, randomBytes } from 'node:crypto';

export const AGENT_SECRET_PREFIX = 'ags_';

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function generateAgentSecret(): { secret: string; secretHash: string } {
  const secret = `${AGENT_SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { secret, secretHash: sha256(secret) };
}

/** The bearer token of an `Authorization` header, if well-formed. */
export function bearerToken(authorization: string | null): string | null {
  const token = authorization?.match(/^Bearer\s+(\S{10,200})$/i)?.[1];
  return token ?? null;
}
