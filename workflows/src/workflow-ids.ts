// Fixed workflow ids: one workflow of a kind per endpoint or node, so starting one twice (the web
// app and the dispatcher, or a retry) is harmless. Plain functions: the workflows, the client and
// the dispatcher share them.
export const provisionWorkflowId = (endpointId: string) => `endpoint-provision-${endpointId}`;
export const reconcileWorkflowId = (endpointId: string) => `endpoint-reconcile-${endpointId}`;
export const decommissionWorkflowId = (endpointId: string) => `endpoint-decommission-${endpointId}`;
export const drainWorkflowId = (nodeId: string) => `node-drain-${nodeId}`;
