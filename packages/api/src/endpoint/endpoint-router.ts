// Inference endpoints of a developer organisation: a model, a latency target, jurisdictions and
// where the demand comes from. After each committed change the control plane's workflows are
// told (`ctx.control`): they place, load, reconcile, pause and decommission.
import type { Db } from '@aigrid/db';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { idempotent } from '../lib/idempotency';
import { notifyControl } from '../lib/notify-control';
import { pageQuery, toPage, ZPage } from '../lib/pagination';
import { ZId } from '../lib/schemas';
import { orgProcedure, ROLES, router } from '../trpc';
import {
  toEndpoint,
  withDemands,
  ZCreateEndpointInput,
  ZEndpoint,
  ZEndpointDetail,
  ZListEndpointsInput,
  ZUpdateEndpointInput,
} from './endpoint-schemas';
import { createEndpoint, decommissionEndpoint, updateEndpoint } from './write-endpoint';
import { pauseEndpoint, resumeEndpoint } from './pause-endpoint';
import { previewEndpoint, ZPlacementPreview, ZPreviewEndpointInput } from './preview-endpoint';

const read = orgProcedure({ roles: ROLES.any, scope: 'READ', orgKind: 'DEVELOPER' });
const write = orgProcedure({ roles: ROLES.builders, scope: 'PROVISIONING', orgKind: 'DEVELOPER' });

/** How many of the latest events `get` returns. */
const EVENTS_SHOWN = 50;

export const endpointRouter = router({
  /** Where the endpoint would go, its latency per metro and its cost, or why it cannot be placed. */
  preview: read
    .input(ZPreviewEndpointInput)
    .output(ZPlacementPreview)
    .query(({ ctx, input }) => previewEndpoint(ctx.db, input, ctx.now())),

  /** Records the endpoint in PROVISIONING and starts provisioning it. */
  create: write
    .input(ZCreateEndpointInput)
    .output(ZEndpoint)
    .mutation(async ({ ctx, input }) => {
      const created = await idempotent(
        ctx.db,
        {
          organizationId: ctx.org.id,
          procedure: 'endpoint.create',
          key: input.idempotencyKey,
          input,
        },
        () => createEndpoint(ctx, input),
      );
      await notifyControl(ctx, 'endpointCreated', created.id);
      return created;
    }),

  list: read
    .input(ZListEndpointsInput)
    .output(ZPage(ZEndpoint))
    .query(async ({ ctx, input }) => {
      const q = pageQuery(input);
      const rows = await ctx.db.endpoint.findMany({
        ...q,
        where: {
          ...q.where,
          organizationId: ctx.org.id,
          ...(input.status ? { status: input.status } : {}),
        },
        include: withDemands,
      });
      const page = toPage(rows, input.limit);
      return { items: page.items.map(toEndpoint), nextCursor: page.nextCursor };
    }),

  /**
   * The endpoint with its latest events, the steps of its provisioning (oldest first), why it
   * failed if it did, and its replicas.
   */
  get: read
    .input(z.object({ id: ZId }))
    .output(ZEndpointDetail)
    .query(async ({ ctx, input }) => {
      const e = await ctx.db.endpoint.findFirst({
        where: { id: input.id, organizationId: ctx.org.id },
        include: {
          ...withDemands,
          events: {
            orderBy: [{ at: 'desc' }, { id: 'desc' }],
            take: EVENTS_SHOWN,
            select: { at: true, kind: true, message: true },
          },
          replicas: {
            where: { state: { not: 'RELEASED' } },
            orderBy: { createdAt: 'asc' },
            select: {
              id: true,
              nodeId: true,
              state: true,
              node: { select: { site: { select: { name: true } } } },
            },
          },
        },
      });
      if (!e) throw new TRPCError({ code: 'NOT_FOUND', message: 'Endpoint not found.' });
      const steps = await latestSteps(ctx.db, e.id);
      return {
        ...toEndpoint(e),
        failureReason: e.failureReason,
        steps,
        events: e.events,
        replicas: e.replicas.map((r) => ({
          id: r.id,
          nodeId: r.nodeId,
          siteName: r.node.site.name,
          state: r.state,
        })),
      };
    }),

  /** Changes the fields given; the same checks as `create` apply to the result. */
  update: write
    .input(ZUpdateEndpointInput)
    .output(ZEndpoint)
    .mutation(async ({ ctx, input }) => {
      const updated = await idempotent(
        ctx.db,
        {
          organizationId: ctx.org.id,
          procedure: 'endpoint.update',
          key: input.idempotencyKey,
          input,
        },
        () => updateEndpoint(ctx, input),
      );
      await notifyControl(ctx, 'endpointUpdated', updated.id);
      return updated;
    }),

  /** Unroutes, unloads and releases the endpoint's replicas; it stops serving. Safe to repeat. */
  pause: write
    .input(z.object({ id: ZId }))
    .output(ZEndpoint)
    .mutation(async ({ ctx, input }) => {
      const paused = await pauseEndpoint(ctx, input.id);
      await notifyControl(ctx, 'endpointPaused', paused.id);
      return paused;
    }),

  /** Places and loads a paused endpoint again, or retries a failed one. Safe to repeat. */
  resume: write
    .input(z.object({ id: ZId }))
    .output(ZEndpoint)
    .mutation(async ({ ctx, input }) => {
      const resumed = await resumeEndpoint(ctx, input.id);
      await notifyControl(ctx, 'endpointResumed', resumed.id);
      return resumed;
    }),

  /**
   * Decommissions the endpoint: its replicas are unrouted, unloaded and released; the row stays
   * for billing history. Safe to repeat.
   */
  delete: write
    .input(z.object({ id: ZId }))
    .output(ZEndpoint)
    .mutation(async ({ ctx, input }) => {
      const retired = await decommissionEndpoint(ctx, input.id);
      await notifyControl(ctx, 'endpointDeleted', retired.id);
      return retired;
    }),
});

/** The provisioning steps since the latest request to provision (create, resume or retry). */
async function latestSteps(db: Db, endpointId: string) {
  const start = await db.endpointEvent.findFirst({
    where: { endpointId, kind: { in: ['created', 'resumed'] } },
    orderBy: [{ at: 'desc' }, { id: 'desc' }],
    select: { id: true },
  });
  return db.endpointEvent.findMany({
    where: { endpointId, kind: 'step', ...(start ? { id: { gt: start.id } } : {}) },
    orderBy: [{ at: 'asc' }, { id: 'asc' }],
    take: EVENTS_SHOWN,
    select: { at: true, message: true },
  });
}
