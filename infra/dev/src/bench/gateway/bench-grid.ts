// What the gateways of the benchmark need around them: a real PostgreSQL (embedded, migrated,
// with the organisation, sites, endpoint and API key the requests use, so that metering ships
// real rows), a stand-in control plane serving each gateway its route snapshot, and the gateway
// itself as its own process, started by its production entry point (apps/gateway/src/main.ts,
// real API key authentication and real metering to a spool and PostgreSQL).
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateApiKey } from '@aigrid/api';
import { createPrismaClient, type Db } from '@aigrid/db';
import { migrate } from '@aigrid/db/migrate';
import { seedCatalogue, upsertOrganization, upsertSite } from '@aigrid/db/seed';
import type { RouteEndpoint, RouteReplica, RouteSnapshot } from '@aigrid/routing';
import {
  ensureDatabase,
  freePort,
  startEmbeddedPostgres,
  type PostgresHandle,
} from '../../services';
import { startChild, type Child } from './children';

export const MODEL_ID = 'llama-3.1-8b-instruct';
export const ENDPOINT_NAME = 'bench-chat';
const GATEWAY_TOKEN = 'bench-gateway-token';

export interface SiteSpec {
  /** Replica id; its site and node carry the same name. */
  id: string;
  metroId: string;
  countryCode: string;
}

export interface BenchGrid {
  dir: string;
  databaseUrl: string;
  db: Db;
  apiKey: string;
  organizationId: string;
  endpointId: string;
  /** Site id in the database by replica id. */
  siteIds: Map<string, string>;
  stop(): Promise<void>;
}

export async function startBenchGrid(sites: SiteSpec[]): Promise<BenchGrid> {
  const dir = mkdtempSync(path.join(tmpdir(), 'aigrid-bench-gateway-'));
  // PostgreSQL runs as its own user when we are root: it must be able to enter the folder.
  chmodSync(dir, 0o755);
  let pg: PostgresHandle | undefined;
  let db: Db | undefined;
  try {
    pg = await startEmbeddedPostgres({
      dataDir: path.join(dir, 'pg'),
      port: await freePort(),
      portSetting: 'bench PostgreSQL port',
      log: () => undefined,
    });
    await ensureDatabase(pg.adminUrl, 'aigrid');
    const databaseUrl = pg.urlFor('aigrid');
    await migrate(databaseUrl);
    db = createPrismaClient(databaseUrl);
    await seedCatalogue(db);
    const org = await upsertOrganization(db, {
      name: 'Bench Org',
      kinds: ['DEVELOPER', 'OPERATOR'],
    });
    const siteIds = new Map<string, string>();
    for (const s of sites) {
      const site = await upsertSite(db, org.id, {
        name: s.id,
        metroId: s.metroId,
        jurisdictions: ['EU'],
        uplinkGbps: 10,
        egressPriceMicrosPerGb: 0n,
        nodes: [{ name: s.id, gpuTypeId: 'L40S', gpuCount: 1, status: 'HEALTHY' }],
      });
      siteIds.set(s.id, site.id);
    }
    const endpoint = await db.endpoint.create({
      data: {
        organizationId: org.id,
        name: ENDPOINT_NAME,
        modelId: MODEL_ID,
        sloTtftP95Ms: 1000,
        jurisdictions: ['EU'],
        expectedRps: 10,
        status: 'ACTIVE',
      },
    });
    const key = generateApiKey();
    await db.apiKey.create({
      data: {
        organizationId: org.id,
        name: 'bench',
        prefix: key.prefix,
        secretHash: key.secretHash,
        scopes: ['INFERENCE'],
      },
    });
    const handle = pg;
    const client = db;
    return {
      dir,
      databaseUrl,
      db: client,
      apiKey: key.secret,
      organizationId: org.id,
      endpointId: endpoint.id,
      siteIds,
      async stop() {
        await client.$disconnect();
        await handle.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await db?.$disconnect();
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** The route snapshot of the bench endpoint with the given replicas (URLs as this gateway sees them). */
export function benchSnapshot(
  grid: BenchGrid,
  replicas: {
    spec: SiteSpec;
    url: string;
    perf: Pick<RouteReplica, 'prefillTokensPerS' | 'decodeTokensPerS' | 'maxConcurrency'>;
  }[],
  rttMs: RouteSnapshot['rttMs'],
  defaultMetroId: string,
): RouteSnapshot {
  const endpoint: RouteEndpoint = {
    id: grid.endpointId,
    organizationId: grid.organizationId,
    name: ENDPOINT_NAME,
    modelId: MODEL_ID,
    status: 'ACTIVE',
    jurisdictions: ['EU'],
    defaultMetroId,
    sloTtftP95Ms: 1000,
    replicas: replicas.map(({ spec, url, perf }) => ({
      id: spec.id,
      nodeId: spec.id,
      siteId: grid.siteIds.get(spec.id)!,
      siteName: spec.id,
      metroId: spec.metroId,
      jurisdictions: ['EU'],
      countryCode: spec.countryCode,
      url,
      gpuTypeId: 'L40S',
      gpuCount: 1,
      state: 'READY',
      ...perf,
    })),
  };
  const body = JSON.stringify({ endpoints: [endpoint], rttMs });
  return {
    version: createHash('sha256').update(body).digest('hex').slice(0, 16),
    generatedAt: new Date().toISOString(),
    endpoints: [endpoint],
    rttMs,
  };
}

/** A stand-in for the web app's GET /api/gateway/routes, serving one fixed snapshot. */
export async function startControlPlane(snapshot: RouteSnapshot) {
  const server = createServer((req, res) => {
    if (
      req.url !== '/api/gateway/routes' ||
      req.headers.authorization !== `Bearer ${GATEWAY_TOKEN}`
    ) {
      res.writeHead(401).end();
    } else if (req.headers['if-none-match'] === snapshot.version) {
      res.writeHead(304).end();
    } else {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(snapshot));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface GatewayChild extends Child<{ url: string }> {
  control: { close(): Promise<void> };
}

/** One gateway process (production entry point) serving `snapshot` with `policy`. */
export async function startGatewayChild(
  grid: BenchGrid,
  name: string,
  snapshot: RouteSnapshot,
  policy: string,
  nodeArgs: string[] = [],
): Promise<GatewayChild> {
  const control = await startControlPlane(snapshot);
  try {
    const child = await startChild<{ url: string }>(name, 'apps/gateway/src/main.ts', [], {
      nodeArgs,
      env: {
        GATEWAY_PORT: String(await freePort()),
        DATABASE_URL: grid.databaseUrl,
        AIGRID_CONTROL_URL: control.url,
        AIGRID_GATEWAY_TOKEN: GATEWAY_TOKEN,
        AIGRID_GATEWAY_SPOOL_DIR: mkdtempSync(path.join(grid.dir, `spool-${name}-`)),
        AIGRID_ROUTING_POLICY: policy,
        AIGRID_GATEWAY_MAX_CONCURRENT_PER_KEY: '4096',
        LOG_LEVEL: 'info',
      },
    });
    const stopChild = child.stop;
    return Object.assign(child, {
      control,
      async stop() {
        await stopChild();
        await control.close();
      },
    });
  } catch (err) {
    await control.close();
    throw err;
  }
}
