// Client side of the workflows: safe to import from the web app. It must never import
// @temporalio/worker, @aigrid/db or the workflow code itself (types only).
import { randomUUID } from 'node:crypto';
import { TimeoutFailure, WorkflowFailedError, type Client } from '@temporalio/client';
import type { HealthCheckResult, healthCheckWorkflow } from './workflows/health-check';

export type { HealthCheckResult };

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
