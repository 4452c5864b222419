// Every workflow the worker runs. This file is the worker's `workflowsPath`: it is bundled
// for the workflow sandbox, so it must only reach deterministic code.
export { healthCheckWorkflow, type HealthCheckResult } from './health-check';
export { provisionEndpoint, type ProvisionResult } from './provision-endpoint';
export { reconcileEndpoint, type ReconcileResult, type ReconcileState } from './reconcile-endpoint';
export { drainNode, type DrainResult } from './drain-node';
export { decommissionEndpoint, type DecommissionResult } from './decommission-endpoint';
