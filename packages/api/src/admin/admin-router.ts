// Platform administration: sees every organisation and approves operators for the market.
import { writeAudit } from '@aigrid/db';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { pageQuery, toPage, ZPage, ZPageInput } from '../lib/pagination';
import { ZId } from '../lib/schemas';
import { platformAdminProcedure, router } from '../trpc';

const ZAdminOrganization = z.object({
  id: z.string(),
  name: z.string(),
  kinds: z.array(z.enum(['DEVELOPER', 'OPERATOR'])),
  members: z.number().int(),
  operatorApprovedAt: z.date().nullable(),
  createdAt: z.date(),
});

export const adminRouter = router({
  organizations: platformAdminProcedure
    .input(ZPageInput)
    .output(ZPage(ZAdminOrganization))
    .query(async ({ ctx, input }) => {
      const rows = await ctx.db.organization.findMany({
        ...pageQuery(input),
        include: { operator: true, _count: { select: { memberships: true } } },
      });
      const page = toPage(rows, input.limit);
      return {
        items: page.items.map((o) => ({
          id: o.id,
          name: o.name,
          kinds: o.kinds,
          members: o._count.memberships,
          operatorApprovedAt: o.operator?.approvedAt ?? null,
          createdAt: o.createdAt,
        })),
        nextCursor: page.nextCursor,
      };
    }),

  /** Lets an operator's capacity appear in the marketplace. */
  approveOperator: platformAdminProcedure
    .input(z.object({ organizationId: ZId }))
    .output(z.object({ organizationId: z.string(), approvedAt: z.date() }))
    .mutation(({ ctx, input }) =>
      ctx.db.$transaction(async (tx) => {
        const profile = await tx.operatorProfile.findUnique({
          where: { organizationId: input.organizationId },
        });
        if (!profile) {
          throw new TRPCError({ code: 'NOT_FOUND', message: 'Operator not found.' });
        }
        const approvedAt = profile.approvedAt ?? ctx.now();
        await tx.operatorProfile.update({
          where: { organizationId: input.organizationId },
          data: { approvedAt },
        });
        await writeAudit(tx, {
          organizationId: input.organizationId,
          actorUserId: ctx.principal.userId,
          action: 'admin.approveOperator',
          targetType: 'Organization',
          targetId: input.organizationId,
        });
        return { organizationId: input.organizationId, approvedAt };
      }),
    ),
});
