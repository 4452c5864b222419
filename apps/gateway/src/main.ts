// `node --import tsx apps/gateway/src/main.ts`: the gateway process. Settings come from the
// environment (env.ts); SIGINT/SIGTERM stop taking requests, finish those in flight and flush
// the usage spool.
import { readFileSync } from 'node:fs';
import { createPrismaClient } from '@aigrid/db';
import { parseMetroTable } from '@aigrid/routing';
import { parseGatewayEnv } from './env';
import { createLogger } from './logger';
import { createMeter } from './metering';
import { httpSnapshotSource } from './route-state';
import { startGateway } from './server';

async function main(): Promise<number> {
  const bootLog = createLogger();
  let env;
  try {
    env = parseGatewayEnv();
  } catch (err) {
    bootLog.error((err as Error).message);
    return 2;
  }
  const log = createLogger(env.LOG_LEVEL);
  const metroTable = env.AIGRID_METRO_TABLE
    ? parseMetroTable(readFileSync(env.AIGRID_METRO_TABLE, 'utf8'))
    : [];
  const db = createPrismaClient(env.DATABASE_URL);
  // The meter ships usage from its own worker thread, with its own database client.
  const meter = await createMeter({
    dir: env.AIGRID_GATEWAY_SPOOL_DIR,
    databaseUrl: env.DATABASE_URL,
    log,
  });
  const gateway = await startGateway({
    db,
    log,
    meter,
    fetchSnapshot: httpSnapshotSource(env.AIGRID_CONTROL_URL, env.AIGRID_GATEWAY_TOKEN),
    gatewayToken: env.AIGRID_GATEWAY_TOKEN,
    host: env.GATEWAY_HOST,
    port: env.GATEWAY_PORT,
    policy: env.AIGRID_ROUTING_POLICY,
    metroTable,
    trustedProxies: env.AIGRID_GATEWAY_TRUSTED_PROXIES,
    snapshotFile: env.AIGRID_GATEWAY_SNAPSHOT_FILE,
    limits: {
      maxBodyBytes: env.AIGRID_GATEWAY_MAX_BODY_BYTES,
      maxConcurrentPerKey: env.AIGRID_GATEWAY_MAX_CONCURRENT_PER_KEY,
    },
    routePollMs: env.AIGRID_GATEWAY_ROUTE_POLL_MS,
    loadScrapeMs: env.AIGRID_GATEWAY_LOAD_SCRAPE_MS,
    keyCacheMs: env.AIGRID_GATEWAY_KEY_CACHE_MS,
  });
  log.info({ url: gateway.url, policy: env.AIGRID_ROUTING_POLICY }, 'gateway listening');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  log.info('gateway stopping');
  await gateway.close();
  await meter.close();
  await db.$disconnect();
  return 0;
}

process.exitCode = await main();
