// The Temporal worker: runs the workflows in ./workflows and the activities built by
// createActivities. Start it with `npm start -w @aigrid/workflows` (tsx src/worker.ts).
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPrismaClient, type Db } from '@aigrid/db';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from './activities/create-activities';
import { createGridControl } from './client';
import { DEFAULT_CONTROL_SETTINGS, type ControlSettings } from './control-settings';
import { startDispatcher } from './dispatcher';
import { controlSettingsFromEnv, loadWorkerEnv } from './env';
import { createLogger, temporalLogger, type Logger } from './logger';

/** The module the worker bundles for the workflow sandbox. */
export const workflowsPath = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  prisma: Db;
  /** Pacing and gateways of the workflows (defaults: the local grid's). */
  settings?: ControlSettings;
}

/** A worker for every workflow and activity of AI Grid; call `run()` on it to start polling. */
export function createWorker({
  connection,
  namespace,
  taskQueue,
  prisma,
  settings = DEFAULT_CONTROL_SETTINGS,
}: CreateWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowsPath,
    activities: createActivities({ prisma, settings }),
  });
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs the worker until SIGINT or SIGTERM; resolves to the process exit code. */
async function main(): Promise<number> {
  let env;
  try {
    env = loadWorkerEnv();
  } catch (err) {
    // LOG_LEVEL may be the bad setting: report with the default level.
    createLogger('info').fatal(errorMessage(err));
    return 1;
  }
  const logger = createLogger(env.LOG_LEVEL);
  // Our own signal handlers below shut the worker down; the SDK's would race them.
  Runtime.install({
    logger: temporalLogger(logger.child({ source: 'temporal' })),
    shutdownSignals: [],
  });
  const where = {
    temporalAddress: env.TEMPORAL_ADDRESS,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
  };

  const prisma = createPrismaClient(env.DATABASE_URL);
  const settings = controlSettingsFromEnv(env);
  let connection: NativeConnection | undefined;
  let clientConnection: Connection | undefined;
  try {
    connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
    clientConnection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
    const worker = await createWorker({
      connection,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      prisma,
      settings,
    });
    const control = createGridControl(
      new Client({ connection: clientConnection, namespace: env.TEMPORAL_NAMESPACE }),
      { taskQueue: env.TEMPORAL_TASK_QUEUE },
    );
    stopOnSignals(worker, logger);
    const running = worker.run();
    const dispatcher = startDispatcher({
      prisma,
      control,
      periodMs: env.AIGRID_DISPATCH_PERIOD_MS,
      nodeDownAfterMs: settings.nodeDownAfterMs,
      logger: logger.child({ source: 'dispatcher' }),
    });
    logger.info({ ...where, gateways: settings.gatewayUrls.length }, 'worker running');
    try {
      await running;
    } finally {
      await dispatcher.stop();
    }
    logger.info(where, 'worker stopped');
    return 0;
  } catch (err) {
    logger.fatal({ ...where, err }, 'worker failed');
    return 1;
  } finally {
    await prisma
      .$disconnect()
      .catch((err: unknown) => logger.error({ err }, 'prisma disconnect failed'));
    await connection
      ?.close()
      .catch((err: unknown) => logger.error({ err }, 'Temporal close failed'));
    await clientConnection
      ?.close()
      .catch((err: unknown) => logger.error({ err }, 'Temporal client close failed'));
  }
}

function stopOnSignals(worker: Worker, logger: Logger) {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting for the worker');
      process.exit(130);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down worker');
    if (worker.getState() === 'RUNNING') worker.shutdown();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** True when this file is the process's entry point (`tsx src/worker.ts`), not an import. */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(path.resolve(script)) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  process.exit(await main());
}
