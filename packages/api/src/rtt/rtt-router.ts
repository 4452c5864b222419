// Round-trip times from metros to an operator's sites: operators upload what they measure, and
// placement uses them to meet latency targets. One upload is all-or-nothing.
import { type Prisma, writeAudit } from '@aigrid/db';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { ZId } from '../lib/schemas';
import { auditActor, loadSite } from '../site/site-model';
import { orgProcedure, ROLES, router } from '../trpc';

const read = orgProcedure({ roles: ROLES.any, scope: 'READ', orgKind: 'OPERATOR' });
const write = orgProcedure({ roles: ROLES.builders, scope: 'PROVISIONING', orgKind: 'OPERATOR' });

export const MAX_MEASUREMENTS = 5000;

export const ZRttMeasurementInput = z.object({
  metroId: ZId,
  siteId: ZId,
  rttMs: z.number().gt(0, 'must be more than 0 ms').lt(2000, 'must be less than 2000 ms'),
});

export const ZRttMeasurement = z.object({
  metroId: z.string(),
  siteId: z.string(),
  rttMs: z.number(),
  source: z.enum(['MEASURED', 'ESTIMATED']),
  measuredAt: z.date(),
});

export const rttRouter = router({
  /** Records measured RTTs, replacing earlier values for the same metro and site. */
  upload: write
    .input(
      z.object({
        measurements: z
          .array(ZRttMeasurementInput)
          .min(1, 'must hold at least one measurement')
          .max(MAX_MEASUREMENTS, `must hold at most ${MAX_MEASUREMENTS} measurements`),
      }),
    )
    .output(z.object({ upserted: z.number().int() }))
    .mutation(({ ctx, input }) => {
      // The last measurement of a metro and site wins.
      const byPair = new Map(input.measurements.map((m) => [`${m.metroId}\n${m.siteId}`, m]));
      const rows = [...byPair.values()];
      const siteIds = [...new Set(rows.map((m) => m.siteId))];
      const metroIds = [...new Set(rows.map((m) => m.metroId))];
      return ctx.db.$transaction(async (tx) => {
        const sites = await tx.site.findMany({
          where: { id: { in: siteIds }, organizationId: ctx.org.id },
          select: { id: true },
        });
        const ownSites = new Set(sites.map((s) => s.id));
        const foreign = siteIds.find((id) => !ownSites.has(id));
        if (foreign) {
          throw new TRPCError({
            code: 'NOT_FOUND',
            message: `Site ${foreign} not found; nothing was recorded.`,
          });
        }
        const metros = await tx.metro.findMany({
          where: { id: { in: metroIds } },
          select: { id: true },
        });
        const knownMetros = new Set(metros.map((m) => m.id));
        const unknownAt = input.measurements.findIndex((m) => !knownMetros.has(m.metroId));
        if (unknownAt >= 0) {
          throw new TRPCError({
            code: 'BAD_REQUEST',
            message: `measurements.${unknownAt}.metroId: unknown metro "${
              input.measurements[unknownAt]?.metroId
            }" (catalogue.metros lists the known ones); nothing was recorded.`,
          });
        }
        const now = ctx.now();
        const upserted = await tx.$executeRaw`
          INSERT INTO "RttMeasurement" ("metroId", "siteId", "rttMs", "source", "measuredAt")
          SELECT m, s, r, 'MEASURED'::"RttSource", ${now}
          FROM unnest(
            ${rows.map((m) => m.metroId)}::text[],
            ${rows.map((m) => m.siteId)}::text[],
            ${rows.map((m) => m.rttMs)}::double precision[]
          ) AS u(m, s, r)
          ON CONFLICT ("metroId", "siteId") DO UPDATE SET
            "rttMs" = EXCLUDED."rttMs",
            "source" = EXCLUDED."source",
            "measuredAt" = EXCLUDED."measuredAt"`;
        await writeAudit(tx, {
          organizationId: ctx.org.id,
          ...auditActor(ctx.actor),
          action: 'rtt.upload',
          targetType: 'RttMeasurement',
          data: { measurements: upserted, sites: siteIds.length, metros: metroIds.length },
        });
        return { upserted };
      });
    }),

  /** RTTs to the caller's sites (or to one of them), by site and metro. */
  list: read
    .input(z.object({ siteId: ZId.optional() }).optional())
    .output(z.array(ZRttMeasurement))
    .query(async ({ ctx, input }) => {
      const siteId = input?.siteId;
      if (siteId) await loadSite(ctx.db, ctx.org.id, siteId);
      const where: Prisma.RttMeasurementWhereInput = {
        site: { organizationId: ctx.org.id },
        ...(siteId ? { siteId } : {}),
      };
      const rows = await ctx.db.rttMeasurement.findMany({
        where,
        orderBy: [{ siteId: 'asc' }, { metroId: 'asc' }],
      });
      return rows.map((r) => ({
        metroId: r.metroId,
        siteId: r.siteId,
        rttMs: r.rttMs,
        source: r.source,
        measuredAt: r.measuredAt,
      }));
    }),
});
