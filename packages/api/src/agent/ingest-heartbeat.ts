// Heartbeats: live health of a node, stored on the node (last heartbeat, status) and as a
// downsampled time series (one NodeHealth row per node per HEALTH_SAMPLE_MS at most).
import type { Db, NodeStatus } from '@aigrid/db';
import { ZHeartbeatInput } from './agent-schemas';
import { sha256 } from './agent-auth';
import { invalidBody, type AgentResult } from './agent-result';

export const HEALTH_SAMPLE_MS = 15_000;

export interface HeartbeatReply {
  status: NodeStatus;
  drainRequested: boolean;
}

export async function ingestHeartbeat(
  db: Db,
  secret: string | null,
  body: unknown,
  now: Date,
): Promise<AgentResult<HeartbeatReply>> {
  if (!secret) {
    return {
      ok: false,
      status: 401,
      message: 'Send the agent credential as `Authorization: Bearer ags_…`.',
    };
  }
  const node = await db.node.findUnique({ where: { agentSecretHash: sha256(secret) } });
  if (!node) {
    return {
      ok: false,
      status: 401,
      message: 'This agent credential is not valid (the node was re-enrolled or removed).',
    };
  }
  const parsed = ZHeartbeatInput.safeParse(body);
  if (!parsed.success) {
    return invalidBody(parsed.error);
  }
  const hb = parsed.data;
  if (hb.nodeId !== node.id) {
    return {
      ok: false,
      status: 403,
      message: `This credential does not belong to node ${hb.nodeId}.`,
    };
  }
  const healthy = hb.engineUp && hb.replicas.every((r) => r.healthy);
  const status: NodeStatus =
    node.status === 'DRAINING' || node.status === 'DRAINED'
      ? node.status
      : healthy
        ? 'HEALTHY'
        : 'DEGRADED';
  await db.$transaction(async (tx) => {
    // Conditional in the database, not on the status read above: a drain requested meanwhile
    // must not be overwritten by this heartbeat.
    const set = await tx.node.updateMany({
      where: { id: node.id, status: { notIn: ['DRAINING', 'DRAINED'] } },
      data: { lastHeartbeatAt: now, status },
    });
    if (set.count === 0) {
      await tx.node.update({ where: { id: node.id }, data: { lastHeartbeatAt: now } });
    }
    // Where each running replica answers; only replicas placed on this very node are touched.
    for (const r of hb.replicas) {
      await tx.replica.updateMany({
        where: { id: r.replicaId, nodeId: node.id, OR: [{ url: null }, { url: { not: r.url } }] },
        data: { url: r.url },
      });
    }
    const last = await tx.nodeHealth.findFirst({
      where: { nodeId: node.id },
      orderBy: { at: 'desc' },
      select: { at: true },
    });
    if (!last || now.getTime() - last.at.getTime() >= HEALTH_SAMPLE_MS) {
      await tx.nodeHealth.create({
        data: {
          nodeId: node.id,
          at: now,
          engineUp: hb.engineUp,
          requestsRunning: hb.requestsRunning,
          requestsWaiting: hb.requestsWaiting,
          kvCacheUsage: hb.kvCacheUsage,
          gpuUtilization: hb.gpuUtilization,
          ttftP50Ms: hb.ttftP50Ms ?? null,
          ttftP95Ms: hb.ttftP95Ms ?? null,
        },
      });
    }
  });
  return { ok: true, value: { status, drainRequested: node.drainRequestedAt !== null } };
}
