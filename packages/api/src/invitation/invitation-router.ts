// Invitations by e-mail token: the token is shown once to the inviter (to send, or to paste)
// and stored only as a hash; the invitee accepts it signed in with the invited address.
import { createHash, randomBytes } from 'node:crypto';
import { Prisma, writeAudit } from '@aigrid/db';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { ZRole } from '../member/member-router';
import { pageQuery, toPage, ZPage, ZPageInput } from '../lib/pagination';
import { ZId } from '../lib/schemas';
import { orgProcedure, ROLES, router, userProcedure } from '../trpc';

const INVITATION_TTL_MS = 7 * 24 * 3600_000;
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export const ZInvitation = z.object({
  id: z.string(),
  email: z.string(),
  role: ZRole,
  expiresAt: z.date(),
  acceptedAt: z.date().nullable(),
  createdAt: z.date(),
});

const pick = (i: z.infer<typeof ZInvitation>) => ({
  id: i.id,
  email: i.email,
  role: i.role,
  expiresAt: i.expiresAt,
  acceptedAt: i.acceptedAt,
  createdAt: i.createdAt,
});

export const invitationRouter = router({
  create: orgProcedure({ roles: ROLES.admins, scope: null })
    .input(
      z.object({
        email: z.string().trim().toLowerCase().pipe(z.email('must be an e-mail address')),
        role: ZRole,
      }),
    )
    .output(z.object({ invitation: ZInvitation, token: z.string(), acceptUrl: z.string() }))
    .mutation(async ({ ctx, input }) => {
      if (input.role === 'OWNER' && ctx.org.role !== 'OWNER') {
        throw new TRPCError({ code: 'FORBIDDEN', message: 'Only an owner can invite owners.' });
      }
      const already = await ctx.db.membership.findFirst({
        where: { organizationId: ctx.org.id, user: { email: input.email } },
      });
      if (already) {
        throw new TRPCError({ code: 'CONFLICT', message: `${input.email} is already a member.` });
      }
      const token = `agi_${randomBytes(24).toString('base64url')}`;
      const invitation = await ctx.db.$transaction(async (tx) => {
        const created = await tx.invitation.create({
          data: {
            organizationId: ctx.org.id,
            email: input.email,
            role: input.role,
            tokenHash: hashToken(token),
            invitedById: ctx.actor.userId,
            expiresAt: new Date(ctx.now().getTime() + INVITATION_TTL_MS),
          },
        });
        await writeAudit(tx, {
          organizationId: ctx.org.id,
          actorUserId: ctx.actor.userId,
          action: 'invitation.create',
          targetType: 'Invitation',
          targetId: created.id,
          data: { email: input.email, role: input.role },
        });
        return created;
      });
      return {
        invitation: pick(invitation),
        token,
        acceptUrl: `${ctx.baseUrl}/invitations/accept?token=${token}`,
      };
    }),

  list: orgProcedure({ roles: ROLES.admins, scope: null })
    .input(ZPageInput)
    .output(ZPage(ZInvitation))
    .query(async ({ ctx, input }) => {
      const q = pageQuery(input);
      const rows = await ctx.db.invitation.findMany({
        ...q,
        where: { ...q.where, organizationId: ctx.org.id },
      });
      const page = toPage(rows, input.limit);
      return { items: page.items.map(pick), nextCursor: page.nextCursor };
    }),

  revoke: orgProcedure({ roles: ROLES.admins, scope: null })
    .input(z.object({ id: ZId }))
    .output(z.object({ id: z.string() }))
    .mutation(({ ctx, input }) =>
      ctx.db.$transaction(async (tx) => {
        const inv = await tx.invitation.findFirst({
          where: { id: input.id, organizationId: ctx.org.id, acceptedAt: null },
        });
        if (!inv) throw new TRPCError({ code: 'NOT_FOUND', message: 'Invitation not found.' });
        await tx.invitation.delete({ where: { id: inv.id } });
        await writeAudit(tx, {
          organizationId: ctx.org.id,
          actorUserId: ctx.actor.userId,
          action: 'invitation.revoke',
          targetType: 'Invitation',
          targetId: inv.id,
          data: { email: inv.email },
        });
        return { id: inv.id };
      }),
    ),

  /** Accepts an invitation addressed to the signed-in user's e-mail. */
  accept: userProcedure
    .input(z.object({ token: z.string().min(10, 'is not a valid invitation token').max(200) }))
    .output(z.object({ organizationId: z.string(), role: ZRole }))
    .mutation(({ ctx, input }) =>
      ctx.db.$transaction(async (tx) => {
        const inv = await tx.invitation.findUnique({
          where: { tokenHash: hashToken(input.token) },
        });
        // Someone else's invitation is as good as none.
        if (!inv || inv.email !== ctx.principal.email.toLowerCase()) {
          throw new TRPCError({ code: 'NOT_FOUND', message: 'Invitation not found.' });
        }
        if (inv.acceptedAt) {
          throw new TRPCError({
            code: 'CONFLICT',
            message: 'This invitation was already accepted.',
          });
        }
        if (inv.expiresAt <= ctx.now()) {
          throw new TRPCError({
            code: 'PRECONDITION_FAILED',
            message: 'This invitation has expired.',
          });
        }
        await tx.invitation.update({ where: { id: inv.id }, data: { acceptedAt: ctx.now() } });
        try {
          await tx.membership.create({
            data: {
              organizationId: inv.organizationId,
              userId: ctx.principal.userId,
              role: inv.role,
            },
          });
        } catch (err) {
          if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
            throw new TRPCError({ code: 'CONFLICT', message: 'You are already a member.' });
          }
          throw err;
        }
        await writeAudit(tx, {
          organizationId: inv.organizationId,
          actorUserId: ctx.principal.userId,
          action: 'invitation.accept',
          targetType: 'Invitation',
          targetId: inv.id,
          data: { role: inv.role },
        });
        return { organizationId: inv.organizationId, role: inv.role };
      }),
    ),
});
