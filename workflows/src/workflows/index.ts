// Every workflow the worker runs. This file is the worker's `workflowsPath`: it is bundled
// for the workflow sandbox, so it must only reach deterministic code.
export { healthCheckWorkflow, type HealthCheckResult } from './health-check';
