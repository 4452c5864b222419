// The gateway's HTTP server (node:http, keep-alive): the OpenAI-compatible routes, health,
// metrics and the control plane's route refresh. `startGateway` wires the parts together.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Db } from '@aigrid/db';
import {
  createPicker,
  OutlierDetector,
  PrefixIndex,
  type MetroCidr,
  type RouteEndpoint,
  type RoutingPolicy,
} from '@aigrid/routing';
import { Agent } from 'undici';
import { createKeyAuthenticator } from './authenticate';
import type { GatewayContext, GatewayLimits } from './gateway-context';
import { handleCompletion, HandledError } from './handle-completion';
import { ReplicaLoads } from './load-scraper';
import type { Logger } from './logger';
import type { Meter } from './metering';
import { GatewayMetrics } from './metrics';
import { errors, GatewayError, sendError } from './openai-errors';
import {
  createRouteState,
  refusal,
  takesRequests,
  type FetchSnapshot,
  type RouteState,
} from './route-state';

const ROUTES: Record<string, string> = {
  '/v1/chat/completions': 'POST',
  '/v1/completions': 'POST',
  '/v1/models': 'GET',
  '/health': 'GET',
  '/metrics': 'GET',
  '/internal/routes/refresh': 'POST',
};

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface GatewayDeps {
  db: Db;
  log: Logger;
  meter: Meter;
  fetchSnapshot: FetchSnapshot;
  gatewayToken: string;
  host?: string;
  port?: number;
  policy?: RoutingPolicy;
  metroTable?: readonly MetroCidr[];
  trustedProxies?: readonly string[];
  snapshotFile?: string;
  limits?: Partial<GatewayLimits>;
  routePollMs?: number;
  loadScrapeMs?: number;
  keyCacheMs?: number;
}

export interface GatewayHandle {
  url: string;
  port: number;
  routes: RouteState;
  metrics: GatewayMetrics;
  close(): Promise<void>;
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1] ?? '');
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

const MODEL_PATH = '/v1/models/';

/** The caller's endpoints as OpenAI model objects, `created` being the route snapshot's time. */
function modelObjects(ctx: GatewayContext, endpoints: RouteEndpoint[]) {
  const generatedAt = ctx.routes.current()?.snapshot.generatedAt ?? '';
  const created = Math.floor(Date.parse(generatedAt) / 1000) || 0;
  return endpoints.map((e) => ({
    id: e.name,
    object: 'model',
    created,
    owned_by: e.organizationId,
  }));
}

/**
 * GET /v1/models/{name}: one of the caller's endpoints, on the same terms as the list (it must
 * take requests now); otherwise 404, saying why when the endpoint is the caller's.
 */
async function retrieveModel(
  ctx: GatewayContext,
  req: IncomingMessage,
  res: ServerResponse,
  encodedName: string,
  headers: Record<string, string>,
): Promise<void> {
  const key = await ctx.auth.authenticate(req.headers.authorization);
  let name: string;
  try {
    name = decodeURIComponent(encodedName);
  } catch {
    throw errors.modelNotFound(encodedName);
  }
  const endpoint = ctx.routes.findEndpoint(key.organizationId, name);
  if (!endpoint) throw errors.modelNotFound(name);
  if (!takesRequests(endpoint)) {
    throw errors.modelNotServing(name, refusal(endpoint));
  }
  return json(res, 200, modelObjects(ctx, [endpoint])[0], headers);
}

async function route(
  ctx: GatewayContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  t0: number,
  headers: Record<string, string>,
): Promise<void> {
  if (path.startsWith(MODEL_PATH)) {
    if (req.method !== 'GET') throw errors.methodNotAllowed(req.method ?? '', path, 'GET');
    return retrieveModel(ctx, req, res, path.slice(MODEL_PATH.length), headers);
  }
  const expected = ROUTES[path];
  if (!expected) throw errors.notFound(path);
  if (req.method !== expected) throw errors.methodNotAllowed(req.method ?? '', path, expected);
  switch (path) {
    case '/v1/chat/completions':
    case '/v1/completions':
      return handleCompletion(
        ctx,
        req,
        res,
        path === '/v1/completions' ? 'completion' : 'chat',
        t0,
        headers['x-request-id']!,
        headers,
      );
    case '/v1/models': {
      const key = await ctx.auth.authenticate(req.headers.authorization);
      return json(
        res,
        200,
        {
          object: 'list',
          data: modelObjects(ctx, ctx.routes.endpointsOf(key.organizationId).filter(takesRequests)),
        },
        headers,
      );
    }
    case '/health': {
      const view = ctx.routes.current();
      return json(
        res,
        200,
        {
          status: 'ok',
          snapshotVersion: view?.snapshot.version ?? null,
          snapshotAgeMs: view ? Date.now() - view.receivedAtMs : null,
        },
        headers,
      );
    }
    case '/metrics': {
      const text = ctx.metrics.render();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      return void res.end(text);
    }
    case '/internal/routes/refresh': {
      if (!tokenMatches(req.headers.authorization, ctx.gatewayToken)) {
        throw new GatewayError(401, 'invalid_gateway_token', 'A valid gateway token is required.');
      }
      req.resume();
      try {
        return json(res, 200, { version: await ctx.routes.refresh() }, headers);
      } catch (err) {
        throw new GatewayError(
          502,
          'control_plane_unavailable',
          `Route refresh failed: ${(err as Error).message}`,
        );
      }
    }
  }
}

export async function startGateway(deps: GatewayDeps): Promise<GatewayHandle> {
  const log = deps.log;
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connect: { timeout: 3_000 } });
  const outliers = new OutlierDetector();
  const routes = createRouteState({
    fetchSnapshot: deps.fetchSnapshot,
    log,
    pollMs: deps.routePollMs ?? 1_000,
    file: deps.snapshotFile,
  });
  const metrics = new GatewayMetrics(() => {
    const view = routes.current();
    return view ? (Date.now() - view.receivedAtMs) / 1000 : null;
  });
  const loads = new ReplicaLoads({
    dispatcher,
    outliers,
    log,
    scrapeMs: deps.loadScrapeMs ?? 500,
    current: () => routes.current(),
  });
  const prefixIndex = new PrefixIndex();
  routes.onChange((view, previous) => {
    const ids = new Set(view.replicas.map((r) => r.replica.id));
    for (const r of previous?.replicas ?? [])
      if (!ids.has(r.replica.id)) prefixIndex.forget(r.replica.id);
    loads.retain(ids);
  });
  const ctx: GatewayContext = {
    auth: createKeyAuthenticator({ db: deps.db, log, cacheMs: deps.keyCacheMs ?? 2_000 }),
    routes,
    loads,
    outliers,
    prefixIndex,
    pick: createPicker(deps.policy ?? 'ours'),
    dispatcher,
    meter: deps.meter,
    metrics,
    log,
    limits: {
      maxBodyBytes: deps.limits?.maxBodyBytes ?? 1024 * 1024,
      maxConcurrentPerKey: deps.limits?.maxConcurrentPerKey ?? 64,
    },
    metroTable: deps.metroTable ?? [],
    trustedProxies: deps.trustedProxies ?? [],
    gatewayToken: deps.gatewayToken,
    activePerKey: new Map(),
  };

  const server = createServer((req, res) => {
    const t0 = performance.now();
    const path = (req.url ?? '/').split('?')[0]!;
    const incoming = req.headers['x-request-id'];
    const own = `req_${randomBytes(12).toString('base64url')}`;
    const requestId =
      typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : own;
    const headers = { 'x-request-id': requestId, 'x-aigrid-request-id': own };
    const inference = path === '/v1/chat/completions' || path === '/v1/completions';
    if (inference) metrics.inFlight++;
    route(ctx, req, res, path, t0, headers)
      .catch((err: unknown) => {
        const gwErr =
          err instanceof HandledError ? err.inner : err instanceof GatewayError ? err : null;
        if (!gwErr) {
          log.error({ requestId, err: (err as Error).message }, 'unexpected gateway error');
        }
        const e =
          gwErr ?? new GatewayError(500, 'internal_error', 'The gateway failed. Retry shortly.');
        metrics.errors.inc({ code: e.code });
        if (err instanceof HandledError) return;
        if (e.status === 413) {
          // The rest of the body is not read: close the connection after answering.
          sendError(res, e, { ...headers, connection: 'close' });
          req.resume();
          return;
        }
        if (res.headersSent) res.destroy();
        else sendError(res, e, headers);
      })
      .finally(() => {
        if (inference) metrics.inFlight--;
      });
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.port ?? 0, deps.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  routes.start();
  loads.start();
  await routes.refresh().catch(() => undefined);
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    routes,
    metrics,
    async close() {
      routes.stop();
      ctx.auth.close();
      loads.stop();
      // Streams in progress get a grace period to finish, then their connections are closed.
      // Requests in progress get a grace period to finish; idle keep-alive connections go now.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = Date.now() + 10_000;
      while (metrics.inFlight > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      server.closeAllConnections();
      await closed;
      await dispatcher.close();
    },
  };
}
