// What node agents send to the control plane: enrolment (once, with the enrolment token) and
// heartbeats (every few seconds, with the credential enrolment gave them).
import { z } from 'zod';

export const ZEnrolInput = z.object({
  /** Where the control plane and gateways reach the agent, e.g. http://10.1.2.3:9400. */
  agentUrl: z.url('must be an http(s) URL').optional(),
  gpus: z.object({
    gpuTypeId: z.string().min(1).max(32),
    gpuCount: z.number().int().min(1).max(64),
  }),
  agentVersion: z.string().max(40).optional(),
});
export type TEnrolInput = z.infer<typeof ZEnrolInput>;

export const ZReplicaReport = z.object({
  replicaId: z.string().min(1).max(64),
  modelId: z.string().min(1).max(100),
  url: z.url(),
  healthy: z.boolean(),
});

export const ZHeartbeatInput = z.object({
  nodeId: z.string().min(1).max(64),
  engineUp: z.boolean(),
  requestsRunning: z.number().int().min(0).max(1_000_000),
  requestsWaiting: z.number().int().min(0).max(1_000_000),
  kvCacheUsage: z.number().min(0).max(1),
  gpuUtilization: z.number().min(0).max(1),
  ttftP50Ms: z.number().min(0).max(600_000).nullable().optional(),
  ttftP95Ms: z.number().min(0).max(600_000).nullable().optional(),
  replicas: z.array(ZReplicaReport).max(64).default([]),
});
export type THeartbeatInput = z.infer<typeof ZHeartbeatInput>;
