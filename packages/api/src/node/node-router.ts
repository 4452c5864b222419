// Nodes: GPU servers at a site. Creating one enrols it: the operator gets a one-time token and
// the command that starts the agent on the server. Draining takes a node out of placement.
import { type NodeStatus, writeAudit } from '@aigrid/db';
import { z } from 'zod';
import { idempotent } from '../lib/idempotency';
import { notifyControl } from '../lib/notify-control';
import { pageQuery, toPage, ZPage, ZPageInput } from '../lib/pagination';
import { ZId, ZIdempotencyKey } from '../lib/schemas';
import {
  auditActor,
  conflictOnDuplicate,
  loadGpuType,
  loadSite,
  type Tx,
} from '../site/site-model';
import { orgProcedure, ROLES, router, type Actor } from '../trpc';
import { assertNoActiveReplicas } from './active-replicas';
import { agentCommand, generateEnrolmentToken } from './enrolment-token';
import { loadNode, nodeInclude, type NodeRow, toNode, ZEnrolment, ZNode } from './node-model';

const read = orgProcedure({ roles: ROLES.any, scope: 'READ', orgKind: 'OPERATOR' });
const write = orgProcedure({ roles: ROLES.builders, scope: 'PROVISIONING', orgKind: 'OPERATOR' });

const DRAIN_STATES: NodeStatus[] = ['DRAINING', 'DRAINED'];

export const ZCreateNodeInput = z.object({
  siteId: ZId,
  name: z.string().trim().min(1, 'must not be empty').max(100, 'is too long'),
  gpuTypeId: ZId,
  gpuCount: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(64, 'must be at most 64'),
  idempotencyKey: ZIdempotencyKey,
});

/**
 * Gives the node a new enrolment token; the old one stops matching and the node may enrol again
 * with the new one.
 */
async function issueToken(
  tx: Tx,
  scope: { organizationId: string; actor: Actor; baseUrl: string },
  node: NodeRow,
  reason: string,
) {
  const { token, tokenHash } = generateEnrolmentToken();
  const updated = await tx.node.update({
    where: { id: node.id },
    // A new token also cuts off the agent enrolled with the old one.
    data: { enrolmentTokenHash: tokenHash, enrolledAt: null, agentSecretHash: null },
    include: nodeInclude,
  });
  await writeAudit(tx, {
    organizationId: scope.organizationId,
    ...auditActor(scope.actor),
    action: 'node.rotateToken',
    targetType: 'Node',
    targetId: node.id,
    data: { name: node.name, reason },
  });
  return {
    node: updated,
    enrolmentToken: token,
    agentCommand: agentCommand(scope.baseUrl, token),
  };
}

export const nodeRouter = router({
  /**
   * Enrols a node at one of the caller's sites. The response holds the enrolment token, shown
   * once. With an idempotencyKey, a retry returns the same node with a new token: the token is
   * never stored, not even for retries, so the first one (which that caller did not get) stops
   * working.
   */
  create: write
    .input(ZCreateNodeInput)
    .output(ZEnrolment.extend({ node: ZNode }))
    .mutation(async ({ ctx, input }) => {
      const created: { node?: NodeRow; token?: string } = {};
      const { nodeId } = await idempotent(
        ctx.db,
        { organizationId: ctx.org.id, procedure: 'node.create', key: input.idempotencyKey, input },
        () =>
          ctx.db.$transaction(async (tx) => {
            const site = await loadSite(tx, ctx.org.id, input.siteId);
            const gpuType = await loadGpuType(tx, input.gpuTypeId);
            const { token, tokenHash } = generateEnrolmentToken();
            const node = await conflictOnDuplicate(
              tx.node.create({
                data: {
                  organizationId: ctx.org.id,
                  siteId: site.id,
                  name: input.name,
                  gpuTypeId: gpuType.id,
                  gpuCount: input.gpuCount,
                  gpuMemoryGb: gpuType.memoryGb,
                  enrolmentTokenHash: tokenHash,
                },
                include: nodeInclude,
              }),
              `Site "${site.name}" already has a node named "${input.name}": pick another name.`,
            );
            await writeAudit(tx, {
              organizationId: ctx.org.id,
              ...auditActor(ctx.actor),
              action: 'node.create',
              targetType: 'Node',
              targetId: node.id,
              data: {
                name: node.name,
                siteId: site.id,
                gpuTypeId: node.gpuTypeId,
                gpuCount: node.gpuCount,
              },
            });
            created.node = node;
            created.token = token;
            return { nodeId: node.id };
          }),
      );
      if (created.node && created.token) {
        return {
          node: toNode(created.node),
          enrolmentToken: created.token,
          agentCommand: agentCommand(ctx.baseUrl, created.token),
        };
      }
      const retried = await ctx.db.$transaction(async (tx) =>
        issueToken(
          tx,
          { organizationId: ctx.org.id, actor: ctx.actor, baseUrl: ctx.baseUrl },
          await loadNode(tx, ctx.org.id, nodeId),
          'node.create retried',
        ),
      );
      return { ...retried, node: toNode(retried.node) };
    }),

  list: read
    .input(ZPageInput.extend({ siteId: ZId.optional() }))
    .output(ZPage(ZNode))
    .query(async ({ ctx, input }) => {
      if (input.siteId) await loadSite(ctx.db, ctx.org.id, input.siteId);
      const q = pageQuery(input);
      const rows = await ctx.db.node.findMany({
        ...q,
        where: {
          ...q.where,
          organizationId: ctx.org.id,
          ...(input.siteId ? { siteId: input.siteId } : {}),
        },
        include: nodeInclude,
      });
      const page = toPage(rows, input.limit);
      return { items: page.items.map(toNode), nextCursor: page.nextCursor };
    }),

  get: read
    .input(z.object({ id: ZId }))
    .output(ZNode)
    .query(async ({ ctx, input }) => toNode(await loadNode(ctx.db, ctx.org.id, input.id))),

  /** A new enrolment token for the node (to re-install its agent); the old one stops working. */
  rotateToken: write
    .input(z.object({ id: ZId }))
    .output(ZEnrolment)
    .mutation(({ ctx, input }) =>
      ctx.db.$transaction(async (tx) => {
        const node = await loadNode(tx, ctx.org.id, input.id);
        const { enrolmentToken, agentCommand } = await issueToken(
          tx,
          { organizationId: ctx.org.id, actor: ctx.actor, baseUrl: ctx.baseUrl },
          node,
          'requested',
        );
        return { enrolmentToken, agentCommand };
      }),
    ),

  /**
   * Stops placing new replicas on the node; the drain workflow moves its replicas away (make
   * before break) and marks it DRAINED. Asking twice is harmless.
   */
  requestDrain: write
    .input(z.object({ id: ZId }))
    .output(ZNode)
    .mutation(async ({ ctx, input }) => {
      const drained = await ctx.db.$transaction(async (tx) => {
        const node = await loadNode(tx, ctx.org.id, input.id);
        if (node.drainRequestedAt && DRAIN_STATES.includes(node.status)) return toNode(node);
        const updated = await tx.node.update({
          where: { id: node.id },
          data: { status: 'DRAINING', drainRequestedAt: node.drainRequestedAt ?? ctx.now() },
          include: nodeInclude,
        });
        await writeAudit(tx, {
          organizationId: ctx.org.id,
          ...auditActor(ctx.actor),
          action: 'node.requestDrain',
          targetType: 'Node',
          targetId: node.id,
          data: { name: node.name, from: node.status },
        });
        return toNode(updated);
      });
      await notifyControl(ctx, 'nodeDrainRequested', drained.id);
      return drained;
    }),

  /** Puts a draining (or drained) node back into service. Harmless on a node not draining. */
  cancelDrain: write
    .input(z.object({ id: ZId }))
    .output(ZNode)
    .mutation(async ({ ctx, input }) => {
      const restored = await ctx.db.$transaction(async (tx) => {
        const node = await loadNode(tx, ctx.org.id, input.id);
        if (!node.drainRequestedAt && !DRAIN_STATES.includes(node.status)) return toNode(node);
        const status: NodeStatus = node.lastHeartbeatAt ? 'HEALTHY' : 'ENROLLING';
        const updated = await tx.node.update({
          where: { id: node.id },
          data: { status, drainRequestedAt: null },
          include: nodeInclude,
        });
        await writeAudit(tx, {
          organizationId: ctx.org.id,
          ...auditActor(ctx.actor),
          action: 'node.cancelDrain',
          targetType: 'Node',
          targetId: node.id,
          data: { name: node.name, from: node.status, to: status },
        });
        return toNode(updated);
      });
      await notifyControl(ctx, 'nodeDrainCancelled', restored.id);
      return restored;
    }),

  /** Deletes a node once no active replica runs on it. */
  delete: write
    .input(z.object({ id: ZId }))
    .output(z.object({ id: z.string() }))
    .mutation(({ ctx, input }) =>
      ctx.db.$transaction(async (tx) => {
        const node = await loadNode(tx, ctx.org.id, input.id);
        await assertNoActiveReplicas(tx, { nodeId: node.id }, `Node "${node.name}"`);
        await tx.node.delete({ where: { id: node.id } });
        await writeAudit(tx, {
          organizationId: ctx.org.id,
          ...auditActor(ctx.actor),
          action: 'node.delete',
          targetType: 'Node',
          targetId: node.id,
          data: { name: node.name, siteId: node.siteId },
        });
        return { id: node.id };
      }),
    ),
});
