// A workflow that runs one agent activity on a node's task queue, as provisioning will.
import { proxyActivities } from '@temporalio/workflow';
import type { AgentActivities, LoadModelInput } from '../src/activities';

export async function loadOnNode(taskQueue: string, input: LoadModelInput) {
  const { loadModel } = proxyActivities<AgentActivities>({
    taskQueue,
    startToCloseTimeout: '2 minutes',
    heartbeatTimeout: '20 seconds',
    retry: { maximumAttempts: 2 },
  });
  return loadModel(input);
}

export async function unloadOnNode(taskQueue: string, replicaId: string) {
  const { unloadModel } = proxyActivities<AgentActivities>({
    taskQueue,
    startToCloseTimeout: '1 minute',
  });
  return unloadModel({ replicaId });
}
