// decommissionEndpoint (workflow id `endpoint-decommission-<endpointId>`): stops the endpoint's
// provisioning and reconcile workflows, unroutes its replicas, lets in-flight requests finish,
// unloads and releases them, and marks it DECOMMISSIONED with a closing event (its usage ends
// there; the rows stay for billing). Safe to run again.
import { getExternalWorkflowHandle } from '@temporalio/workflow';
import { provisionWorkflowId, reconcileWorkflowId } from './definitions';
import { control, retireReplicas } from './replica-steps';

export interface DecommissionResult {
  outcome: 'decommissioned' | 'skipped';
  released: number;
}

export async function decommissionEndpoint(endpointId: string): Promise<DecommissionResult> {
  const before = await control.loadEndpoint(endpointId);
  if (!before || !['DECOMMISSIONING', 'DECOMMISSIONED'].includes(before.status)) {
    return { outcome: 'skipped', released: 0 };
  }
  for (const id of [provisionWorkflowId(endpointId), reconcileWorkflowId(endpointId)]) {
    try {
      await getExternalWorkflowHandle(id).cancel();
    } catch {
      // Not running: nothing to stop.
    }
  }
  // Read again: a provisioning step may have finished while it was being stopped.
  const endpoint = (await control.loadEndpoint(endpointId)) ?? before;
  const settings = endpoint.settings;
  const out = await retireReplicas(endpointId, endpoint.replicas, settings, settings.drainGraceMs);
  const count = out.released + out.failed;
  await control.setEndpointStatus({
    endpointId,
    status: 'DECOMMISSIONED',
    from: ['DECOMMISSIONING'],
    event: {
      kind: 'decommissioned',
      message: `Decommissioned: ${count} replica${count === 1 ? '' : 's'} unrouted, unloaded and released; usage is closed and its history kept.`,
    },
  });
  return { outcome: 'decommissioned', released: count };
}
