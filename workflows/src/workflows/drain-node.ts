// drainNode (workflow id `node-drain-<nodeId>`): the operator drains a node for maintenance.
// The node is DRAINING, so placement puts nothing new there and each endpoint's reconcile moves
// its replicas off it make-before-break (a replacement loaded and routed first, then the old one
// drains its in-flight requests and is released). This workflow nudges those reconciles, waits
// until nothing holds GPUs on the node, and marks it DRAINED. A cancelled drain ends it.
import {
  continueAsNew,
  getExternalWorkflowHandle,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import { nudgeSignal, reconcileWorkflowId } from './definitions';
import { control } from './replica-steps';

export interface DrainResult {
  outcome: 'drained' | 'cancelled' | 'gone';
}

const CHECK_EVERY_MS = 1_000;
/** Nudge each endpoint again after this many checks, in case a reconcile was restarted. */
const RENUDGE_CHECKS = 30;

export async function drainNode(nodeId: string): Promise<DrainResult> {
  const nudged = new Map<string, number>();
  for (let check = 0; ; check++) {
    const node = await control.loadNodeDrain(nodeId);
    if (!node) return { outcome: 'gone' };
    if (node.status !== 'DRAINING' || !node.drainRequested) {
      return { outcome: node.status === 'DRAINED' ? 'drained' : 'cancelled' };
    }
    if (node.endpoints.length === 0) {
      if (await control.markNodeDrained(nodeId)) return { outcome: 'drained' };
      continue;
    }
    for (const e of node.endpoints) {
      const last = nudged.get(e.endpointId);
      if (last !== undefined && check - last < RENUDGE_CHECKS) continue;
      nudged.set(e.endpointId, check);
      try {
        await getExternalWorkflowHandle(reconcileWorkflowId(e.endpointId)).signal(
          nudgeSignal,
          `node ${node.name} is draining`,
        );
      } catch {
        // No reconcile runs for it right now (paused, retired, or being started by the
        // dispatcher): its own workflow releases the replica, or the next nudge reaches it.
      }
    }
    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof drainNode>(nodeId);
    }
    await sleep(CHECK_EVERY_MS);
  }
}
