// `aigrid-agent --control-plane URL --token agn_… [--gpu-type L40S --gpu-count 4]`
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import pino from 'pino';
import { runAgent } from './agent';
import { parseAgentEnv } from './env';

const FLAGS: Record<string, string> = {
  'control-plane': 'AIGRID_CONTROL_PLANE_URL',
  token: 'AIGRID_ENROLMENT_TOKEN',
  state: 'AIGRID_AGENT_STATE',
  'gpu-type': 'AIGRID_GPU_TYPE',
  'gpu-count': 'AIGRID_GPU_COUNT',
  'engine-command': 'AIGRID_ENGINE_COMMAND',
  'time-scale': 'AIGRID_ENGINE_TIME_SCALE',
  'engine-port-base': 'AIGRID_ENGINE_PORT_BASE',
  temporal: 'TEMPORAL_ADDRESS',
};

const logger = pino({ base: { service: 'aigrid-agent' } });
const log = (level: 'info' | 'warn' | 'error', msg: string, data?: Record<string, unknown>) =>
  logger[level](data ?? {}, msg);

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: Object.fromEntries(Object.keys(FLAGS).map((f) => [f, { type: 'string' as const }])),
    strict: true,
  });
  const source: Record<string, string | undefined> = { ...process.env };
  for (const [flag, name] of Object.entries(FLAGS)) {
    const value = values[flag];
    if (typeof value === 'string') source[name] = value;
  }
  let env;
  try {
    env = parseAgentEnv(source);
  } catch (err) {
    log('error', (err as Error).message);
    return 2;
  }
  logger.level = env.LOG_LEVEL;
  Runtime.install({ shutdownSignals: [], logger: new DefaultLogger('ERROR') });
  let agent;
  try {
    agent = await runAgent(env, log);
  } catch (err) {
    log('error', `the agent could not start: ${(err as Error).message}`);
    return 1;
  }
  const stop = () => void agent.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return (await agent.done) === 'requested' ? 0 : 1;
}

process.exitCode = await main();
