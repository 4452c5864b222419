import { writeAudit } from '@aigrid/db';
import { slugify } from '@aigrid/db/seed';
import { TRPCError } from '@trpc/server';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { orgProcedure, ROLES, router, userProcedure } from '../trpc';

const ZOrgKind = z.enum(['DEVELOPER', 'OPERATOR'], 'must be DEVELOPER or OPERATOR');

export const ZOrganization = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  kinds: z.array(ZOrgKind),
  role: z.enum(['OWNER', 'ADMIN', 'MEMBER', 'BILLING']).nullable(),
  createdAt: z.date(),
});

const ZOrgName = z.string().trim().min(2, 'must be at least 2 characters').max(100, 'is too long');

export const ZCreateOrgInput = z.object({
  name: ZOrgName,
  kinds: z.array(ZOrgKind).min(1, 'must name at least one kind').max(2),
});

export const orgRouter = router({
  /** Creates an organisation; the caller becomes its owner. */
  create: userProcedure
    .input(ZCreateOrgInput)
    .output(ZOrganization)
    .mutation(async ({ ctx, input }) => {
      const org = await ctx.db.$transaction(async (tx) => {
        const created = await tx.organization.create({
          data: {
            name: input.name,
            slug: `${slugify(input.name)}-${randomBytes(3).toString('hex')}`,
            kinds: [...new Set(input.kinds)],
            memberships: { create: { userId: ctx.principal.userId, role: 'OWNER' } },
          },
        });
        if (input.kinds.includes('OPERATOR')) {
          await tx.operatorProfile.create({
            data: { organizationId: created.id, legalName: input.name },
          });
        }
        await writeAudit(tx, {
          organizationId: created.id,
          actorUserId: ctx.principal.userId,
          action: 'org.create',
          targetType: 'Organization',
          targetId: created.id,
          data: { kinds: created.kinds },
        });
        return created;
      });
      return { ...org, role: 'OWNER' as const };
    }),

  /** The organisations the signed-in user belongs to. */
  list: userProcedure.output(z.array(ZOrganization)).query(async ({ ctx }) => {
    const memberships = await ctx.db.membership.findMany({
      where: { userId: ctx.principal.userId },
      include: { organization: true },
      orderBy: { createdAt: 'asc' },
    });
    return memberships.map((m) => ({ ...m.organization, role: m.role }));
  }),

  /** The organisation the caller is working in (picked by `x-aigrid-org` or the API key). */
  current: orgProcedure({ roles: ROLES.any, scope: 'READ' })
    .output(ZOrganization)
    .query(async ({ ctx }) => {
      const org = await ctx.db.organization.findUnique({ where: { id: ctx.org.id } });
      if (!org) throw new TRPCError({ code: 'NOT_FOUND', message: 'Organisation not found.' });
      return { ...org, role: ctx.org.role };
    }),

  update: orgProcedure({ roles: ROLES.admins, scope: null })
    .input(z.object({ name: ZOrgName }))
    .output(ZOrganization)
    .mutation(async ({ ctx, input }) => {
      const org = await ctx.db.$transaction(async (tx) => {
        const updated = await tx.organization.update({
          where: { id: ctx.org.id },
          data: { name: input.name },
        });
        await writeAudit(tx, {
          organizationId: ctx.org.id,
          actorUserId: ctx.actor.userId,
          action: 'org.update',
          targetType: 'Organization',
          targetId: ctx.org.id,
          data: { name: input.name },
        });
        return updated;
      });
      return { ...org, role: ctx.org.role };
    }),
});
