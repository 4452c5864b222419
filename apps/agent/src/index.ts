export { runAgent, type RunningAgent } from './agent';
export { parseAgentEnv, type AgentEnv } from './env';
export { createAgentActivities, type AgentActivities, type LoadModelInput } from './activities';
