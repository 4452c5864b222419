import { writeAudit, type Db, type Role } from '@aigrid/db';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { pageQuery, toPage, ZPage, ZPageInput } from '../lib/pagination';
import { ZId } from '../lib/schemas';
import { orgProcedure, ROLES, router } from '../trpc';

export const ZRole = z.enum(
  ['OWNER', 'ADMIN', 'MEMBER', 'BILLING'],
  'must be OWNER, ADMIN, MEMBER or BILLING',
);

export const ZMember = z.object({
  id: z.string(),
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  role: ZRole,
  createdAt: z.date(),
});

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

async function loadMembership(tx: Tx, organizationId: string, id: string) {
  const m = await tx.membership.findFirst({
    where: { id, organizationId },
    include: { user: { select: { email: true, name: true } } },
  });
  if (!m) throw new TRPCError({ code: 'NOT_FOUND', message: 'Member not found.' });
  return m;
}

/** Owners are managed by owners only, and an organisation always keeps one. */
async function assertOwnerChangeAllowed(
  tx: Tx,
  organizationId: string,
  callerRole: Role | null,
  target: { role: Role },
  newRole: Role | null,
) {
  const touchesOwner = target.role === 'OWNER' || newRole === 'OWNER';
  if (touchesOwner && callerRole !== 'OWNER') {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'Only an owner can add or change owners.' });
  }
  if (target.role === 'OWNER' && newRole !== 'OWNER') {
    const owners = await tx.membership.count({ where: { organizationId, role: 'OWNER' } });
    if (owners <= 1) {
      throw new TRPCError({
        code: 'PRECONDITION_FAILED',
        message: 'An organisation needs at least one owner: make someone else owner first.',
      });
    }
  }
}

const toMember = (m: {
  id: string;
  userId: string;
  role: Role;
  createdAt: Date;
  user: { email: string; name: string };
}) => ({
  id: m.id,
  userId: m.userId,
  email: m.user.email,
  name: m.user.name,
  role: m.role,
  createdAt: m.createdAt,
});

export const memberRouter = router({
  list: orgProcedure({ roles: ROLES.any, scope: 'READ' })
    .input(ZPageInput)
    .output(ZPage(ZMember))
    .query(async ({ ctx, input }) => {
      const q = pageQuery(input);
      const rows = await ctx.db.membership.findMany({
        ...q,
        where: { ...q.where, organizationId: ctx.org.id },
        include: { user: { select: { email: true, name: true } } },
      });
      const page = toPage(rows, input.limit);
      return { items: page.items.map(toMember), nextCursor: page.nextCursor };
    }),

  updateRole: orgProcedure({ roles: ROLES.admins, scope: null })
    .input(z.object({ id: ZId, role: ZRole }))
    .output(ZMember)
    .mutation(({ ctx, input }) =>
      ctx.db.$transaction(async (tx) => {
        const m = await loadMembership(tx, ctx.org.id, input.id);
        await assertOwnerChangeAllowed(tx, ctx.org.id, ctx.org.role, m, input.role);
        const updated = await tx.membership.update({
          where: { id: m.id },
          data: { role: input.role },
          include: { user: { select: { email: true, name: true } } },
        });
        await writeAudit(tx, {
          organizationId: ctx.org.id,
          actorUserId: ctx.actor.userId,
          action: 'member.updateRole',
          targetType: 'Membership',
          targetId: m.id,
          data: { from: m.role, to: input.role },
        });
        return toMember(updated);
      }),
    ),

  remove: orgProcedure({ roles: ROLES.admins, scope: null })
    .input(z.object({ id: ZId }))
    .output(z.object({ id: z.string() }))
    .mutation(({ ctx, input }) =>
      ctx.db.$transaction(async (tx) => {
        const m = await loadMembership(tx, ctx.org.id, input.id);
        await assertOwnerChangeAllowed(tx, ctx.org.id, ctx.org.role, m, null);
        await tx.membership.delete({ where: { id: m.id } });
        await writeAudit(tx, {
          organizationId: ctx.org.id,
          actorUserId: ctx.actor.userId,
          action: 'member.remove',
          targetType: 'Membership',
          targetId: m.id,
          data: { userId: m.userId, role: m.role },
        });
        return { id: m.id };
      }),
    ),
});
