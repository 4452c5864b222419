// The SDK against a fake server: headers, sign-in and sign-up answers, error mapping.
import { describe, expect, it } from 'vitest';
import superjson from 'superjson';
import { authHeaders, createAigridClient, signInWithPassword, signUp } from './client';
import { AigridError, errorCode, toAigridError } from './errors';

type Handler = (req: Request) => Response | Promise<Response>;

function fakeFetch(handler: Handler): typeof fetch {
  return async (input, init) => handler(new Request(input as string, init));
}

function trpcError(code: string, httpStatus: number, message: string, extra = {}) {
  return Response.json(
    { error: superjson.serialize({ message, code: -32600, data: { code, httpStatus, ...extra } }) },
    { status: httpStatus, headers: httpStatus === 429 ? { 'retry-after': '12' } : {} },
  );
}

describe('createAigridClient', () => {
  it('sends the key, the session cookie and the organisation header', async () => {
    const seen: Request[] = [];
    const client = createAigridClient({
      url: 'http://grid.test:3000/',
      apiKey: 'agk_abc',
      org: 'org_1',
      fetch: fakeFetch((req) => {
        seen.push(req);
        return Response.json({
          result: { data: superjson.serialize({ id: 'org_1', createdAt: new Date(0) }) },
        });
      }),
    });
    const org = await client.org.current.query();
    expect(org.createdAt).toBeInstanceOf(Date);
    const req = seen[0]!;
    expect(req.method).toBe('GET');
    expect(new URL(req.url).pathname).toBe('/api/trpc/org.current');
    expect(req.headers.get('authorization')).toBe('Bearer agk_abc');
    expect(req.headers.get('x-aigrid-org')).toBe('org_1');
  });

  it('sends mutations as POST {"json": input}', async () => {
    let body: unknown;
    const client = createAigridClient({
      url: 'http://grid.test',
      sessionToken: 'tok',
      fetch: fakeFetch(async (req) => {
        expect(req.method).toBe('POST');
        expect(req.headers.get('cookie')).toBe('next-auth.session-token=tok');
        body = await req.json();
        return trpcError('NOT_FOUND', 404, 'API key not found.');
      }),
    });
    const err = await client.apiKey.revoke.mutate({ id: 'k1' }).catch((e: unknown) => e);
    expect(body).toEqual({ json: { id: 'k1' } });
    const e = toAigridError(err);
    expect(e).toBeInstanceOf(AigridError);
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toBe('API key not found.');
  });

  it('uses the __Secure- cookie name over https', () => {
    expect(authHeaders({ url: 'https://grid.example.com', sessionToken: 't' }).cookie).toBe(
      '__Secure-next-auth.session-token=t',
    );
  });

  it('reports the retry delay of TOO_MANY_REQUESTS', async () => {
    const client = createAigridClient({
      url: 'http://grid.test',
      apiKey: 'agk_x',
      fetch: fakeFetch(() =>
        trpcError('TOO_MANY_REQUESTS', 429, 'Too many changes.', { retryAfterSeconds: 12 }),
      ),
    });
    const e = toAigridError(
      await client.org.update.mutate({ name: 'xx' }).catch((x: unknown) => x),
    );
    expect(e.code).toBe('TOO_MANY_REQUESTS');
    expect(e.details.retryAfterSeconds).toBe(12);
  });

  it('tells an unreachable server from one that is not the AI Grid API', async () => {
    const down = createAigridClient({ url: 'http://127.0.0.1:1' });
    expect(errorCode(await down.catalogue.models.query().catch((e: unknown) => e))).toBe(
      'NETWORK_ERROR',
    );
    const other = createAigridClient({
      url: 'http://grid.test',
      fetch: fakeFetch(() => new Response('<html>Not here</html>', { status: 404 })),
    });
    expect(errorCode(await other.catalogue.models.query().catch((e: unknown) => e))).toBe(
      'BAD_RESPONSE',
    );
  });
});

function nextAuth(outcome: 'ok' | 'wrong' | 'limited'): typeof fetch {
  return fakeFetch(async (req) => {
    const url = new URL(req.url);
    if (url.pathname === '/api/auth/csrf') {
      return Response.json(
        { csrfToken: 'csrf1' },
        { headers: { 'set-cookie': 'next-auth.csrf-token=csrf1%7Chash; Path=/; HttpOnly' } },
      );
    }
    expect(url.pathname).toBe('/api/auth/callback/credentials');
    expect(req.headers.get('cookie')).toBe('next-auth.csrf-token=csrf1%7Chash');
    const form = new URLSearchParams(await req.text());
    expect(Object.fromEntries(form)).toMatchObject({
      csrfToken: 'csrf1',
      email: 'ana@example.com',
      json: 'true',
    });
    if (outcome === 'ok') {
      const headers = new Headers();
      headers.append('set-cookie', 'next-auth.callback-url=x; Path=/');
      headers.append('set-cookie', 'next-auth.session-token=jwt.value.sig; Path=/; HttpOnly');
      return Response.json({ url: 'http://grid.test/dashboard' }, { headers });
    }
    const error = outcome === 'wrong' ? 'CredentialsSignin' : 'RATE_LIMITED';
    return Response.json(
      { url: `http://grid.test/signin?error=${error}&provider=credentials` },
      { status: 401 },
    );
  });
}

describe('signInWithPassword', () => {
  const input = { url: 'http://grid.test', email: 'ana@example.com', password: 'pw-123456789' };

  it('returns the session token', async () => {
    await expect(signInWithPassword({ ...input, fetch: nextAuth('ok') })).resolves.toBe(
      'jwt.value.sig',
    );
  });

  it('says so when the credentials are wrong, or after too many failures', async () => {
    const wrong = await signInWithPassword({ ...input, fetch: nextAuth('wrong') }).catch(
      (e: unknown) => e as AigridError,
    );
    expect(wrong).toMatchObject({ code: 'UNAUTHORIZED', message: 'Wrong e-mail or password.' });
    await expect(
      signInWithPassword({ ...input, fetch: nextAuth('limited') }),
    ).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
  });
});

describe('signUp', () => {
  const input = {
    url: 'http://grid.test',
    name: 'Ana',
    email: 'ana@example.com',
    password: 'pw-123456789',
    organizationName: 'Ana Labs',
    kind: 'DEVELOPER' as const,
  };

  it('returns the new user and organisation', async () => {
    const fetch = fakeFetch(async (req) => {
      expect(await req.json()).toEqual({ ...input, url: undefined });
      return Response.json({ userId: 'u1', organizationId: 'o1' }, { status: 201 });
    });
    await expect(signUp({ ...input, fetch })).resolves.toEqual({
      userId: 'u1',
      organizationId: 'o1',
    });
  });

  it('throws with the server’s message', async () => {
    const fetch = fakeFetch(() =>
      Response.json(
        { error: { message: 'This e-mail is already registered.', field: 'email' } },
        { status: 409 },
      ),
    );
    await expect(signUp({ ...input, fetch })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'This e-mail is already registered.',
    });
  });
});
