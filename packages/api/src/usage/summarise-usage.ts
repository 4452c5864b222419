// Usage of an organisation's endpoints over a time range, aggregated in PostgreSQL from the
// gateway's usage events: request and token counts, egress, and time-to-first-token percentiles.
import { Prisma, type Db } from '@aigrid/db';

interface UsageRow {
  endpointId: string;
  name: string;
  requests: bigint;
  promptTokens: bigint;
  completionTokens: bigint;
  egressBytes: bigint;
  p50TtftMs: number | null;
  p95TtftMs: number | null;
}

export interface UsageCounts {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  egressBytes: number;
}

export interface EndpointUsage extends UsageCounts {
  endpointId: string;
  name: string;
  p50TtftMs: number | null;
  p95TtftMs: number | null;
}

export interface UsageSummary {
  from: Date;
  to: Date;
  totals: UsageCounts;
  byEndpoint: EndpointUsage[];
}

const COUNTS = ['requests', 'promptTokens', 'completionTokens', 'egressBytes'] as const;

/**
 * Usage in [from, to) of `organizationId`, per endpoint (most requests first), and in total.
 * With `endpoint` (already known to belong to the organisation), that endpoint only, listed
 * even when it had no requests.
 */
export async function summariseUsage(
  db: Db,
  q: { organizationId: string; endpoint?: { id: string; name: string }; from: Date; to: Date },
): Promise<UsageSummary> {
  // The join on the endpoint, in the same organisation, keeps out any event whose endpoint is
  // not the organisation's own.
  const rows = await db.$queryRaw<UsageRow[]>`
    SELECT u."endpointId",
           e."name",
           count(*)::bigint AS "requests",
           coalesce(sum(u."promptTokens"), 0)::bigint AS "promptTokens",
           coalesce(sum(u."completionTokens"), 0)::bigint AS "completionTokens",
           coalesce(sum(u."egressBytes"), 0)::bigint AS "egressBytes",
           percentile_cont(0.5) WITHIN GROUP (ORDER BY u."ttftMs") AS "p50TtftMs",
           percentile_cont(0.95) WITHIN GROUP (ORDER BY u."ttftMs") AS "p95TtftMs"
      FROM "UsageEvent" u
      JOIN "Endpoint" e ON e."id" = u."endpointId" AND e."organizationId" = u."organizationId"
     WHERE u."organizationId" = ${q.organizationId}
       AND u."at" >= ${q.from} AND u."at" < ${q.to}
       ${q.endpoint ? Prisma.sql`AND u."endpointId" = ${q.endpoint.id}` : Prisma.empty}
     GROUP BY u."endpointId", e."name"`;

  if (q.endpoint && rows.length === 0) {
    rows.push({
      endpointId: q.endpoint.id,
      name: q.endpoint.name,
      requests: 0n,
      promptTokens: 0n,
      completionTokens: 0n,
      egressBytes: 0n,
      p50TtftMs: null,
      p95TtftMs: null,
    });
  }
  const totals = { requests: 0n, promptTokens: 0n, completionTokens: 0n, egressBytes: 0n };
  const byEndpoint: EndpointUsage[] = rows.map((r) => {
    for (const k of COUNTS) totals[k] += r[k];
    return {
      endpointId: r.endpointId,
      name: r.name,
      requests: Number(r.requests),
      promptTokens: Number(r.promptTokens),
      completionTokens: Number(r.completionTokens),
      egressBytes: Number(r.egressBytes),
      p50TtftMs: r.p50TtftMs,
      p95TtftMs: r.p95TtftMs,
    };
  });
  byEndpoint.sort((a, b) => b.requests - a.requests || a.name.localeCompare(b.name));
  return {
    from: q.from,
    to: q.to,
    totals: {
      requests: Number(totals.requests),
      promptTokens: Number(totals.promptTokens),
      completionTokens: Number(totals.completionTokens),
      egressBytes: Number(totals.egressBytes),
    },
    byEndpoint,
  };
}
