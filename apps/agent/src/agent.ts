// The node agent: enrols (once) or reuses its credential, runs a Temporal worker on the node's
// own task queue for the provisioning activities, and heartbeats live health.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createAgentActivities } from './activities';
import { ControlPlaneError, enrol, sendHeartbeat, type Enrolment } from './control-plane';
import { EngineSupervisor } from './engine-supervisor';
import type { AgentEnv } from './env';
import { detectGpus } from './gpu-inventory';
import { HealthReporter } from './health-reporter';

export const AGENT_VERSION = '0.1.0';

export type StopReason = 'requested' | 'revoked' | 'worker-failed';

type Log = (level: 'info' | 'warn' | 'error', msg: string, data?: Record<string, unknown>) => void;

interface AgentState {
  controlPlaneUrl: string;
  nodeId: string;
  taskQueue: string;
  agentSecret: string;
  heartbeatIntervalMs: number;
}

export interface RunningAgent {
  nodeId: string;
  taskQueue: string;
  supervisor: EngineSupervisor;
  stop(reason?: StopReason): Promise<void>;
  /** Resolves when the agent has stopped: asked to, or by itself (credential revoked, worker failure). */
  done: Promise<StopReason>;
}

function loadState(file: string, controlPlaneUrl: string): AgentState | null {
  if (!existsSync(file)) return null;
  const state = JSON.parse(readFileSync(file, 'utf8')) as AgentState;
  return state.controlPlaneUrl === controlPlaneUrl ? state : null;
}

function saveState(file: string, state: AgentState) {
  writeFileSync(file, JSON.stringify(state, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** Enrols with the token when one is given; otherwise reuses the saved credential. */
async function identity(env: AgentEnv, log: Log): Promise<AgentState> {
  const base = env.AIGRID_CONTROL_PLANE_URL.replace(/\/$/, '');
  if (env.AIGRID_ENROLMENT_TOKEN) {
    const gpus = detectGpus({ gpuTypeId: env.AIGRID_GPU_TYPE, gpuCount: env.AIGRID_GPU_COUNT });
    const e: Enrolment = await enrol(base, env.AIGRID_ENROLMENT_TOKEN, {
      gpus,
      agentUrl: env.AIGRID_AGENT_URL,
      agentVersion: AGENT_VERSION,
    });
    const state = {
      controlPlaneUrl: base,
      nodeId: e.nodeId,
      taskQueue: e.taskQueue,
      agentSecret: e.agentSecret,
      heartbeatIntervalMs: e.heartbeatIntervalMs,
    };
    saveState(env.AIGRID_AGENT_STATE, state);
    log('info', 'enrolled', { nodeId: e.nodeId, node: e.nodeName });
    return state;
  }
  const saved = loadState(env.AIGRID_AGENT_STATE, base);
  if (!saved) {
    throw new ControlPlaneError(
      401,
      `No enrolment token and no saved credential in ${env.AIGRID_AGENT_STATE}: start the agent ` +
        'with --token agn_… from the console or `aigrid nodes enroll`.',
    );
  }
  return saved;
}

export async function runAgent(env: AgentEnv, log: Log): Promise<RunningAgent> {
  const state = await identity(env, log);
  const gpus = detectGpus({ gpuTypeId: env.AIGRID_GPU_TYPE, gpuCount: env.AIGRID_GPU_COUNT });
  // Check the credential before starting anything: a revoked agent must not run a worker.
  let beatNow: () => void = () => {};
  const supervisor = new EngineSupervisor({
    command: env.AIGRID_ENGINE_COMMAND,
    timeScale: env.AIGRID_ENGINE_TIME_SCALE,
    portBase: env.AIGRID_ENGINE_PORT_BASE,
    log: (msg, data) => log('warn', msg, data),
    // A crash is reported at once, not at the next periodic heartbeat.
    onCrash: () => beatNow(),
  });
  const reporter = new HealthReporter(state.nodeId, supervisor);
  await sendHeartbeat(state.controlPlaneUrl, state.agentSecret, await reporter.collect());

  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: state.taskQueue,
    activities: createAgentActivities({ supervisor, gpuTypeId: gpus.gpuTypeId }),
  });
  const workerRun = worker.run();

  let stopped = false;
  let resolveDone: (reason: StopReason) => void = () => {};
  const done = new Promise<StopReason>((r) => (resolveDone = r));
  const stop = async (reason: StopReason = 'requested') => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await workerRun.catch((err: Error) => log('error', 'worker failed', { error: err.message }));
    await supervisor.stopAll();
    await connection.close();
    resolveDone(reason);
  };
  workerRun.catch(async (err: Error) => {
    log('error', 'worker failed', { error: err.message });
    await stop('worker-failed');
  });

  const beat = () => {
    void (async () => {
      try {
        await sendHeartbeat(state.controlPlaneUrl, state.agentSecret, await reporter.collect());
      } catch (err) {
        if (err instanceof ControlPlaneError && err.status === 401) {
          log('error', 'the control plane refused this agent’s credential; stopping', {
            error: err.message,
          });
          await stop('revoked');
        } else {
          log('warn', 'heartbeat failed', { error: (err as Error).message });
        }
      }
    })();
  };
  beatNow = beat;
  const timer = setInterval(beat, state.heartbeatIntervalMs);

  log('info', 'agent running', { nodeId: state.nodeId, taskQueue: state.taskQueue });
  return { nodeId: state.nodeId, taskQueue: state.taskQueue, supervisor, stop, done };
}
