// The AI Grid API client: a typed tRPC client over plain HTTP (one request per call, superjson),
// plus the two routes outside tRPC that a script needs to get going: sign-up and password sign-in.
// `AppRouter` is imported as a type only: the SDK does not load any server code at runtime.
import type { AppRouter } from '@aigrid/api';
import { createTRPCClient, httpLink, type TRPCClient } from '@trpc/client';
import superjson from 'superjson';
import { AigridError, codeForHttpStatus, toAigridError } from './errors';

export type { AppRouter };
export type AigridClient = TRPCClient<AppRouter>;

type FetchFn = typeof globalThis.fetch;

export interface AigridClientOptions {
  /** Base URL of the web app, such as `http://localhost:3000`. */
  url: string;
  /** An API key (`agk_…`), sent as `Authorization: Bearer …`. */
  apiKey?: string;
  /** A session token from `signInWithPassword`, sent as the next-auth session cookie. */
  sessionToken?: string;
  /** Organisation id to work in, among the signed-in user's own (`x-aigrid-org`). */
  org?: string;
  /** A `fetch` to use instead of the global one (timeouts, tests, proxies). */
  fetch?: FetchFn;
}

/** `http://host:3000/` → `http://host:3000`; refuses what is not an http(s) URL. */
export function normaliseBaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AigridError('BAD_REQUEST', `Not a URL: ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new AigridError('BAD_REQUEST', `The URL must start with http:// or https://: ${url}`);
  }
  return parsed.toString().replace(/\/+$/, '');
}

/**
 * The session cookie's name: next-auth uses the `__Secure-` prefix when the site is served over
 * https, and the plain name over http.
 */
export function sessionCookieName(url: string): string {
  return url.startsWith('https:') ? '__Secure-next-auth.session-token' : 'next-auth.session-token';
}

/** The headers that authenticate a request with the given options. */
export function authHeaders(opts: AigridClientOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;
  if (opts.sessionToken) {
    headers.cookie = `${sessionCookieName(opts.url)}=${opts.sessionToken}`;
  }
  if (opts.org) headers['x-aigrid-org'] = opts.org;
  return headers;
}

/** A typed client of the AI Grid API: `await client.endpoint.create.mutate({...})`. */
export function createAigridClient(opts: AigridClientOptions): AigridClient {
  const base = normaliseBaseUrl(opts.url);
  const headers = authHeaders({ ...opts, url: base });
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${base}/api/trpc`,
        transformer: superjson,
        headers: () => headers,
        ...(opts.fetch ? { fetch: opts.fetch } : {}),
      }),
    ],
  });
}

/** Wraps a call so that every failure is an `AigridError`. */
export async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toAigridError(err);
  }
}

async function request(fetchFn: FetchFn, url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetchFn(url, init);
  } catch (err) {
    throw toAigridError(err);
  }
}

/** `name=value` pairs of a response's Set-Cookie headers. */
function setCookies(res: Response): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of res.headers.getSetCookie()) {
    const pair = line.split(';', 1)[0] ?? '';
    const eq = pair.indexOf('=');
    if (eq > 0) out.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
  return out;
}

const SIGN_IN_ERRORS: Record<string, string> = {
  CredentialsSignin: 'Wrong e-mail or password.',
  RATE_LIMITED: 'Too many failed sign-ins for this account or address: wait 15 minutes.',
  AccessDenied: 'Sign-in refused for this account.',
};

/**
 * Signs in with e-mail and password (next-auth credentials) and returns the session token, for
 * `createAigridClient({ sessionToken })`. Throws an `AigridError` (UNAUTHORIZED, or
 * TOO_MANY_REQUESTS after repeated failures) when the server refuses.
 */
export async function signInWithPassword(opts: {
  url: string;
  email: string;
  password: string;
  fetch?: FetchFn;
}): Promise<string> {
  const base = normaliseBaseUrl(opts.url);
  const fetchFn = opts.fetch ?? globalThis.fetch;
  const csrfRes = await request(fetchFn, `${base}/api/auth/csrf`);
  const csrf = (await csrfRes.json().catch(() => null)) as { csrfToken?: unknown } | null;
  if (!csrfRes.ok || typeof csrf?.csrfToken !== 'string') {
    throw new AigridError(
      'BAD_RESPONSE',
      `${base} did not answer like an AI Grid server (GET /api/auth/csrf: HTTP ${csrfRes.status}).`,
      { httpStatus: csrfRes.status },
    );
  }
  const cookie = [...setCookies(csrfRes)].map(([k, v]) => `${k}=${v}`).join('; ');
  const res = await request(fetchFn, `${base}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({
      csrfToken: csrf.csrfToken,
      email: opts.email,
      password: opts.password,
      json: 'true',
    }),
  });
  const body = (await res.json().catch(() => null)) as { url?: unknown } | null;
  const target = typeof body?.url === 'string' ? body.url : (res.headers.get('location') ?? '');
  let error: string | null = null;
  try {
    const u = new URL(target, base);
    error = u.searchParams.get('error') ?? (u.searchParams.get('csrf') ? 'csrf' : null);
  } catch {
    // Not a URL: judged by the cookie below.
  }
  if (error) {
    if (error === 'RATE_LIMITED') {
      throw new AigridError('TOO_MANY_REQUESTS', SIGN_IN_ERRORS.RATE_LIMITED!, {
        httpStatus: res.status,
      });
    }
    throw new AigridError(
      'UNAUTHORIZED',
      SIGN_IN_ERRORS[error] ??
        (error === 'csrf' ? 'Sign-in failed its CSRF check.' : `Sign-in failed (${error}).`),
      { httpStatus: res.status },
    );
  }
  const cookies = setCookies(res);
  const name = [...cookies.keys()].find((k) => /(^|\.|-)next-auth\.session-token$/.test(k));
  const token = name ? cookies.get(name) : undefined;
  if (!token) {
    // Large sessions are split into `…session-token.0`, `.1`, …: join them back.
    const chunks = [...cookies.entries()]
      .filter(([k]) => /next-auth\.session-token\.\d+$/.test(k))
      .sort(([a], [b]) => Number(a.split('.').pop()) - Number(b.split('.').pop()))
      .map(([, v]) => v);
    if (chunks.length) return chunks.join('');
    throw new AigridError(
      'UNAUTHORIZED',
      `Sign-in did not return a session (HTTP ${res.status}).`,
      { httpStatus: res.status },
    );
  }
  return token;
}

export interface SignUpInput {
  url: string;
  name: string;
  email: string;
  password: string;
  organizationName: string;
  kind: 'DEVELOPER' | 'OPERATOR';
  fetch?: FetchFn;
}

/**
 * Creates a user with their first organisation (`POST /api/signup`). Throws an `AigridError`
 * with the server's message (BAD_REQUEST for invalid input, CONFLICT for a taken e-mail).
 */
export async function signUp(
  input: SignUpInput,
): Promise<{ userId: string; organizationId: string }> {
  const { url, fetch: fetchFn = globalThis.fetch, ...body } = input;
  const base = normaliseBaseUrl(url);
  const res = await request(fetchFn, `${base}/api/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json().catch(() => null)) as {
    userId?: string;
    organizationId?: string;
    error?: { message?: string; field?: string };
  } | null;
  if (res.status === 201 && json?.userId && json.organizationId) {
    return { userId: json.userId, organizationId: json.organizationId };
  }
  if (!json) {
    throw new AigridError(
      'BAD_RESPONSE',
      `${base} did not answer like an AI Grid server (POST /api/signup: HTTP ${res.status}).`,
      { httpStatus: res.status },
    );
  }
  const field = json.error?.field;
  throw new AigridError(
    codeForHttpStatus(res.status),
    json.error?.message ?? `Sign-up failed (HTTP ${res.status}).`,
    {
      httpStatus: res.status,
      issues: field ? [{ path: field, message: json.error?.message ?? '' }] : undefined,
    },
  );
}

/** The signed-in user of a session token (next-auth `/api/auth/session`), or null if it is not valid. */
export async function getSessionUser(opts: {
  url: string;
  sessionToken: string;
  fetch?: FetchFn;
}): Promise<{ id?: string; name?: string | null; email?: string | null } | null> {
  const base = normaliseBaseUrl(opts.url);
  const res = await request(opts.fetch ?? globalThis.fetch, `${base}/api/auth/session`, {
    headers: { cookie: `${sessionCookieName(base)}=${opts.sessionToken}` },
  });
  const json = (await res.json().catch(() => null)) as {
    user?: { id?: string; name?: string | null; email?: string | null };
  } | null;
  return json?.user ?? null;
}
