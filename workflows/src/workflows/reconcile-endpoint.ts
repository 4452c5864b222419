// reconcileEndpoint (workflow id `endpoint-reconcile-<endpointId>`): one per serving endpoint.
// Each pass (every `reconcilePeriodMs`, or at once on a signal) it reads node health and the
// gateways' observed latency, and applies placement's minimal moves make-before-break: replicas
// on dead nodes are unrouted at once; new replicas are loaded and routed before old ones drain,
// finish their in-flight requests and are released. It scales in a surplus replica when idle or
// over budget. Every decision is an event with its reason. Paused: it releases the replicas and
// ends; retired or failed endpoints end it too. It continues as new to bound its history.
import { condition, continueAsNew, setHandler, uuid4, workflowInfo } from '@temporalio/workflow';
import type { ReplicaView } from '../activities/endpoint-activities';
import type { ReconcilePlan } from '../activities/reconcile-activities';
import type { ControlSettings } from '../control-settings';
import {
  nudgeSignal,
  pauseSignal,
  reconcileStatusQuery,
  updateSpecSignal,
  type ReconcileStatus,
} from './definitions';
import { control, failureMessage, list, loadReplica, retireReplicas } from './replica-steps';

export interface ReconcileState {
  /** Passes in a row that found a surplus replica (scale in after `scaleInAfterPasses`). */
  surplusPasses: number;
  /** Nodes where adding a replica failed, with the pass until which they are left out. */
  avoid: { nodeId: string; untilPass: number }[];
  /** Passes over all runs. */
  pass: number;
}

export interface ReconcileResult {
  stopped: 'paused' | 'retired' | 'gone' | 'not-serving';
}

const AVOID_PASSES = 5;

export async function reconcileEndpoint(
  endpointId: string,
  carried?: ReconcileState,
): Promise<ReconcileResult> {
  const state: ReconcileState = carried ?? { surplusPasses: 0, avoid: [], pass: 0 };
  const status: ReconcileStatus = { iteration: 0, lastPassAt: null, lastDecision: null };
  let wake = false;
  setHandler(updateSpecSignal, () => void (wake = true));
  setHandler(pauseSignal, () => void (wake = true));
  setHandler(nudgeSignal, () => void (wake = true));
  setHandler(reconcileStatusQuery, () => status);

  const event = (message: string, data?: object) =>
    control.recordEvent({
      endpointId,
      kind: 'reconcile',
      message,
      ...(data ? { data: data as never } : {}),
    });

  for (;;) {
    const endpoint = await control.loadEndpoint(endpointId);
    if (!endpoint) return { stopped: 'gone' };
    const settings = endpoint.settings;
    if (endpoint.status === 'PAUSED') {
      const out = await retireReplicas(
        endpointId,
        endpoint.replicas,
        settings,
        settings.drainGraceMs,
      );
      await event(
        `Paused: unrouted, unloaded and released ${out.released + out.failed} replica${out.released + out.failed === 1 ? '' : 's'}.`,
      );
      return { stopped: 'paused' };
    }
    if (endpoint.status === 'DECOMMISSIONING' || endpoint.status === 'DECOMMISSIONED') {
      return { stopped: 'retired' };
    }
    if (endpoint.status !== 'ACTIVE' && endpoint.status !== 'DEGRADED') {
      return { stopped: 'not-serving' };
    }

    state.pass += 1;
    state.avoid = state.avoid.filter((a) => a.untilPass >= state.pass);
    const plan = await control.planReconcile({
      endpointId,
      excludeNodeIds: state.avoid.map((a) => a.nodeId),
    });
    const decision = await applyPlan(
      endpointId,
      endpoint.modelId,
      endpoint.replicas,
      plan,
      settings,
      state,
      event,
    );
    status.iteration += 1;
    status.lastPassAt = new Date().toISOString();
    status.lastDecision = decision;

    const info = workflowInfo();
    if (status.iteration >= settings.reconcileIterationsPerRun || info.continueAsNewSuggested) {
      await continueAsNew<typeof reconcileEndpoint>(endpointId, state);
    }
    wake = false;
    await condition(() => wake, settings.reconcilePeriodMs);
  }
}

/** Applies one pass's plan; returns what it did, in words. */
async function applyPlan(
  endpointId: string,
  modelId: string,
  replicas: ReplicaView[],
  plan: ReconcilePlan,
  settings: ControlSettings,
  state: ReconcileState,
  event: (message: string, data?: object) => Promise<void>,
): Promise<string> {
  const why = plan.reasons.length > 0 ? ` because ${plan.reasons.join('; ')}` : '';
  let degraded = false;

  // 1. Replicas on dead nodes cannot serve or be unloaded: unroute them before anything else.
  if (plan.dead.length > 0) {
    await retireReplicas(endpointId, plan.dead, settings, 0);
    await event(
      `Unrouted ${plan.dead.length} replica${plan.dead.length === 1 ? '' : 's'} on ${list([
        ...new Set(plan.dead.map((d) => d.nodeName)),
      ])}: the node stopped heartbeating.`,
    );
  }

  // 2. Make: reserve and load every new replica, route them together.
  const added: string[] = [];
  if (plan.adds.length > 0) {
    await event(
      `Adding ${plan.adds.length} replica${plan.adds.length === 1 ? '' : 's'} on ${list(plan.adds.map((a) => `${a.nodeName} (${a.siteName})`))}${why}.`,
      { adds: plan.adds, sloAtRisk: plan.sloAtRisk, observed: plan.observed },
    );
    const ready: string[] = [];
    await Promise.all(
      plan.adds.map(async (a) => {
        let replicaId: string | null = null;
        try {
          ({ replicaId } = await control.reserveReplica({
            endpointId,
            nodeId: a.nodeId,
            gpuCount: a.gpuCount,
            idempotencyKey: `${endpointId}:${a.nodeId}:${uuid4()}`,
            workflowId: workflowInfo().workflowId,
          }));
          await loadReplica(
            { replicaId, nodeId: a.nodeId, gpuCount: a.gpuCount },
            modelId,
            settings,
          );
          ready.push(replicaId);
          added.push(a.nodeName);
        } catch (err) {
          degraded = true;
          state.avoid.push({ nodeId: a.nodeId, untilPass: state.pass + AVOID_PASSES });
          if (replicaId) {
            await retireReplicas(
              endpointId,
              [
                {
                  id: replicaId,
                  nodeId: a.nodeId,
                  nodeName: a.nodeName,
                  siteName: a.siteName,
                  state: 'LOADING',
                  gpuCount: a.gpuCount,
                  url: null,
                  nodeAlive: true,
                  nodeDraining: false,
                },
              ],
              settings,
              0,
            );
          }
          await event(
            `Could not add a replica on ${a.nodeName}: ${failureMessage(err)}; trying elsewhere next pass.`,
          );
        }
      }),
    );
    if (ready.length > 0) {
      await Promise.all(
        ready.map((replicaId) =>
          control.setReplicaState({ replicaId, state: 'READY', from: ['LOADING'] }),
        ),
      );
      await control.publishRoutes({ endpointId });
      await event(`Routed the new replica${ready.length === 1 ? '' : 's'} on ${list(added)}.`);
    }
  }

  // 3. Break: retire what placement moves away, only once every replacement serves.
  let removes = plan.removes;
  if (plan.surplus && removes.length === 0 && plan.adds.length === 0) {
    state.surplusPasses += 1;
    if (state.surplusPasses >= settings.scaleInAfterPasses) {
      const r = replicas.find((x) => x.id === plan.surplus?.replicaId);
      if (r) {
        removes = [
          {
            replicaId: r.id,
            nodeId: r.nodeId,
            nodeName: r.nodeName,
            siteName: r.siteName,
            reason: 'scale-in',
          },
        ];
        await event(
          `Scaling in: removing the replica on ${r.nodeName} (${r.siteName}) because the endpoint is ${plan.surplus.why === 'idle' ? 'idle' : 'over its budget'} and the SLO holds without it.`,
        );
      }
      state.surplusPasses = 0;
    }
  } else {
    state.surplusPasses = 0;
  }
  if (removes.length > 0 && !degraded) {
    const views = removes
      .map((m) => replicas.find((r) => r.id === m.replicaId))
      .filter((r): r is ReplicaView => r !== undefined);
    const out = await retireReplicas(endpointId, views, settings, settings.drainGraceMs);
    await event(
      `Retired ${views.length} replica${views.length === 1 ? '' : 's'} on ${list(views.map((v) => v.nodeName))} after the in-flight requests finished (${removes[0]!.reason})${out.failed > 0 ? `; ${out.failed} could not be unloaded` : ''}.`,
    );
  } else if (removes.length > 0) {
    await event('Kept the replicas to move: a replacement failed to load (make before break).');
  }

  // 4. Status: DEGRADED while something the endpoint needs is missing.
  const serving =
    plan.serving + added.length - (removes.length > 0 && !degraded ? removes.length : 0);
  const next = serving === 0 || degraded ? 'DEGRADED' : 'ACTIVE';
  await control.setEndpointStatus({
    endpointId,
    status: next,
    from: [next === 'ACTIVE' ? 'DEGRADED' : 'ACTIVE'],
    event: {
      kind: 'reconcile',
      message:
        next === 'ACTIVE'
          ? `Active again: ${serving} replica${serving === 1 ? '' : 's'} serving.`
          : serving === 0
            ? 'Degraded: no replica serves; placing replacements.'
            : 'Degraded: a replacement could not be loaded; retrying next pass.',
    },
  });
  if (plan.dead.length === 0 && plan.adds.length === 0 && removes.length === 0) return 'no change';
  return `dead ${plan.dead.length}, added ${added.length}, removed ${removes.length}${why}`;
}
