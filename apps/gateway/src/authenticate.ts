// API key authentication for the data path. A key is `agk_…`; only the SHA-256 hex of the whole
// secret is stored (ApiKey.secretHash). Results, valid or not, are cached for `cacheMs` so that a
// revocation is honoured within seconds while a hot key costs one lookup per period; concurrent
// lookups of one key share a query, and keys in use are re-checked in the background so that
// their requests do not wait for the database. When the database cannot be reached, keys last seen valid
// keep working for up to `staleMs` (expiry is still checked), so a database blip does not take
// inference down.
import { API_KEY_PREFIX, hashApiKey, type Db } from '@aigrid/db';
import type { Logger } from './logger';
import { errors, GatewayError } from './openai-errors';

const MAX_KEY_LENGTH = 200;
const MAX_CACHE_ENTRIES = 100_000;
const LAST_USED_RESOLUTION_MS = 60_000;
/**
 * Keys used within this long are re-checked in the background (one query for all of them), so
 * that a client sending a request every few seconds — a voice agent — never waits for the
 * database, while a revocation still shows within `cacheMs`.
 */
const KEEP_WARM_MS = 10 * 60_000;

export interface AuthenticatedKey {
  id: string;
  organizationId: string;
}

interface KeyRow {
  id: string;
  organizationId: string;
  scopes: string[];
  revokedAt: Date | null;
  expiresAt: Date | null;
}

interface CacheEntry {
  row: KeyRow | null;
  checkedAtMs: number;
  /** Last request that presented the key. */
  usedAtMs: number;
}

export interface KeyAuthenticator {
  /** Resolves the key of an `Authorization` header or throws a GatewayError (401, 403, 503). */
  authenticate(authorization: string | undefined): Promise<AuthenticatedKey>;
  /** Stops the background re-checks. */
  close(): void;
}

export function createKeyAuthenticator(opts: {
  db: Db;
  log: Logger;
  cacheMs: number;
  staleMs?: number;
  now?: () => number;
}): KeyAuthenticator {
  const { db, log, cacheMs } = opts;
  const staleMs = opts.staleMs ?? 5 * 60_000;
  const now = opts.now ?? Date.now;
  const cache = new Map<string, CacheEntry>();
  const pending = new Map<string, Promise<KeyRow | null>>();
  const lastUsedWritten = new Map<string, number>();
  let dbDown = false;

  async function lookup(hash: string): Promise<KeyRow | null> {
    const row = await db.apiKey.findUnique({
      where: { secretHash: hash },
      select: {
        id: true,
        organizationId: true,
        scopes: true,
        revokedAt: true,
        expiresAt: true,
        lastUsedAt: true,
      },
    });
    if (row && !row.revokedAt) touch(row.id, row.lastUsedAt);
    return row;
  }

  function touch(id: string, lastUsedAt: Date | null): void {
    const t = now();
    const written = Math.max(lastUsedAt?.getTime() ?? 0, lastUsedWritten.get(id) ?? 0);
    if (t - written < LAST_USED_RESOLUTION_MS) return;
    lastUsedWritten.set(id, t);
    db.apiKey.update({ where: { id }, data: { lastUsedAt: new Date(t) } }).catch((err: unknown) => {
      log.warn({ err: (err as Error).message, keyId: id }, 'could not record key last use');
    });
  }

  function remember(hash: string, entry: CacheEntry): void {
    if (cache.size >= MAX_CACHE_ENTRIES) {
      const oldest = cache.keys().next();
      if (!oldest.done) cache.delete(oldest.value);
    }
    cache.delete(hash);
    cache.set(hash, entry);
  }

  /** Looks a key up (one query per key at a time) and caches what the database said. */
  function start(hash: string): Promise<KeyRow | null> {
    const checkedAtMs = now();
    const p = lookup(hash)
      .then((row) => {
        remember(hash, { row, checkedAtMs, usedAtMs: cache.get(hash)?.usedAtMs ?? checkedAtMs });
        return row;
      })
      .finally(() => pending.delete(hash));
    pending.set(hash, p);
    return p;
  }

  async function resolve(hash: string): Promise<KeyRow | null> {
    const cached = cache.get(hash);
    const t = now();
    if (cached) cached.usedAtMs = t;
    if (cached && t - cached.checkedAtMs < cacheMs) {
      // Refresh ahead in the background, so that a busy key never waits for the database.
      if (t - cached.checkedAtMs >= cacheMs / 2 && !pending.has(hash)) {
        void start(hash).catch(() => undefined);
      }
      return cached.row;
    }
    const inFlight = pending.get(hash) ?? start(hash);
    try {
      const row = await inFlight;
      if (dbDown) {
        dbDown = false;
        log.info('API key database reachable again');
      }
      return row;
    } catch (err) {
      if (!dbDown) {
        dbDown = true;
        log.error({ err: (err as Error).message }, 'API key lookup failed; serving cached keys');
      }
      if (cached?.row && t - cached.checkedAtMs < staleMs) return cached.row;
      throw new GatewayError(
        503,
        'service_unavailable',
        'API keys cannot be verified right now. Retry shortly.',
        null,
        { 'retry-after': '1' },
      );
    }
  }

  /** Re-checks, in one query, the valid keys used lately whose check is half its age limit. */
  let warming = false;
  function keepWarm(): void {
    const t = now();
    if (warming || dbDown) return;
    const due: string[] = [];
    for (const [hash, e] of cache) {
      if (!e.row || t - e.usedAtMs >= KEEP_WARM_MS || t - e.checkedAtMs < cacheMs / 2) continue;
      if (!pending.has(hash)) due.push(hash);
    }
    if (due.length === 0) return;
    warming = true;
    db.apiKey
      .findMany({
        where: { secretHash: { in: due } },
        select: {
          secretHash: true,
          id: true,
          organizationId: true,
          scopes: true,
          revokedAt: true,
          expiresAt: true,
        },
      })
      .then((rows) => {
        const byHash = new Map(rows.map(({ secretHash, ...row }) => [secretHash, row]));
        for (const hash of due) {
          const entry = cache.get(hash);
          if (entry && entry.checkedAtMs < t) {
            entry.row = byHash.get(hash) ?? null;
            entry.checkedAtMs = t;
          }
        }
      })
      // An outage shows on the request path (which then serves keys last seen valid).
      .catch(() => undefined)
      .finally(() => (warming = false));
  }
  const warmer = setInterval(keepWarm, Math.max(100, cacheMs / 4));
  warmer.unref();

  return {
    close: () => clearInterval(warmer),
    async authenticate(authorization) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
      const secret = match?.[1];
      if (!secret) {
        throw errors.invalidKey(
          'You did not provide an API key. Send it as `Authorization: Bearer agk_…`.',
        );
      }
      if (!secret.startsWith(API_KEY_PREFIX) || secret.length > MAX_KEY_LENGTH) {
        throw errors.invalidKey();
      }
      const row = await resolve(hashApiKey(secret));
      if (!row) throw errors.invalidKey();
      if (row.revokedAt) throw errors.invalidKey('This API key has been revoked.');
      if (row.expiresAt && row.expiresAt.getTime() <= now()) {
        throw errors.invalidKey('This API key has expired.');
      }
      if (!row.scopes.includes('INFERENCE')) throw errors.missingScope();
      return { id: row.id, organizationId: row.organizationId };
    },
  };
}
