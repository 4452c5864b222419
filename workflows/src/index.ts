// Public, client-side API of @aigrid/workflows. The worker (src/worker.ts) is deliberately
// not exported: importing this module must not load @temporalio/worker or the database.
export { runHealthCheck, type RunHealthCheckOptions } from './client';
export type { HealthCheckResult } from './workflows/health-check';
export type {
  Activities,
  ActivityDeps,
  createActivities,
  DatabaseHealth,
} from './activities/create-activities';
