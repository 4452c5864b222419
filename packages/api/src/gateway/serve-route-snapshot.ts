// HTTP semantics of GET /api/gateway/routes, kept out of Next.js so they can be tested: a
// bearer token shared with the gateways (compared in constant time), the snapshot as JSON with
// its version as a strong ETag, and 304 when the gateway already has that version.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RouteSnapshot } from '@aigrid/routing';

export interface RouteSnapshotResponse {
  status: 200 | 304 | 401;
  headers: Record<string, string>;
  body: string | null;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** True when `presented` is `expected`, in time independent of where they differ. */
export function tokensEqual(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/** Whether an If-None-Match header lists `etag` (weak comparison, as RFC 9110 asks for GET). */
function matches(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === etag);
}

export async function serveRouteSnapshot(req: {
  authorization: string | null;
  ifNoneMatch: string | null;
  /** The gateways' shared token (AIGRID_GATEWAY_TOKEN). */
  token: string;
  build: () => Promise<RouteSnapshot>;
}): Promise<RouteSnapshotResponse> {
  const presented = req.authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  if (!presented || !req.token || !tokensEqual(presented, req.token)) {
    return {
      status: 401,
      headers: {
        'content-type': 'application/json',
        'cache-control': 'no-store',
        'www-authenticate': 'Bearer',
      },
      body: JSON.stringify({
        error: { message: 'A valid gateway token is required (Authorization: Bearer …).' },
      }),
    };
  }
  const snapshot = await req.build();
  const etag = `"${snapshot.version}"`;
  const headers = { etag, 'cache-control': 'no-store' };
  if (matches(req.ifNoneMatch, etag)) return { status: 304, headers, body: null };
  return {
    status: 200,
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(snapshot),
  };
}
