// A node agent enrols with its one-time token (see packages/api/src/agent).
import { enrolAgent } from '@aigrid/api';
import { agentRoute } from '@/server/agent-route';

export function POST(req: Request) {
  return agentRoute(req, enrolAgent);
}
