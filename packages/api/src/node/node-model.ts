// A node as the API shows it, and the look-up of one node of the caller's organisation.
import type { Db, Prisma } from '@aigrid/db';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import type { Tx } from '../site/site-model';

export const NODE_STATUSES = [
  'ENROLLING',
  'HEALTHY',
  'DEGRADED',
  'DOWN',
  'DRAINING',
  'DRAINED',
] as const;

export const ZNode = z.object({
  id: z.string(),
  siteId: z.string(),
  siteName: z.string(),
  name: z.string(),
  gpuTypeId: z.string(),
  gpuCount: z.number().int(),
  /** Memory of one GPU, from its GPU type. */
  gpuMemoryGb: z.number().int(),
  status: z.enum(NODE_STATUSES),
  agentUrl: z.string().nullable(),
  lastHeartbeatAt: z.date().nullable(),
  drainRequestedAt: z.date().nullable(),
  createdAt: z.date(),
});

/** What an operator needs to enrol a node; the token is shown in this response only. */
export const ZEnrolment = z.object({ enrolmentToken: z.string(), agentCommand: z.string() });

export const nodeInclude = { site: { select: { name: true } } } as const;

export type NodeRow = Prisma.NodeGetPayload<{ include: typeof nodeInclude }>;

export function toNode(n: NodeRow): z.infer<typeof ZNode> {
  return {
    id: n.id,
    siteId: n.siteId,
    siteName: n.site.name,
    name: n.name,
    gpuTypeId: n.gpuTypeId,
    gpuCount: n.gpuCount,
    gpuMemoryGb: n.gpuMemoryGb,
    status: n.status,
    agentUrl: n.agentUrl,
    lastHeartbeatAt: n.lastHeartbeatAt,
    drainRequestedAt: n.drainRequestedAt,
    createdAt: n.createdAt,
  };
}

/** The node `id` of `organizationId`; NOT_FOUND for any other organisation's node. */
export async function loadNode(db: Tx | Db, organizationId: string, id: string) {
  const node = await db.node.findFirst({ where: { id, organizationId }, include: nodeInclude });
  if (!node) throw new TRPCError({ code: 'NOT_FOUND', message: `Node ${id} not found.` });
  return node;
}
