// API keys are `agk_` + 32 random bytes in base64url. Only a SHA-256 of the whole secret is
// stored (a fast hash is right for a 256-bit random secret); the API issues keys and the gateway
// looks them up by this hash.
import { createHash } from 'node:crypto';

export const API_KEY_PREFIX = 'agk_';

export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
