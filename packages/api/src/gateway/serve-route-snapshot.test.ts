import type { RouteSnapshot } from '@aigrid/routing';
import { describe, expect, it, vi } from 'vitest';
import { serveRouteSnapshot } from './serve-route-snapshot';

const TOKEN = 'gateway-token-0123456789';
const snapshot: RouteSnapshot = {
  version: '0123456789abcdef',
  generatedAt: '2026-01-01T00:00:00.000Z',
  endpoints: [],
  rttMs: {},
};

function serve(authorization: string | null, ifNoneMatch: string | null = null) {
  const build = vi.fn(async () => snapshot);
  return {
    build,
    result: serveRouteSnapshot({ authorization, ifNoneMatch, token: TOKEN, build }),
  };
}

describe('serveRouteSnapshot', () => {
  it.each([
    ['no header', null],
    ['another token', 'Bearer gateway-token-0123456780'],
    ['a prefix of the token', 'Bearer gateway-token'],
    ['the token in another scheme', `Basic ${TOKEN}`],
    ['the bare token', TOKEN],
  ])('answers 401 to %s without building the snapshot', async (_what, authorization) => {
    const { build, result } = serve(authorization);
    const res = await result;
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(JSON.parse(res.body!)).toEqual({ error: { message: expect.any(String) } });
    expect(build).not.toHaveBeenCalled();
  });

  it('rejects everything when no token is configured', async () => {
    const res = await serveRouteSnapshot({
      authorization: 'Bearer ',
      ifNoneMatch: null,
      token: '',
      build: async () => snapshot,
    });
    expect(res.status).toBe(401);
  });

  it('serves the snapshot with its version as ETag, never cached', async () => {
    const res = await serve(`Bearer ${TOKEN}`).result;
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({
      etag: '"0123456789abcdef"',
      'cache-control': 'no-store',
      'content-type': 'application/json',
    });
    expect(JSON.parse(res.body!)).toEqual(snapshot);
  });

  it.each(['"0123456789abcdef"', 'W/"0123456789abcdef"', '"old", "0123456789abcdef"', '*'])(
    'answers 304 with no body to If-None-Match %s',
    async (ifNoneMatch) => {
      const res = await serve(`bearer ${TOKEN}`, ifNoneMatch).result;
      expect(res).toEqual({
        status: 304,
        headers: { etag: '"0123456789abcdef"', 'cache-control': 'no-store' },
        body: null,
      });
    },
  );

  it('serves the new snapshot to a gateway holding an old version', async () => {
    const res = await serve(`Bearer ${TOKEN}`, '"fedcba9876543210"').result;
    expect(res.status).toBe(200);
    expect(res.body).not.toBeNull();
  });
});
