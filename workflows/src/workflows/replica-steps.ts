// Steps on replicas shared by the workflows (sandboxed, deterministic): the control activities,
// the agent's activities on each node's own task queue, loading a replica and retiring replicas
// make-before-break style (unroute, let in-flight requests finish, unload, release). A retired
// replica is unloaded as soon as its engine is idle (within the drain grace), not after the
// whole grace.
import type { AgentActivities } from '@aigrid/agent/activities';
import {
  ActivityFailure,
  ApplicationFailure,
  patched,
  proxyActivities,
  sleep,
  TimeoutFailure,
} from '@temporalio/workflow';
import type { Activities } from '../activities/create-activities';
import type { ReplicaView } from '../activities/endpoint-activities';
import type { ControlSettings } from '../control-settings';

/**
 * Database and gateway activities, on the control plane's own task queue. Short: a worker that
 * dies mid-activity has it retried elsewhere after this long.
 */
export const control = proxyActivities<Activities>({
  startToCloseTimeout: '20s',
  retry: {
    initialInterval: '500ms',
    backoffCoefficient: 2,
    maximumInterval: '10s',
    maximumAttempts: 8,
  },
});

/** The agent's activities on `node.<nodeId>`: a node whose agent is gone fails fast. */
export function nodeAgent(nodeId: string, settings: ControlSettings) {
  return proxyActivities<AgentActivities>({
    taskQueue: `node.${nodeId}`,
    scheduleToStartTimeout: settings.nodeStartTimeoutMs,
    startToCloseTimeout: settings.modelReadyTimeoutMs + 30_000,
    heartbeatTimeout: '30s',
    retry: { initialInterval: '1s', maximumAttempts: 2 },
  });
}

/** Routes reach every gateway within this (pushed at once, else polled within a second). */
const ROUTES_SETTLE_MS = 2_000;
/** Workflows started before this change waited the whole grace whatever the engines ran. */
const DRAIN_UNTIL_IDLE = 'drain-until-idle';

/** The agent's idle wait on `node.<nodeId>`, allowed the whole grace. */
function drainingAgent(nodeId: string, settings: ControlSettings, graceMs: number) {
  return proxyActivities<AgentActivities>({
    taskQueue: `node.${nodeId}`,
    scheduleToStartTimeout: settings.nodeStartTimeoutMs,
    startToCloseTimeout: graceMs + 30_000,
    heartbeatTimeout: '30s',
    retry: { maximumAttempts: 1 },
  });
}

/**
 * Waits, at most `graceMs`, until each unrouted replica's engine has finished what it runs, and
 * at least the time routes take to reach the gateways. An agent that cannot tell (unreachable,
 * or older) gets the whole grace.
 */
async function drainUntilIdle(
  replicas: readonly ReplicaView[],
  settings: ControlSettings,
  graceMs: number,
): Promise<void> {
  const started = Date.now();
  await Promise.all(
    replicas.map(async (r) => {
      try {
        await drainingAgent(r.nodeId, settings, graceMs).waitIdle({
          replicaId: r.id,
          minMs: Math.min(graceMs, ROUTES_SETTLE_MS),
          maxMs: graceMs,
        });
      } catch (err) {
        if (!(err instanceof ActivityFailure)) throw err;
        const left = graceMs - (Date.now() - started);
        if (left > 0) await sleep(left);
      }
    }),
  );
}

/** A readable reason for an activity's failure. */
export function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure) {
    const cause = err.cause;
    if (cause instanceof TimeoutFailure) {
      return cause.timeoutType === 'SCHEDULE_TO_START'
        ? 'its agent did not pick the work up in time (node offline?)'
        : `timed out (${cause.timeoutType?.toLowerCase().replace(/_/g, ' ') ?? 'timeout'})`;
    }
    return cause?.message ?? err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

export function failureType(err: unknown): string | undefined {
  return err instanceof ActivityFailure && err.cause instanceof ApplicationFailure
    ? (err.cause.type ?? undefined)
    : undefined;
}

/** Loads the model for a reserved replica; it stays LOADING (unrouted) with its URL. */
export async function loadReplica(
  replica: { replicaId: string; nodeId: string; gpuCount: number },
  modelId: string,
  settings: ControlSettings,
): Promise<string> {
  await control.setReplicaState({
    replicaId: replica.replicaId,
    state: 'LOADING',
    from: ['RESERVED'],
  });
  const loaded = await nodeAgent(replica.nodeId, settings).loadModel({
    replicaId: replica.replicaId,
    modelId,
    gpuCount: replica.gpuCount,
    readyTimeoutMs: settings.modelReadyTimeoutMs,
  });
  await control.setReplicaState({
    replicaId: replica.replicaId,
    state: 'LOADING',
    url: loaded.url,
    from: ['LOADING'],
  });
  return loaded.url;
}

export interface RetireOutcome {
  released: number;
  failed: number;
}

/**
 * Retires replicas: those on dead nodes are marked FAILED (they cannot be unloaded); the rest
 * stop taking new requests (DRAINING), keep serving what they run (at most `graceMs`) if they
 * served, then are unloaded and RELEASED. Routes are published after each change of the routed
 * set.
 */
export async function retireReplicas(
  endpointId: string,
  replicas: readonly ReplicaView[],
  settings: ControlSettings,
  graceMs: number,
): Promise<RetireOutcome> {
  if (replicas.length === 0) return { released: 0, failed: 0 };
  const dead = replicas.filter((r) => !r.nodeAlive);
  const alive = replicas.filter((r) => r.nodeAlive);
  await Promise.all([
    ...dead.map((r) =>
      control.setReplicaState({
        replicaId: r.id,
        state: 'FAILED',
        from: ['RESERVED', 'LOADING', 'READY', 'DRAINING', 'UNLOADING'],
      }),
    ),
    ...alive.map((r) =>
      control.setReplicaState({
        replicaId: r.id,
        state: 'DRAINING',
        from: ['RESERVED', 'LOADING', 'READY', 'DRAINING'],
      }),
    ),
  ]);
  await control.publishRoutes({ endpointId });
  const served = alive.filter((r) => r.state === 'READY' || r.state === 'DRAINING');
  if (served.length > 0 && graceMs > 0) {
    if (patched(DRAIN_UNTIL_IDLE)) await drainUntilIdle(served, settings, graceMs);
    else await sleep(graceMs);
  }
  let failed = dead.length;
  await Promise.all(
    alive.map(async (r) => {
      await control.setReplicaState({ replicaId: r.id, state: 'UNLOADING', from: ['DRAINING'] });
      try {
        await nodeAgent(r.nodeId, settings).unloadModel({ replicaId: r.id });
        await control.setReplicaState({ replicaId: r.id, state: 'RELEASED', from: ['UNLOADING'] });
      } catch (err) {
        if (!(err instanceof ActivityFailure)) throw err;
        failed += 1;
        await control.setReplicaState({ replicaId: r.id, state: 'FAILED', from: ['UNLOADING'] });
      }
    }),
  );
  if (alive.length > 0) await control.publishRoutes({ endpointId });
  return { released: alive.length - (failed - dead.length), failed };
}

export function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
