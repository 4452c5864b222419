// Activities of an endpoint's lifecycle: read it, place it, reserve capacity, move replicas
// through their states, record its event log and status, publish routes. Each is idempotent:
// a retry (or a replayed workflow) changes nothing twice.
import type { Db, EndpointStatus, Prisma, ReplicaState } from '@aigrid/db';
import { offeredGpus, placeEndpoint } from '@aigrid/placement';
import { ApplicationFailure, log } from '@temporalio/activity';
import type { ControlSettings } from '../control-settings';
import { loadPlacementInput, nodeAlive } from './placement-input';
import { refreshGateways, type PublishResult } from './publish-routes';

/** Replica states that hold GPUs (everything but RELEASED and FAILED). */
export const HOLDING_STATES: ReplicaState[] = [
  'RESERVED',
  'LOADING',
  'READY',
  'DRAINING',
  'UNLOADING',
];

export interface ReplicaView {
  id: string;
  nodeId: string;
  nodeName: string;
  siteName: string;
  state: ReplicaState;
  gpuCount: number;
  url: string | null;
  /** Its node heartbeats and is not DOWN: the replica can be unloaded there. */
  nodeAlive: boolean;
  /** Its node is being drained. */
  nodeDraining: boolean;
}

export interface EndpointView {
  id: string;
  name: string;
  status: EndpointStatus;
  modelId: string;
  /** Replicas holding GPUs. */
  replicas: ReplicaView[];
  settings: ControlSettings;
}

export interface PlannedReplica {
  nodeId: string;
  nodeName: string;
  siteName: string;
  gpuCount: number;
}

export interface PlanResult {
  feasible: boolean;
  replicas: PlannedReplica[];
  /** Placement's reasons, in words a user can act on. */
  reasons: string[];
  /** Predicted p95 per metro, for the event log. */
  perMetro: { metroId: string; p95TtftMs: number | null; meetsSlo: boolean }[];
  /** Infeasible now, but feasible once nodes that are enrolling or not reporting come up. */
  waitForNodes?: boolean;
}

export interface ActivityContext {
  prisma: Db;
  settings: ControlSettings;
  now?: () => Date;
}

type Tx = Prisma.TransactionClient;

function logger(msg: string, data: Record<string, unknown>) {
  log.warn(msg, data);
}

/** `text` as a sentence: capitalised, ending with a full stop. */
export function sentence(text: string): string {
  const t = text.trim();
  if (t === '') return t;
  return `${t[0]!.toUpperCase()}${t.slice(1)}${/[.!?]$/.test(t) ? '' : '.'}`;
}

export async function loadReplicaViews(
  db: Db | Tx,
  where: Prisma.ReplicaWhereInput,
  now: Date,
  downAfterMs: number,
): Promise<ReplicaView[]> {
  const rows = await db.replica.findMany({
    where: { ...where, state: { in: HOLDING_STATES } },
    orderBy: { createdAt: 'asc' },
    include: { node: { include: { site: { select: { name: true } } } } },
  });
  return rows.map((r) => ({
    id: r.id,
    nodeId: r.nodeId,
    nodeName: r.node.name,
    siteName: r.node.site.name,
    state: r.state,
    gpuCount: r.gpuCount,
    url: r.url,
    nodeAlive: nodeAlive(r.node, now, downAfterMs),
    nodeDraining: r.node.status === 'DRAINING' || r.node.status === 'DRAINED',
  }));
}

export function createEndpointActivities({
  prisma,
  settings,
  now = () => new Date(),
}: ActivityContext) {
  return {
    /** The endpoint, its replicas that hold GPUs and the workflows' settings; null if gone. */
    async loadEndpoint(endpointId: string): Promise<EndpointView | null> {
      const e = await prisma.endpoint.findUnique({ where: { id: endpointId } });
      if (!e) return null;
      return {
        id: e.id,
        name: e.name,
        status: e.status,
        modelId: e.modelId,
        replicas: await loadReplicaViews(prisma, { endpointId }, now(), settings.nodeDownAfterMs),
        settings,
      };
    },

    /** Placement on the live grid, without the nodes given (they failed an earlier attempt). */
    async planPlacement(input: {
      endpointId: string;
      excludeNodeIds: string[];
    }): Promise<PlanResult> {
      const { request, requestIfNodesUp, siteNames, nodeNames } = await loadPlacementInput(
        prisma,
        input.endpointId,
        { now: now(), downAfterMs: settings.nodeDownAfterMs, excludeNodeIds: input.excludeNodeIds },
      );
      const result = await placeEndpoint(request);
      const waitForNodes = !result.feasible && (await placeEndpoint(requestIfNodesUp)).feasible;
      // Sentences: a failed endpoint's reason is these, one after the other.
      const reasons = [
        ...result.reasons.map((r) => sentence(r.message)),
        ...result.alternatives.map((a) => sentence(`Would work: ${a.message}`)),
      ];
      return {
        feasible: result.feasible,
        ...(waitForNodes ? { waitForNodes } : {}),
        replicas: result.replicas.map((r) => ({
          nodeId: r.nodeId,
          nodeName: nodeNames.get(r.nodeId) ?? r.nodeId,
          siteName: siteNames.get(r.siteId) ?? r.siteId,
          gpuCount: r.gpuCount,
        })),
        reasons,
        perMetro: result.perMetro.map((m) => ({
          metroId: m.metroId,
          p95TtftMs: m.p95TtftMs === null ? null : Math.round(m.p95TtftMs),
          meetsSlo: m.meetsSlo,
        })),
      };
    },

    /**
     * Reserves GPUs on a node for one replica, once per idempotency key. The node's row is
     * locked while its free capacity is checked, so concurrent reservations cannot oversubscribe
     * it; the endpoint's row is locked too, so a decommission in between wins or waits.
     * Fails (not retryable) with type NoCapacity when the node cannot take it any more.
     */
    async reserveReplica(input: {
      endpointId: string;
      nodeId: string;
      gpuCount: number;
      idempotencyKey: string;
      workflowId: string;
    }): Promise<{ replicaId: string; created: boolean }> {
      return prisma.$transaction(async (tx) => {
        const endpoints = await tx.$queryRaw<{ status: EndpointStatus }[]>`
          SELECT status FROM "Endpoint" WHERE id = ${input.endpointId} FOR UPDATE`;
        const nodes = await tx.$queryRaw<
          {
            status: string;
            gpuCount: number;
            gpuTypeId: string;
            siteId: string;
            lastHeartbeatAt: Date | null;
          }[]
        >`SELECT status, "gpuCount", "gpuTypeId", "siteId", "lastHeartbeatAt"
          FROM "Node" WHERE id = ${input.nodeId} FOR UPDATE`;
        const existing = await tx.replica.findUnique({
          where: { idempotencyKey: input.idempotencyKey },
        });
        if (existing) return { replicaId: existing.id, created: false };
        const endpoint = endpoints[0];
        if (!endpoint || !['PROVISIONING', 'ACTIVE', 'DEGRADED'].includes(endpoint.status)) {
          throw ApplicationFailure.nonRetryable(
            `The endpoint is ${endpoint?.status.toLowerCase() ?? 'gone'}: nothing is reserved.`,
            'EndpointRetired',
          );
        }
        const node = nodes[0];
        const at = now();
        if (
          !node ||
          !['HEALTHY', 'DEGRADED'].includes(node.status) ||
          !nodeAlive(
            { status: node.status as 'HEALTHY', lastHeartbeatAt: node.lastHeartbeatAt },
            at,
            settings.nodeDownAfterMs,
          )
        ) {
          throw ApplicationFailure.nonRetryable(
            `Node ${input.nodeId} is ${node ? node.status.toLowerCase() : 'gone'} or silent: nothing is reserved.`,
            'NoCapacity',
          );
        }
        const offer = await tx.offer.findFirst({
          where: {
            siteId: node.siteId,
            gpuTypeId: node.gpuTypeId,
            validFrom: { lte: at },
            OR: [{ validTo: null }, { validTo: { gt: at } }],
          },
          orderBy: { validFrom: 'desc' },
        });
        const offered = offer
          ? offeredGpus({
              gpuCount: node.gpuCount,
              capacityShareBp: offer.capacityShareBp,
              quotaGpus: offer.quotaGpus,
            })
          : 0;
        const held = await tx.replica.aggregate({
          where: { nodeId: input.nodeId, state: { in: HOLDING_STATES } },
          _sum: { gpuCount: true },
        });
        const free = Math.min(node.gpuCount, offered) - (held._sum.gpuCount ?? 0);
        if (free < input.gpuCount) {
          throw ApplicationFailure.nonRetryable(
            `Node ${input.nodeId} has ${Math.max(0, free)} free GPUs on offer, ${input.gpuCount} needed.`,
            'NoCapacity',
          );
        }
        const replica = await tx.replica.create({
          data: {
            endpointId: input.endpointId,
            nodeId: input.nodeId,
            gpuCount: input.gpuCount,
            idempotencyKey: input.idempotencyKey,
            workflowId: input.workflowId,
            state: 'RESERVED',
          },
        });
        return { replicaId: replica.id, created: true };
      });
    },

    /**
     * Moves a replica to `state` (with its URL once loaded). `from` guards the move: a replica
     * already past it (say, released by a decommission) is left alone.
     */
    async setReplicaState(input: {
      replicaId: string;
      state: ReplicaState;
      url?: string;
      from?: ReplicaState[];
    }): Promise<{ changed: boolean }> {
      const updated = await prisma.replica.updateMany({
        where: { id: input.replicaId, ...(input.from ? { state: { in: input.from } } : {}) },
        data: { state: input.state, ...(input.url !== undefined ? { url: input.url } : {}) },
      });
      return { changed: updated.count === 1 };
    },

    async recordEvent(input: {
      endpointId: string;
      kind: string;
      message: string;
      data?: Prisma.InputJsonValue;
    }): Promise<void> {
      await prisma.endpointEvent.create({
        data: {
          endpointId: input.endpointId,
          at: now(),
          kind: input.kind,
          message: input.message,
          ...(input.data !== undefined ? { data: input.data } : {}),
        },
      });
    },

    /**
     * Sets the endpoint's status (from one of `from`, when given) with its event, in one
     * transaction. `failureReason` is set on FAILED and cleared otherwise.
     */
    async setEndpointStatus(input: {
      endpointId: string;
      status: EndpointStatus;
      from?: EndpointStatus[];
      failureReason?: string;
      event?: { kind: string; message: string; data?: Prisma.InputJsonValue };
    }): Promise<{ changed: boolean }> {
      return prisma.$transaction(async (tx) => {
        const updated = await tx.endpoint.updateMany({
          where: {
            id: input.endpointId,
            ...(input.from ? { status: { in: input.from } } : {}),
          },
          data: {
            status: input.status,
            failureReason: input.status === 'FAILED' ? (input.failureReason ?? null) : null,
          },
        });
        if (updated.count === 1 && input.event) {
          await tx.endpointEvent.create({
            data: {
              endpointId: input.endpointId,
              at: now(),
              kind: input.event.kind,
              message: input.event.message,
              ...(input.event.data !== undefined ? { data: input.event.data } : {}),
            },
          });
        }
        return { changed: updated.count === 1 };
      });
    },

    /** Tells the gateways that the endpoint's routes changed (the rows already say how). */
    async publishRoutes(input: { endpointId: string }): Promise<PublishResult> {
      const result = await refreshGateways(settings, logger);
      log.info('routes published', { endpointId: input.endpointId, ...result });
      return result;
    },

    /** Marks nodes whose agent went silent DOWN; returns their ids. */
    async markSilentNodesDown(): Promise<string[]> {
      return markSilentNodesDown(prisma, now(), settings.nodeDownAfterMs);
    },
  };
}

/**
 * Nodes in service whose last heartbeat is older than `downAfterMs` become DOWN (a draining node
 * stays DRAINING: the operator's wish; its silence is read from the heartbeat time). The agent's
 * next heartbeat puts a DOWN node back to HEALTHY.
 */
export async function markSilentNodesDown(
  prisma: Db,
  now: Date,
  downAfterMs: number,
): Promise<string[]> {
  const cutoff = new Date(now.getTime() - downAfterMs);
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    UPDATE "Node" SET status = 'DOWN', "updatedAt" = ${now}
    WHERE status IN ('HEALTHY', 'DEGRADED') AND "lastHeartbeatAt" < ${cutoff}
    RETURNING id`;
  return rows.map((r) => r.id);
}
