// Starts the whole grid on one machine: PostgreSQL and Temporal (embedded unless external ones
// are configured), migrations, demo data, the Temporal worker, the web app and the inference
// gateway. Used by `npm start` and by the browser tests.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createPrismaClient } from '@aigrid/db';
import { migrate } from '@aigrid/db/migrate';
import { seedDemo } from '@aigrid/db/seed';
import type { DevEnv } from './env';
import { assertPortFree } from './services/ports';
import { ensureDatabase, startEmbeddedPostgres } from './services/postgres';
import { startProcess, waitFor, type ManagedProcess } from './services/process';
import { REPO_ROOT } from './services/paths';
import { startTemporalDevServer } from './services/temporal';
import { buildWebIfChanged } from './web-build';
import { startDemoAgents } from './demo-agents';

export interface GridOptions {
  env: DevEnv;
  /** `production` builds once and runs `next start`; `development` runs `next dev`. */
  webMode: 'production' | 'development';
  seed: boolean;
  /** Start an agent with the simulated engine for every node of the demo grid. */
  agents?: boolean;
  log: (line: string) => void;
  /** Output of child processes; quiet by default except for errors. */
  childLog?: (name: string, line: string) => void;
}

export interface Grid {
  webUrl: string;
  /** The OpenAI-compatible gateway (`${gatewayUrl}/v1`). */
  gatewayUrl: string;
  databaseUrl: string;
  temporalAddress: string;
  temporalUiUrl?: string;
  /** The node agents (named `agent <node name>`), when started with `agents: true`. */
  agents: ManagedProcess[];
  /** Resolves with the name of the first process that exits on its own. */
  exited: Promise<string>;
  stop(): Promise<void>;
}

export async function startGrid(opts: GridOptions): Promise<Grid> {
  const { env, log } = opts;
  const childLog = opts.childLog ?? ((name: string, line: string) => log(`[${name}] ${line}`));
  const stoppers: { name: string; stop: () => Promise<void> }[] = [];
  const services: ManagedProcess[] = [];
  const stop = async () => {
    for (const s of stoppers.reverse()) {
      await s.stop().catch((err: Error) => log(`stopping ${s.name} failed: ${err.message}`));
    }
    stoppers.length = 0;
  };

  try {
    // Fail fast, before starting anything, when a port we need is taken.
    await assertPortFree(env.WEB_PORT, 'WEB_PORT');
    await assertPortFree(env.GATEWAY_PORT, 'GATEWAY_PORT');
    if (!env.TEMPORAL_ADDRESS) {
      await assertPortFree(env.TEMPORAL_PORT, 'TEMPORAL_PORT');
      await assertPortFree(env.TEMPORAL_UI_PORT, 'TEMPORAL_UI_PORT');
    }
    mkdirSync(env.AIGRID_DATA_DIR, { recursive: true });

    let databaseUrl = env.DATABASE_URL;
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres({
        dataDir: path.join(env.AIGRID_DATA_DIR, 'postgres'),
        port: env.AIGRID_PG_PORT,
        portSetting: 'AIGRID_PG_PORT',
        log: (line) => {
          if (/ERROR|FATAL|PANIC/.test(line)) childLog('postgres', line);
        },
      });
      stoppers.push({ name: 'PostgreSQL', stop: pg.stop });
      services.push(pg.process);
      await ensureDatabase(pg.adminUrl, 'aigrid');
      databaseUrl = pg.urlFor('aigrid');
      log(`PostgreSQL ready (embedded, data in ${path.join(env.AIGRID_DATA_DIR, 'postgres')})`);
    }

    const migrated = await migrate(databaseUrl);
    if (migrated.applied.length) log(`applied migrations: ${migrated.applied.join(', ')}`);
    if (opts.seed) {
      const prisma = createPrismaClient(databaseUrl);
      try {
        await seedDemo(prisma);
      } finally {
        await prisma.$disconnect();
      }
    }

    let temporalAddress = env.TEMPORAL_ADDRESS;
    let temporalUiUrl: string | undefined;
    if (!temporalAddress) {
      const temporal = await startTemporalDevServer({
        port: env.TEMPORAL_PORT,
        portSetting: 'TEMPORAL_PORT',
        uiPort: env.TEMPORAL_UI_PORT,
        uiPortSetting: 'TEMPORAL_UI_PORT',
        dbFile: path.join(env.AIGRID_DATA_DIR, 'temporal/temporal.db'),
        log: (line) => childLog('temporal', line),
      });
      stoppers.push({ name: 'Temporal', stop: temporal.stop });
      services.push(temporal.process);
      temporalAddress = temporal.address;
      temporalUiUrl = temporal.uiUrl;
      log(`Temporal ready at ${temporalAddress}`);
    }

    const webUrl = env.NEXTAUTH_URL ?? `http://localhost:${env.WEB_PORT}`;
    const gatewayUrl = `http://127.0.0.1:${env.GATEWAY_PORT}`;
    const shared = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: env.TEMPORAL_NAMESPACE,
      NEXTAUTH_URL: webUrl,
      NEXTAUTH_SECRET: env.NEXTAUTH_SECRET ?? authSecret(env.AIGRID_DATA_DIR),
      NEXT_TELEMETRY_DISABLED: '1',
      // The web app serves route snapshots to gateways and workflows ask them to refresh.
      AIGRID_GATEWAY_URLS: gatewayUrl,
      AIGRID_GATEWAY_TOKEN: env.AIGRID_GATEWAY_TOKEN,
      AIGRID_GATEWAY_PUBLIC_URL: process.env.AIGRID_GATEWAY_PUBLIC_URL || `${gatewayUrl}/v1`,
      // The worker logs JSON; at the default level only what needs a look reaches the terminal.
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    };

    const worker = startNode(
      'worker',
      ['--import', 'tsx', 'workflows/src/worker.ts'],
      shared,
      childLog,
    );
    stoppers.push({ name: 'worker', stop: () => worker.stop() });

    let web: ManagedProcess;
    const nextBin = path.join(REPO_ROOT, 'node_modules/next/dist/bin/next');
    if (opts.webMode === 'production') {
      buildWebIfChanged(log);
      web = startNode(
        'web',
        [nextBin, 'start', '-p', String(env.WEB_PORT)],
        { ...shared, NODE_ENV: 'production' },
        childLog,
        'apps/web',
      );
    } else {
      web = startNode(
        'web',
        [nextBin, 'dev', '-p', String(env.WEB_PORT)],
        { ...shared, NODE_ENV: 'development' },
        childLog,
        'apps/web',
      );
    }
    stoppers.push({ name: 'web', stop: () => web.stop() });
    const healthUrl = `http://127.0.0.1:${env.WEB_PORT}/api/health?deep=1`;
    await waitFor(
      'the web app',
      async () => (await fetch(healthUrl, { signal: AbortSignal.timeout(10_000) })).ok,
      opts.webMode === 'production' ? 60_000 : 180_000,
      Promise.race([web.exited, worker.exited]),
    );
    const gateway = startNode(
      'gateway',
      ['--import', 'tsx', 'apps/gateway/src/main.ts'],
      {
        ...shared,
        GATEWAY_PORT: String(env.GATEWAY_PORT),
        GATEWAY_HOST: '127.0.0.1',
        AIGRID_CONTROL_URL: `http://127.0.0.1:${env.WEB_PORT}`,
        AIGRID_GATEWAY_SPOOL_DIR: path.join(env.AIGRID_DATA_DIR, 'gateway-spool'),
        AIGRID_GATEWAY_SNAPSHOT_FILE: path.join(env.AIGRID_DATA_DIR, 'gateway-routes.json'),
      },
      childLog,
    );
    stoppers.push({ name: 'gateway', stop: () => gateway.stop() });
    await waitFor(
      'the gateway',
      async () => (await fetch(`${gatewayUrl}/health`, { signal: AbortSignal.timeout(5_000) })).ok,
      30_000,
      gateway.exited,
    );
    log(`gateway ready at ${gatewayUrl}/v1`);
    const agents: ManagedProcess[] = [];
    if (opts.agents) {
      const prisma = createPrismaClient(databaseUrl);
      try {
        agents.push(
          ...(await startDemoAgents({
            db: prisma,
            dataDir: env.AIGRID_DATA_DIR,
            controlPlaneUrl: `http://127.0.0.1:${env.WEB_PORT}`,
            temporalAddress,
            env: shared,
            childLog,
          })),
        );
      } finally {
        await prisma.$disconnect();
      }
      for (const agent of agents) stoppers.push({ name: agent.name, stop: () => agent.stop() });
      log(`started ${agents.length} node agents with the simulated engine`);
    }
    // A node agent that dies is a node lost, which the grid handles; the grid itself stops when
    // one of its own processes does.
    const exited = Promise.race(
      [worker, web, gateway, ...services].map((p) => p.exited.then(() => p.name)),
    );
    return {
      webUrl,
      gatewayUrl,
      databaseUrl,
      temporalAddress,
      temporalUiUrl,
      agents,
      exited,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

function startNode(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  childLog: (name: string, line: string) => void,
  cwd = '.',
): ManagedProcess {
  return startProcess(name, process.execPath, args, {
    cwd: path.join(REPO_ROOT, cwd),
    env,
    log: (line) => childLog(name, line),
  });
}

/** The session-signing secret of this data folder: generated once, kept private. */
function authSecret(dataDir: string): string {
  const file = path.join(dataDir, 'auth-secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}
