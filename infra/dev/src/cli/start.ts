// `npm start`: the whole grid locally on embedded defaults. Ctrl-C stops everything it started.
import { DEMO_LOGINS } from '@aigrid/db/seed';
import { parseDevEnv } from '../env';
import { startGrid, type Grid } from '../grid';

const started = Date.now();
const log = (line: string) => process.stdout.write(`${line}\n`);
const dev = process.argv.includes('--dev');

let grid: Grid | undefined;
let stopping = false;

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  log('\nstopping…');
  await grid?.stop();
  log('stopped.');
  process.exit(code);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  const env = parseDevEnv();
  grid = await startGrid({
    env,
    webMode: dev ? 'development' : 'production',
    seed: true,
    agents: true,
    log,
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  log(`
AI Grid is running (ready in ${seconds} s)

  Web app         ${grid.webUrl}
  Health          ${grid.webUrl}/api/health
  Gateway         ${grid.gatewayUrl}/v1   (OpenAI-compatible; metrics at ${grid.gatewayUrl}/metrics)
  Temporal        ${grid.temporalAddress}${grid.temporalUiUrl ? `   (UI ${grid.temporalUiUrl})` : ''}
  Database        ${grid.databaseUrl.replace(/:[^:@/]+@/, ':***@')}

  Demo logins (password for all: ${DEMO_LOGINS.operator.password})
    Operator        ${DEMO_LOGINS.operator.email}   (${DEMO_LOGINS.operator.organization})
    Developer       ${DEMO_LOGINS.developer.email}   (${DEMO_LOGINS.developer.organization})
    Platform admin  ${DEMO_LOGINS.platformAdmin.email}

Press Ctrl-C to stop.`);
  const name = await grid.exited;
  if (!stopping) {
    log(`\n${name} exited unexpectedly (its output is above); stopping the rest.`);
    await shutdown(1);
  }
} catch (err) {
  log(`\nnpm start failed: ${(err as Error).message}`);
  await shutdown(1);
}
