// The agent's settings, read from the environment (and CLI flags, mapped onto the same names by
// main.ts) in this one place.
import { z } from 'zod';

const ZAgentEnv = z.object({
  AIGRID_CONTROL_PLANE_URL: z.url('must be the web app URL, e.g. http://localhost:3000'),
  AIGRID_ENROLMENT_TOKEN: z
    .string()
    .startsWith('agn_', 'must be an enrolment token (agn_…)')
    .optional(),
  /** Where the agent keeps its credential and node identity between runs. */
  AIGRID_AGENT_STATE: z.string().min(1).default('.aigrid-agent.json'),
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^\s:]+:\d+$/, 'must be host:port')
    .default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** GPU inventory when nvidia-smi is absent (machines without GPUs run the simulated engine). */
  AIGRID_GPU_TYPE: z.string().min(1).optional(),
  AIGRID_GPU_COUNT: z.coerce.number().int().min(1).max(64).optional(),
  /**
   * The engine command, with {model}, {port}, {gpu} and {gpus} filled in. Default: the built-in
   * simulated engine. For vLLM: `vllm serve {model} --port {port} --tensor-parallel-size {gpus}`.
   */
  AIGRID_ENGINE_COMMAND: z.string().min(1).optional(),
  /** Simulated engine only: speed factor for tests (1 = real time). */
  AIGRID_ENGINE_TIME_SCALE: z.coerce.number().positive().max(1000).default(1),
  AIGRID_ENGINE_PORT_BASE: z.coerce.number().int().min(1024).max(65_000).default(18_000),
  AIGRID_AGENT_URL: z.url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type AgentEnv = z.infer<typeof ZAgentEnv>;

export function parseAgentEnv(source: Record<string, string | undefined>): AgentEnv {
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const result = ZAgentEnv.safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')} ${i.message}`);
    throw new Error(`Invalid agent settings: ${problems.join('; ')}`);
  }
  return result.data;
}
