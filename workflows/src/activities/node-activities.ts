// Activities of a node drain: what still runs on the node, and marking it drained.
import type { Db, EndpointStatus, NodeStatus } from '@aigrid/db';
import { HOLDING_STATES } from './endpoint-activities';

export interface NodeDrainView {
  nodeId: string;
  name: string;
  status: NodeStatus;
  drainRequested: boolean;
  /** Endpoints with replicas still holding GPUs on the node. */
  endpoints: { endpointId: string; status: EndpointStatus; replicas: number }[];
}

export function createNodeActivities({ prisma }: { prisma: Db }) {
  return {
    async loadNodeDrain(nodeId: string): Promise<NodeDrainView | null> {
      const node = await prisma.node.findUnique({ where: { id: nodeId } });
      if (!node) return null;
      const replicas = await prisma.replica.findMany({
        where: { nodeId, state: { in: HOLDING_STATES } },
        select: { endpointId: true, endpoint: { select: { status: true } } },
      });
      const byEndpoint = new Map<string, { status: EndpointStatus; replicas: number }>();
      for (const r of replicas) {
        const seen = byEndpoint.get(r.endpointId);
        if (seen) seen.replicas += 1;
        else byEndpoint.set(r.endpointId, { status: r.endpoint.status, replicas: 1 });
      }
      return {
        nodeId,
        name: node.name,
        status: node.status,
        drainRequested: node.drainRequestedAt !== null,
        endpoints: [...byEndpoint].map(([endpointId, v]) => ({ endpointId, ...v })),
      };
    },

    /** DRAINING → DRAINED once nothing holds GPUs there; false if the drain was cancelled. */
    async markNodeDrained(nodeId: string): Promise<boolean> {
      const updated = await prisma.node.updateMany({
        where: {
          id: nodeId,
          status: 'DRAINING',
          drainRequestedAt: { not: null },
          replicas: { none: { state: { in: HOLDING_STATES } } },
        },
        data: { status: 'DRAINED' },
      });
      return updated.count === 1;
    },
  };
}
