// provisionEndpoint (workflow id `endpoint-provision-<endpointId>`): place the endpoint on the
// live grid → reserve capacity on each chosen node (once per idempotency key) → load the model on
// each node's own task queue → mark the replicas READY → publish routes → ACTIVE. A node that
// fails is compensated (what loaded is unloaded, every reservation of the attempt released) and
// left out of the next placement, up to `provisionAttempts`; then the endpoint is FAILED with a
// reason a user can act on. Every step is an event of the endpoint and the `progress` query.
// A resume right after a pause first lets the pause finish releasing the endpoint's replicas
// (bounded), so that placement sees their GPUs free, and keeps serving replicas it never reached.
import {
  CancellationScope,
  isCancellation,
  ParentClosePolicy,
  patched,
  setHandler,
  sleep,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { PlannedReplica, ReplicaView } from '../activities/endpoint-activities';
import type { ControlSettings } from '../control-settings';
import { progressQuery, reconcileWorkflowId, type Progress } from './definitions';
import { reconcileEndpoint } from './reconcile-endpoint';
import {
  control,
  failureMessage,
  failureType,
  list,
  loadReplica,
  retireReplicas,
} from './replica-steps';

const CAPACITY_POLL_MS = 2_000;
const RELEASE_POLL_MS = 1_000;
/** Beyond the drain grace, how long the pause's unloading may take before placing regardless. */
const RELEASE_MARGIN_MS = 60_000;
/** Workflows started before this change placed at once, whatever the endpoint still held. */
const SETTLE_EARLIER_REPLICAS = 'settle-earlier-replicas';

export interface ProvisionResult {
  outcome: 'active' | 'failed' | 'skipped';
  replicas: { replicaId: string; nodeId: string; url: string }[];
  failureReason: string | null;
}

interface Held {
  replicaId: string;
  nodeId: string;
  nodeName: string;
  siteName: string;
  gpuCount: number;
  url: string | null;
}

const where = (r: PlannedReplica) => `${r.nodeName} (${r.siteName})`;

export async function provisionEndpoint(endpointId: string): Promise<ProvisionResult> {
  const progress: Progress = { phase: 'starting', attempt: 0, steps: [], failureReason: null };
  setHandler(progressQuery, () => progress);
  const step = async (phase: Progress['phase'], message: string, data?: object) => {
    progress.phase = phase;
    progress.steps.push({ at: new Date().toISOString(), message });
    await control.recordEvent({
      endpointId,
      kind: 'step',
      message,
      ...(data ? { data: data as never } : {}),
    });
  };

  const endpoint = await control.loadEndpoint(endpointId);
  if (!endpoint || endpoint.status !== 'PROVISIONING') {
    return { outcome: 'skipped', replicas: [], failureReason: null };
  }
  const settings = endpoint.settings;
  const excluded: string[] = [];
  const problems: string[] = [];
  let held: Held[] = [];

  /**
   * Marks `loaded` READY, routes the replicas held, and ACTIVE; false if the endpoint was paused
   * or retired meanwhile.
   */
  const activate = async (message: string, loaded: Held[]): Promise<boolean> => {
    await Promise.all(
      loaded.map((h) =>
        control.setReplicaState({ replicaId: h.replicaId, state: 'READY', from: ['LOADING'] }),
      ),
    );
    progress.phase = 'publishing';
    await control.publishRoutes({ endpointId });
    const { changed } = await control.setEndpointStatus({
      endpointId,
      status: 'ACTIVE',
      from: ['PROVISIONING'],
      event: { kind: 'step', message },
    });
    if (!changed) return false;
    progress.phase = 'active';
    progress.steps.push({ at: new Date().toISOString(), message: 'Active.' });
    await startReconcile(endpointId);
    return true;
  };
  const activeResult = (): ProvisionResult => ({
    outcome: 'active',
    replicas: held.map((h) => ({ replicaId: h.replicaId, nodeId: h.nodeId, url: h.url ?? '' })),
    failureReason: null,
  });
  const skipped: ProvisionResult = { outcome: 'skipped', replicas: [], failureReason: null };

  if (patched(SETTLE_EARLIER_REPLICAS) && endpoint.replicas.length > 0) {
    const kept = await settleEarlierReplicas(endpoint.replicas);
    if (kept === null) return skipped;
    if (kept.length > 0) {
      held = kept.map((r) => ({ ...r, replicaId: r.id }));
      const serving = `${kept.length} replica${kept.length === 1 ? '' : 's'}`;
      const message = `Active: kept ${serving} serving from ${list(kept.map((r) => r.siteName))} that the pause had not released; the reconcile keeps them to the SLO.`;
      // Paused or decommissioned meanwhile: their workflows own the replicas now.
      return (await activate(message, [])) ? activeResult() : skipped;
    }
  }

  const compensate = async (why: string) => {
    if (held.length === 0) return;
    const views: ReplicaView[] = held.map((h) => ({
      id: h.replicaId,
      nodeId: h.nodeId,
      nodeName: h.nodeName,
      siteName: h.siteName,
      state: 'LOADING',
      gpuCount: h.gpuCount,
      url: h.url,
      nodeAlive: true,
      nodeDraining: false,
    }));
    // Nothing was routed yet: no grace period.
    await retireReplicas(endpointId, views, settings, 0);
    await step(
      'placing',
      `Released ${held.length} reservation${held.length === 1 ? '' : 's'} (${why}).`,
    );
    held = [];
  };

  const fail = async (reason: string): Promise<ProvisionResult> => {
    progress.phase = 'failed';
    progress.failureReason = reason;
    await control.setEndpointStatus({
      endpointId,
      status: 'FAILED',
      from: ['PROVISIONING'],
      failureReason: reason,
      event: { kind: 'failed', message: `Provisioning failed: ${reason}` },
    });
    return { outcome: 'failed', replicas: [], failureReason: reason };
  };

  try {
    for (let attempt = 1; attempt <= settings.provisionAttempts; attempt++) {
      progress.attempt = attempt;
      await step(
        'placing',
        attempt === 1
          ? 'Placing the endpoint on the live grid.'
          : `Placing again without ${excluded.length} failed node${excluded.length === 1 ? '' : 's'} (attempt ${attempt} of ${settings.provisionAttempts}).`,
      );
      let plan = await control.planPlacement({ endpointId, excludeNodeIds: [...excluded] });
      // Nodes still starting (or briefly silent) would make it feasible: wait for them, bounded.
      for (let waited = 0; plan.waitForNodes && waited < settings.capacityWaitMs;) {
        if (waited === 0) {
          await step('placing', 'Waiting for nodes that are starting or not reporting yet.');
        }
        await sleep(CAPACITY_POLL_MS);
        waited += CAPACITY_POLL_MS;
        plan = await control.planPlacement({ endpointId, excludeNodeIds: [...excluded] });
      }
      if (!plan.feasible || plan.replicas.length === 0) {
        const reasons = plan.reasons.length > 0 ? plan.reasons : ['No node can serve it.'];
        return await fail([...problems, ...reasons].join(' '));
      }
      await step(
        'reserving',
        `Placement chose ${list(plan.replicas.map(where))}; predicted p95 ${plan.perMetro
          .map((m) => `${m.metroId} ${m.p95TtftMs ?? '–'} ms`)
          .join(', ')}.`,
        { replicas: plan.replicas, perMetro: plan.perMetro },
      );

      const failedNodes = await reserveAndLoad(plan.replicas, attempt, endpoint.modelId, settings);
      if (failedNodes.length === 0) {
        const serving = `${held.length} replica${held.length === 1 ? '' : 's'}`;
        const message = `Active: ${serving} serving from ${list(held.map((h) => h.siteName))}.`;
        // Paused or decommissioned meanwhile: their workflows own the replicas now.
        return (await activate(message, held)) ? activeResult() : skipped;
      }
      for (const f of failedNodes) {
        excluded.push(f.nodeId);
        problems.push(`${f.nodeName} (${f.siteName}) failed: ${f.message}.`);
      }
      await compensate(`${list(failedNodes.map((f) => f.nodeName))} failed`);
    }
    return await fail(
      `${problems.join(' ')} Gave up after ${settings.provisionAttempts} attempts.`,
    );
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(() => compensate('provisioning was cancelled'));
    }
    throw err;
  }

  /**
   * The replicas the endpoint still holds when provisioning starts: a resume right after a pause.
   * Those the pause is releasing (draining, unloading) are waited for, bounded, so that
   * placement sees their GPUs free; serving ones on live nodes, which the pause never reached,
   * are kept; the rest are released. Returns the kept ones, or null if the endpoint is no longer
   * provisioning.
   */
  async function settleEarlierReplicas(replicas: ReplicaView[]): Promise<ReplicaView[] | null> {
    const releasing = (r: ReplicaView) => r.state === 'DRAINING' || r.state === 'UNLOADING';
    let left = replicas;
    if (left.some(releasing)) {
      const n = left.filter(releasing).length;
      await step(
        'placing',
        `Waiting for the pause to release ${n} replica${n === 1 ? '' : 's'} before placing again.`,
      );
      const bound = settings.drainGraceMs + RELEASE_MARGIN_MS;
      for (let waited = 0; left.some(releasing) && waited < bound;) {
        await sleep(RELEASE_POLL_MS);
        waited += RELEASE_POLL_MS;
        const current = await control.loadEndpoint(endpointId);
        if (!current || current.status !== 'PROVISIONING') return null;
        left = current.replicas;
      }
    }
    const kept = left.filter((r) => r.state === 'READY' && r.nodeAlive && !r.nodeDraining);
    const rest = left.filter((r) => !kept.includes(r) && !releasing(r));
    if (rest.length > 0) {
      await retireReplicas(endpointId, rest, settings, settings.drainGraceMs);
      await step(
        'placing',
        `Released ${rest.length} replica${rest.length === 1 ? '' : 's'} left from before the pause.`,
      );
    }
    return kept;
  }

  /** Reserves and loads every planned replica; returns the nodes that failed. */
  async function reserveAndLoad(
    planned: PlannedReplica[],
    attempt: number,
    modelId: string,
    s: ControlSettings,
  ) {
    const failed: { nodeId: string; nodeName: string; siteName: string; message: string }[] = [];
    const ordinal = new Map<string, number>();
    const reserved = await Promise.all(
      planned.map(async (r) => {
        const n = (ordinal.get(r.nodeId) ?? 0) + 1;
        ordinal.set(r.nodeId, n);
        try {
          const { replicaId } = await control.reserveReplica({
            endpointId,
            nodeId: r.nodeId,
            gpuCount: r.gpuCount,
            // Stable across retries and replays of this run; a later run (resume) reserves anew.
            idempotencyKey: `${endpointId}:${r.nodeId}:${workflowInfo().runId}/${attempt}.${n}`,
            workflowId: workflowInfo().workflowId,
          });
          const h: Held = { ...r, replicaId, url: null };
          held.push(h);
          return h;
        } catch (err) {
          if (failureType(err) === 'EndpointRetired') throw err;
          failed.push({ ...r, message: failureMessage(err) });
          return null;
        }
      }),
    );
    if (failed.length > 0) return failed;
    await step(
      'loading',
      `Reserved ${list(planned.map((r) => `${r.gpuCount} GPU${r.gpuCount === 1 ? '' : 's'} on ${r.nodeName}`))}; loading ${modelId}.`,
    );
    await Promise.all(
      reserved.map(async (h) => {
        if (!h) return;
        try {
          h.url = await loadReplica(h, modelId, s);
        } catch (err) {
          failed.push({ ...h, message: failureMessage(err) });
        }
      }),
    );
    if (failed.length === 0) {
      await step(
        'publishing',
        `Loaded on ${list(planned.map((r) => r.nodeName))}; publishing routes.`,
      );
    }
    return failed;
  }
}

/** Starts the endpoint's reconcile loop; it outlives this workflow. */
async function startReconcile(endpointId: string) {
  try {
    await startChild(reconcileEndpoint, {
      workflowId: reconcileWorkflowId(endpointId),
      args: [endpointId],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  } catch (err) {
    // The dispatcher may have started it first: one reconcile per endpoint.
    if ((err as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw err;
  }
}
