// Test harness: simulated engines, a stand-in control plane serving a route snapshot over HTTP,
// API keys in a real test database, and the gateway started in-process.
import { createHash, randomBytes } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { API_KEY_PREFIX, hashApiKey, type ApiKeyScope, type Db } from '@aigrid/db';
import { catalogueModel, startEngine, type EngineHandle } from '@aigrid/engine-sim';
import type { RouteEndpoint, RouteReplica, RouteSnapshot } from '@aigrid/routing';
import pino from 'pino';
import { startGateway, type GatewayDeps, type GatewayHandle } from '../src/server';
import { httpSnapshotSource } from '../src/route-state';
import type { Meter, UsageRecord } from '../src/metering';

export const MODEL_ID = 'llama-3.1-8b-instruct';
export const GATEWAY_TOKEN = 'test-gateway-token';

export function startTestEngine(opts: { maxNumSeqs?: number } = {}): Promise<EngineHandle> {
  const model = catalogueModel(MODEL_ID)!;
  return startEngine({
    port: 0,
    host: '127.0.0.1',
    modelName: MODEL_ID,
    model,
    gpuTypeId: 'L40S',
    timeScale: 0.05,
    seed: 3,
    ...opts,
  });
}

export function replica(id: string, url: string, over: Partial<RouteReplica> = {}): RouteReplica {
  return {
    id,
    nodeId: `node-${id}`,
    siteId: `site-${id}`,
    siteName: `Site ${id}`,
    metroId: 'fra',
    jurisdictions: ['EU'],
    countryCode: 'DE',
    url,
    gpuTypeId: 'L40S',
    gpuCount: 1,
    state: 'READY',
    prefillTokensPerS: 8_000,
    decodeTokensPerS: 60,
    maxConcurrency: 64,
    ...over,
  };
}

export function endpoint(
  over: Partial<RouteEndpoint> & Pick<RouteEndpoint, 'id' | 'organizationId' | 'name'>,
): RouteEndpoint {
  return {
    modelId: MODEL_ID,
    status: 'ACTIVE',
    jurisdictions: [],
    defaultMetroId: 'fra',
    sloTtftP95Ms: 500,
    replicas: [],
    ...over,
  };
}

export function snapshot(
  endpoints: RouteEndpoint[],
  rttMs: RouteSnapshot['rttMs'] = {},
): RouteSnapshot {
  const body = JSON.stringify({ endpoints, rttMs });
  return {
    version: createHash('sha256').update(body).digest('hex').slice(0, 16),
    generatedAt: new Date().toISOString(),
    endpoints,
    rttMs,
  };
}

/** A stand-in for the web app's GET /api/gateway/routes. */
export async function startControlPlane(initial: RouteSnapshot) {
  let current = initial;
  let requests = 0;
  let notModified = 0;
  const server = createHttpServer((req, res) => {
    requests++;
    if (
      req.url !== '/api/gateway/routes' ||
      req.headers.authorization !== `Bearer ${GATEWAY_TOKEN}`
    ) {
      res.writeHead(401).end();
      return;
    }
    if (req.headers['if-none-match'] === `"${current.version}"`) {
      notModified++;
      res.writeHead(304).end();
      return;
    }
    res
      .writeHead(200, { 'content-type': 'application/json', etag: `"${current.version}"` })
      .end(JSON.stringify(current));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests: () => requests,
    notModified: () => notModified,
    set(next: RouteSnapshot) {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A TCP relay in front of an engine that counts the connections (and bytes) reaching it. */
export async function startCountingRelay(targetUrl: string) {
  const target = new URL(targetUrl);
  let connections = 0;
  let bytes = 0;
  const sockets = new Set<Socket>();
  const server = createTcpServer((client) => {
    connections++;
    sockets.add(client);
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(upstream);
    client.on('data', (d: Buffer) => (bytes += d.length));
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    bytes: () => bytes,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export async function createKey(
  db: Db,
  organizationId: string,
  scopes: ApiKeyScope[] = ['INFERENCE'],
): Promise<{ id: string; secret: string }> {
  const secret = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const key = await db.apiKey.create({
    data: {
      organizationId,
      name: `test ${scopes.join('+')}`,
      prefix: secret.slice(0, 12),
      secretHash: hashApiKey(secret),
      scopes,
    },
  });
  return { id: key.id, secret };
}

export async function createOrg(db: Db, name: string): Promise<string> {
  const org = await db.organization.create({
    data: {
      name,
      slug: `${name.toLowerCase()}-${randomBytes(4).toString('hex')}`,
      kinds: ['DEVELOPER'],
    },
  });
  return org.id;
}

/** Records what the gateway meters (the real spool is tested in src/metering). */
export class MemoryMeter implements Meter {
  readonly begun: { id: string; organizationId: string; endpointId: string }[] = [];
  readonly ended: UsageRecord[] = [];
  begin(r: { id: string; organizationId: string; endpointId: string; at: Date }): void {
    this.begun.push(r);
  }
  readonly progressed: UsageRecord[] = [];
  progress(r: UsageRecord): void {
    this.progressed.push({ ...r });
  }
  end(r: UsageRecord): void {
    this.ended.push({ ...r });
  }
  async close(): Promise<void> {}
}

export async function startTestGateway(
  db: Db,
  controlUrl: string,
  over: Partial<GatewayDeps> = {},
): Promise<GatewayHandle & { meter: MemoryMeter }> {
  const meter = new MemoryMeter();
  const gateway = await startGateway({
    db,
    log: pino({ level: process.env.GATEWAY_TEST_LOG ?? 'silent' }),
    meter,
    fetchSnapshot: httpSnapshotSource(controlUrl, GATEWAY_TOKEN),
    gatewayToken: GATEWAY_TOKEN,
    routePollMs: 200,
    loadScrapeMs: 100,
    ...over,
  });
  return Object.assign(gateway, { meter });
}

export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
