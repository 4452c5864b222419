// The organisation's audit log, newest first. Rows are numbered by a growing BigInt id, which
// the API shows as a string and pages on.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { ZPage, ZPageInput } from '../lib/pagination';
import { orgProcedure, ROLES, router } from '../trpc';

export const ZAuditEntry = z.object({
  id: z.string(),
  at: z.date(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  actorUserId: z.string().nullable(),
  actorApiKeyId: z.string().nullable(),
  data: z.unknown(),
});

export const ZListAuditInput = ZPageInput.extend({
  action: z.string().trim().min(1, 'must not be empty').max(100, 'is too long').optional(),
});

/** The id below which the next page starts; cursors are ids this list returned. */
function parseCursor(cursor: string | undefined): bigint | null {
  if (cursor === undefined) return null;
  if (!/^\d{1,19}$/.test(cursor)) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: 'cursor: is not a cursor from this list; pass the nextCursor of the previous page',
    });
  }
  return BigInt(cursor);
}

export const auditRouter = router({
  list: orgProcedure({ roles: ROLES.admins, scope: null })
    .input(ZListAuditInput)
    .output(ZPage(ZAuditEntry))
    .query(async ({ ctx, input }) => {
      const before = parseCursor(input.cursor);
      const rows = await ctx.db.auditLog.findMany({
        where: {
          organizationId: ctx.org.id,
          ...(input.action ? { action: input.action } : {}),
          ...(before !== null ? { id: { lt: before } } : {}),
        },
        orderBy: { id: 'desc' },
        take: input.limit + 1,
      });
      const items = rows.slice(0, input.limit).map((r) => ({
        id: r.id.toString(),
        at: r.at,
        action: r.action,
        targetType: r.targetType,
        targetId: r.targetId,
        actorUserId: r.actorUserId,
        actorApiKeyId: r.actorApiKeyId,
        data: r.data,
      }));
      return { items, nextCursor: rows.length > input.limit ? (items.at(-1)?.id ?? null) : null };
    }),
});
