// Public, client-side API of @aigrid/workflows. The worker (src/worker.ts) is deliberately
// not exported: importing this module must not load @temporalio/worker or the database.
export {
  createGridControl,
  runHealthCheck,
  type ControlPlaneClient,
  type GridControl,
  type RunHealthCheckOptions,
} from './client';
export * from './workflow-ids';
export type { HealthCheckResult } from './workflows/health-check';
export type { Progress, ProgressStep, ReconcileStatus } from './workflows/definitions';
export type {
  Activities,
  ActivityDeps,
  createActivities,
  DatabaseHealth,
} from './activities/create-activities';
