// Runs inside the Temporal workflow sandbox: deterministic code only. No Node built-ins,
// no I/O, no Date.now() or Math.random(); activities are imported by type alone.
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createActivities, DatabaseHealth } from '../activities/create-activities';

const { checkDatabase } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '10s',
  retry: {
    initialInterval: '500ms',
    backoffCoefficient: 2,
    maximumInterval: '5s',
    maximumAttempts: 3,
  },
});

export interface HealthCheckResult {
  database: DatabaseHealth;
  /** When this workflow run started, by the workflow clock (ISO 8601). */
  startedAt: string;
}

export async function healthCheckWorkflow(): Promise<HealthCheckResult> {
  const startedAt = workflowInfo().runStartTime.toISOString();
  const database = await checkDatabase();
  return { database, startedAt };
}
