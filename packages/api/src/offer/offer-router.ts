// Offers: what an operator sells at a site: GPU-hours and tokens of a GPU type at a price, a
// share of the site's GPUs of that type, for a window of time. Ended offers are history (bills
// refer to them) and do not change.
import { writeAudit } from '@aigrid/db';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { idempotent } from '../lib/idempotency';
import { pageQuery, toPage, ZPage, ZPageInput } from '../lib/pagination';
import { ZId, ZIdempotencyKey, ZMicros } from '../lib/schemas';
import { auditActor, loadGpuType, loadSite } from '../site/site-model';
import { orgProcedure, ROLES, router } from '../trpc';
import {
  activeAt,
  loadOffer,
  toBasisPoints,
  toOffer,
  ZCapacitySharePct,
  ZOffer,
  ZQuotaGpus,
} from './offer-model';

const read = orgProcedure({ roles: ROLES.any, scope: 'READ', orgKind: 'OPERATOR' });
const write = orgProcedure({ roles: ROLES.builders, scope: 'PROVISIONING', orgKind: 'OPERATOR' });

const ZModelClass = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{0,31}$/, 'must be a short class name such as 8b or 70b');

export const ZCreateOfferInput = z.object({
  siteId: ZId,
  gpuTypeId: ZId,
  /** The model class the token price applies to; omitted: every class. */
  modelClass: ZModelClass.optional(),
  pricePerGpuHourMicros: ZMicros,
  pricePerMTokensMicros: ZMicros,
  capacitySharePct: ZCapacitySharePct,
  quotaGpus: ZQuotaGpus.optional(),
  validFrom: z.coerce.date().optional(),
  validTo: z.coerce.date().optional(),
  idempotencyKey: ZIdempotencyKey,
});

export const ZUpdateOfferInput = z.object({
  id: ZId,
  pricePerGpuHourMicros: ZMicros.optional(),
  pricePerMTokensMicros: ZMicros.optional(),
  capacitySharePct: ZCapacitySharePct.optional(),
  /** null removes the quota. */
  quotaGpus: ZQuotaGpus.nullable().optional(),
  /** null makes the offer open-ended. */
  validTo: z.coerce.date().nullable().optional(),
});

const badRequest = (message: string) => new TRPCError({ code: 'BAD_REQUEST', message });

export const offerRouter = router({
  create: write
    .input(ZCreateOfferInput)
    .output(ZOffer)
    .mutation(({ ctx, input }) => {
      const validFrom = input.validFrom ?? ctx.now();
      if (input.validTo && input.validTo <= validFrom) {
        throw badRequest('validTo: must be after validFrom');
      }
      return idempotent(
        ctx.db,
        { organizationId: ctx.org.id, procedure: 'offer.create', key: input.idempotencyKey, input },
        () =>
          ctx.db.$transaction(async (tx) => {
            const site = await loadSite(tx, ctx.org.id, input.siteId);
            const gpuType = await loadGpuType(tx, input.gpuTypeId);
            const offer = await tx.offer.create({
              data: {
                organizationId: ctx.org.id,
                siteId: site.id,
                gpuTypeId: gpuType.id,
                modelClass: input.modelClass ?? null,
                pricePerGpuHourMicros: BigInt(input.pricePerGpuHourMicros),
                pricePerMTokensMicros: BigInt(input.pricePerMTokensMicros),
                capacityShareBp: toBasisPoints(input.capacitySharePct),
                quotaGpus: input.quotaGpus ?? null,
                validFrom,
                validTo: input.validTo ?? null,
              },
            });
            await writeAudit(tx, {
              organizationId: ctx.org.id,
              ...auditActor(ctx.actor),
              action: 'offer.create',
              targetType: 'Offer',
              targetId: offer.id,
              data: {
                siteId: site.id,
                gpuTypeId: offer.gpuTypeId,
                modelClass: offer.modelClass,
                pricePerGpuHourMicros: input.pricePerGpuHourMicros,
                pricePerMTokensMicros: input.pricePerMTokensMicros,
                capacityShareBp: offer.capacityShareBp,
              },
            });
            return toOffer(offer);
          }),
      );
    }),

  /** Offers by id; `activeOnly` keeps those valid now. */
  list: read
    .input(
      ZPageInput.extend({
        siteId: ZId.optional(),
        activeOnly: z.boolean().default(false),
      }),
    )
    .output(ZPage(ZOffer))
    .query(async ({ ctx, input }) => {
      if (input.siteId) await loadSite(ctx.db, ctx.org.id, input.siteId);
      const q = pageQuery(input);
      const rows = await ctx.db.offer.findMany({
        ...q,
        where: {
          ...q.where,
          organizationId: ctx.org.id,
          ...(input.siteId ? { siteId: input.siteId } : {}),
          ...(input.activeOnly ? activeAt(ctx.now()) : {}),
        },
      });
      const page = toPage(rows, input.limit);
      return { items: page.items.map(toOffer), nextCursor: page.nextCursor };
    }),

  get: read
    .input(z.object({ id: ZId }))
    .output(ZOffer)
    .query(async ({ ctx, input }) => toOffer(await loadOffer(ctx.db, ctx.org.id, input.id))),

  /** Changes prices, share, quota or end of an offer that has not ended. */
  update: write
    .input(ZUpdateOfferInput)
    .output(ZOffer)
    .mutation(({ ctx, input }) =>
      ctx.db.$transaction(async (tx) => {
        const offer = await loadOffer(tx, ctx.org.id, input.id);
        const now = ctx.now();
        if (offer.validTo && offer.validTo <= now) {
          throw new TRPCError({
            code: 'PRECONDITION_FAILED',
            message: `This offer ended at ${offer.validTo.toISOString()}: create a new offer instead.`,
          });
        }
        if (input.validTo && input.validTo <= offer.validFrom) {
          throw badRequest('validTo: must be after validFrom');
        }
        if (input.validTo && input.validTo <= now) {
          throw badRequest('validTo: must be in the future; offer.end ends an offer now');
        }
        const { id: _id, ...changes } = input;
        if (Object.values(changes).every((v) => v === undefined)) return toOffer(offer);
        const updated = await tx.offer.update({
          where: { id: offer.id },
          data: {
            pricePerGpuHourMicros:
              input.pricePerGpuHourMicros === undefined
                ? undefined
                : BigInt(input.pricePerGpuHourMicros),
            pricePerMTokensMicros:
              input.pricePerMTokensMicros === undefined
                ? undefined
                : BigInt(input.pricePerMTokensMicros),
            capacityShareBp:
              input.capacitySharePct === undefined
                ? undefined
                : toBasisPoints(input.capacitySharePct),
            quotaGpus: input.quotaGpus,
            validTo: input.validTo,
          },
        });
        await writeAudit(tx, {
          organizationId: ctx.org.id,
          ...auditActor(ctx.actor),
          action: 'offer.update',
          targetType: 'Offer',
          targetId: offer.id,
          data: { ...changes, validTo: changes.validTo?.toISOString() ?? changes.validTo },
        });
        return toOffer(updated);
      }),
    ),

  /** Ends the offer now (an offer that has not started yet never starts). Ending twice is harmless. */
  end: write
    .input(z.object({ id: ZId }))
    .output(ZOffer)
    .mutation(({ ctx, input }) =>
      ctx.db.$transaction(async (tx) => {
        const offer = await loadOffer(tx, ctx.org.id, input.id);
        const now = ctx.now();
        if (offer.validTo && offer.validTo <= now) return toOffer(offer);
        const validTo = offer.validFrom > now ? offer.validFrom : now;
        const ended = await tx.offer.update({ where: { id: offer.id }, data: { validTo } });
        await writeAudit(tx, {
          organizationId: ctx.org.id,
          ...auditActor(ctx.actor),
          action: 'offer.end',
          targetType: 'Offer',
          targetId: offer.id,
          data: { validTo: validTo.toISOString() },
        });
        return toOffer(ended);
      }),
    ),
});
