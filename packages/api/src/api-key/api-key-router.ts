import { writeAudit, type ApiKeyScope } from '@aigrid/db';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { generateApiKey } from '../auth/api-key';
import { pageQuery, toPage, ZPage, ZPageInput } from '../lib/pagination';
import { ZId } from '../lib/schemas';
import { orgProcedure, ROLES, router } from '../trpc';

const SCOPES = ['inference', 'provisioning', 'read'] as const;
const ZScope = z.enum(SCOPES, `must be one of ${SCOPES.join(', ')}`);

export const ZApiKey = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(ZScope),
  expiresAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
  lastUsedAt: z.date().nullable(),
  createdAt: z.date(),
});

function toApiKey(k: {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
}) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes.map((s) => s.toLowerCase() as (typeof SCOPES)[number]),
    expiresAt: k.expiresAt,
    revokedAt: k.revokedAt,
    lastUsedAt: k.lastUsedAt,
    createdAt: k.createdAt,
  };
}

export const ZCreateApiKeyInput = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(100, 'is too long'),
  scopes: z.array(ZScope).min(1, 'must name at least one scope'),
  expiresAt: z.coerce.date().optional(),
});

export const apiKeyRouter = router({
  /** Creates a key; its secret is in this response only and is never shown again. */
  create: orgProcedure({ roles: ROLES.admins, scope: null })
    .input(ZCreateApiKeyInput)
    .output(z.object({ apiKey: ZApiKey, secret: z.string() }))
    .mutation(({ ctx, input }) => {
      if (input.expiresAt && input.expiresAt <= ctx.now()) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'expiresAt: must be in the future' });
      }
      // No idempotency key here: replaying a create would have to store the secret.
      return ctx.db.$transaction(async (tx) => {
        const { secret, prefix, secretHash } = generateApiKey();
        const key = await tx.apiKey.create({
          data: {
            organizationId: ctx.org.id,
            createdById: ctx.actor.userId,
            name: input.name,
            prefix,
            secretHash,
            scopes: [...new Set(input.scopes)].map((s) => s.toUpperCase() as ApiKeyScope),
            expiresAt: input.expiresAt ?? null,
          },
        });
        await writeAudit(tx, {
          organizationId: ctx.org.id,
          actorUserId: ctx.actor.userId,
          action: 'apiKey.create',
          targetType: 'ApiKey',
          targetId: key.id,
          data: { name: key.name, prefix, scopes: key.scopes },
        });
        return { apiKey: toApiKey(key), secret };
      });
    }),

  list: orgProcedure({ roles: ROLES.admins, scope: null })
    .input(ZPageInput.extend({ includeRevoked: z.boolean().default(false) }))
    .output(ZPage(ZApiKey))
    .query(async ({ ctx, input }) => {
      const q = pageQuery(input);
      const rows = await ctx.db.apiKey.findMany({
        ...q,
        where: {
          ...q.where,
          organizationId: ctx.org.id,
          ...(input.includeRevoked ? {} : { revokedAt: null }),
        },
      });
      const page = toPage(rows, input.limit);
      return { items: page.items.map(toApiKey), nextCursor: page.nextCursor };
    }),

  /** Revokes a key: requests with it are refused from now on. Revoking twice is harmless. */
  revoke: orgProcedure({ roles: ROLES.admins, scope: null })
    .input(z.object({ id: ZId }))
    .output(ZApiKey)
    .mutation(async ({ ctx, input }) => {
      return ctx.db.$transaction(async (tx) => {
        const key = await tx.apiKey.findFirst({
          where: { id: input.id, organizationId: ctx.org.id },
        });
        if (!key) throw new TRPCError({ code: 'NOT_FOUND', message: 'API key not found.' });
        if (key.revokedAt) return toApiKey(key);
        const revoked = await tx.apiKey.update({
          where: { id: key.id },
          data: { revokedAt: ctx.now() },
        });
        await writeAudit(tx, {
          organizationId: ctx.org.id,
          actorUserId: ctx.actor.userId,
          action: 'apiKey.revoke',
          targetType: 'ApiKey',
          targetId: key.id,
          data: { prefix: key.prefix },
        });
        return toApiKey(revoked);
      });
    }),
});
