// The route snapshot gateways poll (GET /api/gateway/routes): every endpoint that can take
// traffic, its routable replicas with their site, jurisdictions and performance, and the RTT from
// every metro to every site hosting one. `version` is a content hash of all of it but the time,
// so a gateway can tell a change from a refresh (ETag / If-None-Match).
import { createHash } from 'node:crypto';
import type { Db } from '@aigrid/db';
import { GPU_SPECS, replicaPerf } from '@aigrid/perf-model';
import {
  DEFAULT_OUTPUT_TOKENS,
  DEFAULT_PLACEMENT_TUNING,
  DEFAULT_PROMPT_TOKENS,
  estimateRttMs,
} from '@aigrid/placement';
import type { RouteEndpoint, RouteReplica, RouteSnapshot } from '@aigrid/routing';

/**
 * Paused and failed endpoints are listed too (a failed one without replicas), so that the gateway
 * tells their owner why it refuses their requests instead of saying they do not exist.
 */
const LISTED_ENDPOINT_STATUSES = [
  'PROVISIONING',
  'ACTIVE',
  'DEGRADED',
  'PAUSED',
  'FAILED',
] as const;
const ROUTED_REPLICA_STATES = ['READY', 'DRAINING'] as const;

type ReplicaFigures = Pick<
  RouteReplica,
  'prefillTokensPerS' | 'decodeTokensPerS' | 'maxConcurrency'
>;

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * What the routing score needs of a replica, from the engine performance model at the median
 * request placement plans for (DEFAULT_PROMPT_TOKENS in, DEFAULT_OUTPUT_TOKENS out): prefill rate
 * of such a prompt, one sequence's decode rate, and the sequences its KV cache holds at once
 * (capped like placement's sizing, at the engine's max_num_seqs). Null for a GPU type without
 * performance figures: placement never puts a replica there, and routing could not score it.
 */
export function replicaFigures(
  gpuTypeId: string,
  gpuCount: number,
  model: { parametersB: number; memoryGb: number },
): ReplicaFigures | null {
  if (!GPU_SPECS[gpuTypeId] || gpuCount < 1 || !(model.parametersB > 0)) return null;
  const bytesPerParam = model.memoryGb > 0 ? model.memoryGb / model.parametersB : undefined;
  const perf = replicaPerf(gpuTypeId, gpuCount, { parametersB: model.parametersB, bytesPerParam });
  const prompt = DEFAULT_PROMPT_TOKENS;
  const output = DEFAULT_OUTPUT_TOKENS;
  return {
    prefillTokensPerS: round((prompt / perf.prefillMs(prompt)) * 1000, 1),
    decodeTokensPerS: round(1000 / perf.decodeStepMs(1, prompt + output / 2), 2),
    maxConcurrency: Math.max(
      1,
      Math.min(
        DEFAULT_PLACEMENT_TUNING.maxBatch,
        Math.floor(perf.kvCapacityTokens / (prompt + output)),
      ),
    ),
  };
}

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const tags = (t: string[]) => [...new Set(t.map((x) => x.toUpperCase()))].sort();

/** The metro with the largest demand weight (ties: the first by id), or null without demand. */
function defaultMetro(demands: { metroId: string; weightBp: number }[]): string | null {
  const sorted = [...demands].sort(
    (a, b) => b.weightBp - a.weightBp || (a.metroId < b.metroId ? -1 : 1),
  );
  return sorted[0]?.metroId ?? null;
}

export async function buildRouteSnapshot(db: Db, now: Date): Promise<RouteSnapshot> {
  const [endpoints, metros] = await Promise.all([
    db.endpoint.findMany({
      where: { status: { in: [...LISTED_ENDPOINT_STATUSES] } },
      orderBy: { id: 'asc' },
      include: {
        model: { select: { parametersB: true, memoryGb: true } },
        demands: { select: { metroId: true, weightBp: true } },
        replicas: {
          where: {
            state: { in: [...ROUTED_REPLICA_STATES] },
            url: { not: null },
            node: { status: { not: 'DOWN' } },
          },
          orderBy: { id: 'asc' },
          include: { node: { include: { site: true } } },
        },
      },
    }),
    db.metro.findMany({ orderBy: { id: 'asc' } }),
  ]);

  const sites = new Map<string, { lat: number; lon: number }>();
  const routeEndpoints: RouteEndpoint[] = endpoints.map((e) => ({
    id: e.id,
    organizationId: e.organizationId,
    name: e.name,
    modelId: e.modelId,
    status: e.status as RouteEndpoint['status'],
    jurisdictions: tags(e.jurisdictions),
    defaultMetroId: defaultMetro(e.demands),
    sloTtftP95Ms: e.sloTtftP95Ms,
    replicas: (e.status === 'FAILED' ? [] : e.replicas).flatMap((r): RouteReplica[] => {
      const figures = replicaFigures(r.node.gpuTypeId, r.gpuCount, e.model);
      if (!figures || r.url === null) return [];
      const site = r.node.site;
      sites.set(site.id, { lat: site.lat, lon: site.lon });
      return [
        {
          id: r.id,
          nodeId: r.nodeId,
          siteId: site.id,
          siteName: site.name,
          metroId: site.metroId,
          jurisdictions: tags(site.jurisdictions),
          countryCode: site.countryCode,
          url: r.url,
          gpuTypeId: r.node.gpuTypeId,
          gpuCount: r.gpuCount,
          state: r.state as RouteReplica['state'],
          ...figures,
        },
      ];
    }),
  }));

  const siteIds = [...sites.keys()].sort();
  const measured = await db.rttMeasurement.findMany({ where: { siteId: { in: siteIds } } });
  const measuredMs = new Map(measured.map((m) => [`${m.metroId} ${m.siteId}`, m.rttMs]));
  const rttMs: Record<string, Record<string, number>> = {};
  for (const metro of metros) {
    const row: Record<string, number> = {};
    for (const siteId of siteIds) {
      row[siteId] = round(
        measuredMs.get(`${metro.id} ${siteId}`) ?? estimateRttMs(metro, sites.get(siteId)!),
        2,
      );
    }
    rttMs[metro.id] = row;
  }

  const content = { endpoints: routeEndpoints.sort(byId), rttMs };
  const version = createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 16);
  return { version, generatedAt: now.toISOString(), ...content };
}
