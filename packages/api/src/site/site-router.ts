// Sites: an operator's points of presence, each in a metro, with its jurisdictions, uplink and
// egress price. Nodes, offers and RTT measurements hang off a site.
import { writeAudit } from '@aigrid/db';
import { z } from 'zod';
import { idempotent } from '../lib/idempotency';
import { pageQuery, toPage, ZPage, ZPageInput } from '../lib/pagination';
import { ZCountryCode, ZId, ZIdempotencyKey, ZJurisdictionSet, ZMicros } from '../lib/schemas';
import { assertNoActiveReplicas } from '../node/active-replicas';
import { orgProcedure, ROLES, router } from '../trpc';
import {
  auditActor,
  conflictOnDuplicate,
  loadMetro,
  loadSite,
  siteInclude,
  toSite,
  ZSite,
} from './site-model';

const read = orgProcedure({ roles: ROLES.any, scope: 'READ', orgKind: 'OPERATOR' });
const write = orgProcedure({ roles: ROLES.builders, scope: 'PROVISIONING', orgKind: 'OPERATOR' });

const ZSiteName = z.string().trim().min(1, 'must not be empty').max(100, 'is too long');
const ZUplinkGbps = z
  .number()
  .int('must be a whole number of Gbit/s')
  .positive('must be more than 0')
  .max(100_000, 'must be at most 100000');

export const ZCreateSiteInput = z.object({
  name: ZSiteName,
  metroId: ZId,
  countryCode: ZCountryCode,
  lat: z
    .number()
    .min(-90, 'must be between -90 and 90')
    .max(90, 'must be between -90 and 90')
    .optional(),
  lon: z
    .number()
    .min(-180, 'must be between -180 and 180')
    .max(180, 'must be between -180 and 180')
    .optional(),
  jurisdictions: ZJurisdictionSet,
  uplinkGbps: ZUplinkGbps,
  egressPricePerGbMicros: ZMicros,
  idempotencyKey: ZIdempotencyKey,
});

export const ZUpdateSiteInput = z.object({
  id: ZId,
  name: ZSiteName.optional(),
  jurisdictions: ZJurisdictionSet.optional(),
  uplinkGbps: ZUplinkGbps.optional(),
  egressPricePerGbMicros: ZMicros.optional(),
});

const duplicateName = (name: string) =>
  `Your organisation already has a site named "${name}": pick another name.`;

export const siteRouter = router({
  /** Adds a point of presence; its coordinates default to the metro's centre. */
  create: write
    .input(ZCreateSiteInput)
    .output(ZSite)
    .mutation(({ ctx, input }) =>
      idempotent(
        ctx.db,
        { organizationId: ctx.org.id, procedure: 'site.create', key: input.idempotencyKey, input },
        () =>
          ctx.db.$transaction(async (tx) => {
            const metro = await loadMetro(tx, input.metroId);
            const site = await conflictOnDuplicate(
              tx.site.create({
                data: {
                  organizationId: ctx.org.id,
                  name: input.name,
                  metroId: metro.id,
                  countryCode: input.countryCode,
                  lat: input.lat ?? metro.lat,
                  lon: input.lon ?? metro.lon,
                  jurisdictions: input.jurisdictions,
                  uplinkGbps: input.uplinkGbps,
                  egressPriceMicrosPerGb: BigInt(input.egressPricePerGbMicros),
                },
                include: siteInclude,
              }),
              duplicateName(input.name),
            );
            await writeAudit(tx, {
              organizationId: ctx.org.id,
              ...auditActor(ctx.actor),
              action: 'site.create',
              targetType: 'Site',
              targetId: site.id,
              data: {
                name: site.name,
                metroId: site.metroId,
                countryCode: site.countryCode,
                jurisdictions: site.jurisdictions,
              },
            });
            return toSite(site);
          }),
      ),
    ),

  list: read
    .input(ZPageInput)
    .output(ZPage(ZSite))
    .query(async ({ ctx, input }) => {
      const q = pageQuery(input);
      const rows = await ctx.db.site.findMany({
        ...q,
        where: { ...q.where, organizationId: ctx.org.id },
        include: siteInclude,
      });
      const page = toPage(rows, input.limit);
      return { items: page.items.map(toSite), nextCursor: page.nextCursor };
    }),

  get: read
    .input(z.object({ id: ZId }))
    .output(ZSite)
    .query(async ({ ctx, input }) => toSite(await loadSite(ctx.db, ctx.org.id, input.id))),

  /** Changes the fields given; the metro and position of a site are fixed. */
  update: write
    .input(ZUpdateSiteInput)
    .output(ZSite)
    .mutation(({ ctx, input }) =>
      ctx.db.$transaction(async (tx) => {
        const site = await loadSite(tx, ctx.org.id, input.id);
        const { id: _id, ...changes } = input;
        if (Object.values(changes).every((v) => v === undefined)) return toSite(site);
        const updated = await conflictOnDuplicate(
          tx.site.update({
            where: { id: site.id },
            data: {
              name: input.name,
              jurisdictions: input.jurisdictions,
              uplinkGbps: input.uplinkGbps,
              egressPriceMicrosPerGb:
                input.egressPricePerGbMicros === undefined
                  ? undefined
                  : BigInt(input.egressPricePerGbMicros),
            },
            include: siteInclude,
          }),
          duplicateName(input.name ?? site.name),
        );
        await writeAudit(tx, {
          organizationId: ctx.org.id,
          ...auditActor(ctx.actor),
          action: 'site.update',
          targetType: 'Site',
          targetId: site.id,
          data: changes,
        });
        return toSite(updated);
      }),
    ),

  /** Deletes a site with its nodes, offers and RTT measurements, once nothing runs on it. */
  delete: write
    .input(z.object({ id: ZId }))
    .output(z.object({ id: z.string() }))
    .mutation(({ ctx, input }) =>
      ctx.db.$transaction(async (tx) => {
        const site = await loadSite(tx, ctx.org.id, input.id);
        await assertNoActiveReplicas(tx, { siteId: site.id }, `Site "${site.name}"`);
        await tx.site.delete({ where: { id: site.id } });
        await writeAudit(tx, {
          organizationId: ctx.org.id,
          ...auditActor(ctx.actor),
          action: 'site.delete',
          targetType: 'Site',
          targetId: site.id,
          data: { name: site.name, metroId: site.metroId, nodeCount: site._count.nodes },
        });
        return { id: site.id };
      }),
    ),
});
