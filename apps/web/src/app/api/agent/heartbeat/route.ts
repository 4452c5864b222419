// A node agent reports live health every few seconds (see packages/api/src/agent).
import { ingestHeartbeat } from '@aigrid/api';
import { agentRoute } from '@/server/agent-route';

export function POST(req: Request) {
  return agentRoute(req, ingestHeartbeat);
}
