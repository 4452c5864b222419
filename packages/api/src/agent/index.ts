export { enrolAgent, HEARTBEAT_INTERVAL_MS, type Enrolment } from './enrol-agent';
export { ingestHeartbeat, HEALTH_SAMPLE_MS, type HeartbeatReply } from './ingest-heartbeat';
export { bearerToken } from './agent-auth';
export {
  ZEnrolInput,
  ZHeartbeatInput,
  type TEnrolInput,
  type THeartbeatInput,
} from './agent-schemas';
export type { AgentResult } from './agent-result';
