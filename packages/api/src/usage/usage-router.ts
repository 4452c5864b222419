// Usage of the caller's organisation, from the gateway's usage events.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { ZId } from '../lib/schemas';
import { orgProcedure, ROLES, router } from '../trpc';
import { summariseUsage } from './summarise-usage';

/** The longest range one summary covers. */
export const MAX_SPAN_DAYS = 400;
const DAY_MS = 86_400_000;

export const ZUsageSummaryInput = z
  .object({
    endpointId: ZId.optional(),
    from: z.coerce.date('must be a date'),
    to: z.coerce.date('must be a date'),
  })
  .superRefine((q, ctx) => {
    if (q.to <= q.from) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    } else if (q.to.getTime() - q.from.getTime() > MAX_SPAN_DAYS * DAY_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `must be at most ${MAX_SPAN_DAYS} days after from; ask for a shorter range`,
      });
    }
  });

const ZCounts = {
  requests: z.number().int(),
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  egressBytes: z.number().int(),
};

export const ZUsageSummary = z.object({
  from: z.date(),
  to: z.date(),
  totals: z.object(ZCounts),
  byEndpoint: z.array(
    z.object({
      endpointId: z.string(),
      name: z.string(),
      ...ZCounts,
      p50TtftMs: z.number().nullable(),
      p95TtftMs: z.number().nullable(),
    }),
  ),
});

export const usageRouter = router({
  /** Requests, tokens and egress in [from, to), per endpoint and in total. */
  summary: orgProcedure({ roles: ROLES.any, scope: 'READ' })
    .input(ZUsageSummaryInput)
    .output(ZUsageSummary)
    .query(async ({ ctx, input }) => {
      const endpoint = input.endpointId
        ? await ctx.db.endpoint.findFirst({
            where: { id: input.endpointId, organizationId: ctx.org.id },
            select: { id: true, name: true },
          })
        : undefined;
      if (endpoint === null) {
        throw new TRPCError({ code: 'NOT_FOUND', message: 'Endpoint not found.' });
      }
      return summariseUsage(ctx.db, {
        organizationId: ctx.org.id,
        endpoint,
        from: input.from,
        to: input.to,
      });
    }),
});
