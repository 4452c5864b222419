// Client side of the workflows: safe to import from the web app. It must never import
// @temporalio/worker, @aigrid/db or the workflow code itself (types only).
import { randomUUID } from 'node:crypto';
import type { GridControl } from '@aigrid/api';
import {
  TimeoutFailure,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  type Client,
} from '@temporalio/client';
import type { HealthCheckResult, healthCheckWorkflow } from './workflows/health-check';
import type { decommissionEndpoint } from './workflows/decommission-endpoint';
import type { drainNode } from './workflows/drain-node';
import type { provisionEndpoint } from './workflows/provision-endpoint';
import type { reconcileEndpoint } from './workflows/reconcile-endpoint';
import {
  decommissionWorkflowId,
  drainWorkflowId,
  provisionWorkflowId,
  reconcileWorkflowId,
} from './workflow-ids';

export type { HealthCheckResult };
export type { GridControl };

export interface RunHealthCheckOptions {
  taskQueue: string;
  /** Fail when the workflow has not finished after this long (including queueing). */
  timeoutMs: number;
  /** Defaults to a fresh `health-check-<uuid>`. */
  workflowId?: string;
}

/** Runs healthCheckWorkflow on `taskQueue` and returns its result. */
export async function runHealthCheck(
  client: Client,
  { taskQueue, timeoutMs, workflowId = `health-check-${randomUUID()}` }: RunHealthCheckOptions,
): Promise<HealthCheckResult> {
  try {
    return await client.workflow.execute<typeof healthCheckWorkflow>('healthCheckWorkflow', {
      taskQueue,
      workflowId,
      workflowExecutionTimeout: timeoutMs,
    });
  } catch (err) {
    if (err instanceof WorkflowFailedError && err.cause instanceof TimeoutFailure) {
      throw new Error(
        `Health check ${workflowId} did not finish within ${timeoutMs} ms: ` +
          `is a worker polling task queue "${taskQueue}"?`,
        { cause: err },
      );
    }
    throw err;
  }
}

/** GridControl plus what the worker's dispatcher needs: keep a serving endpoint reconciled. */
export interface ControlPlaneClient extends GridControl {
  endpointServing(endpointId: string): Promise<void>;
}

/**
 * The API's GridControl over a Temporal client: each call starts or signals the workflow with a
 * fixed id, so a repeated call (a retry, or the dispatcher catching up) is harmless.
 */
export function createGridControl(
  client: Client,
  { taskQueue }: { taskQueue: string },
): ControlPlaneClient {
  const startOnce = async (start: () => Promise<unknown>) => {
    try {
      await start();
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  };
  const ifRunning = async (act: () => Promise<unknown>) => {
    try {
      await act();
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  };
  const provision = (endpointId: string) =>
    startOnce(() =>
      client.workflow.start<typeof provisionEndpoint>('provisionEndpoint', {
        taskQueue,
        workflowId: provisionWorkflowId(endpointId),
        args: [endpointId],
      }),
    );
  return {
    endpointCreated: provision,
    endpointResumed: provision,
    async endpointUpdated(endpointId) {
      await ifRunning(() =>
        client.workflow.getHandle(reconcileWorkflowId(endpointId)).signal('updateSpec'),
      );
    },
    async endpointPaused(endpointId) {
      // Starts the reconcile if it is not running: it releases the replicas of a paused endpoint.
      await client.workflow.signalWithStart<typeof reconcileEndpoint, []>('reconcileEndpoint', {
        taskQueue,
        workflowId: reconcileWorkflowId(endpointId),
        args: [endpointId],
        signal: 'pause',
        signalArgs: [],
      });
    },
    async endpointServing(endpointId) {
      await startOnce(() =>
        client.workflow.start<typeof reconcileEndpoint>('reconcileEndpoint', {
          taskQueue,
          workflowId: reconcileWorkflowId(endpointId),
          args: [endpointId],
        }),
      );
    },
    async endpointDeleted(endpointId) {
      await startOnce(() =>
        client.workflow.start<typeof decommissionEndpoint>('decommissionEndpoint', {
          taskQueue,
          workflowId: decommissionWorkflowId(endpointId),
          args: [endpointId],
        }),
      );
    },
    async nodeDrainRequested(nodeId) {
      await startOnce(() =>
        client.workflow.start<typeof drainNode>('drainNode', {
          taskQueue,
          workflowId: drainWorkflowId(nodeId),
          args: [nodeId],
        }),
      );
    },
    async nodeDrainCancelled(nodeId) {
      // The drain also ends by itself at its next check; cancelling makes it immediate.
      await ifRunning(() => client.workflow.getHandle(drainWorkflowId(nodeId)).cancel());
    },
  };
}
