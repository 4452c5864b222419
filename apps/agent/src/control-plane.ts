// The agent's side of the control plane's agent routes (/api/agent/enrol, /api/agent/heartbeat).
import type { GpuInventory } from './gpu-inventory';

export interface Enrolment {
  nodeId: string;
  nodeName: string;
  siteId: string;
  organizationId: string;
  taskQueue: string;
  agentSecret: string;
  heartbeatIntervalMs: number;
}

export interface Heartbeat {
  nodeId: string;
  engineUp: boolean;
  requestsRunning: number;
  requestsWaiting: number;
  kvCacheUsage: number;
  gpuUtilization: number;
  ttftP50Ms: number | null;
  ttftP95Ms: number | null;
  replicas: { replicaId: string; modelId: string; url: string; healthy: boolean }[];
}

export class ControlPlaneError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function post<T>(url: string, token: string, body: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    throw new ControlPlaneError(
      0,
      `Cannot reach the control plane at ${url}: ${(err as Error).message}`,
    );
  }
  const json = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  if (!res.ok) {
    throw new ControlPlaneError(
      res.status,
      json?.error?.message ?? `HTTP ${res.status} from ${url}`,
    );
  }
  return json as T;
}

export function enrol(
  baseUrl: string,
  token: string,
  body: { gpus: GpuInventory; agentUrl?: string; agentVersion: string },
): Promise<Enrolment> {
  return post(`${baseUrl}/api/agent/enrol`, token, body);
}

export function sendHeartbeat(
  baseUrl: string,
  secret: string,
  heartbeat: Heartbeat,
): Promise<{ status: string; drainRequested: boolean }> {
  return post(`${baseUrl}/api/agent/heartbeat`, secret, heartbeat);
}
