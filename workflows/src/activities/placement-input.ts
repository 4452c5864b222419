// The placement request of an endpoint as the grid is now: the market from the database
// (`loadMarketGrid`, shared with the portal's preview), with each node's liveness from its
// heartbeats, nodes a failed attempt excluded, and the endpoint's own replicas' load.
import { loadMarketGrid } from '@aigrid/api';
import type { Db, NodeStatus } from '@aigrid/db';
import type { Grid, PlacementRequest } from '@aigrid/placement';

/**
 * Statuses of a node that serves (DEGRADED: an engine starts or restarts there). A draining node
 * still serves what it runs; placement's `draining` flag keeps new replicas off it.
 */
const SERVING: NodeStatus[] = ['HEALTHY', 'DEGRADED', 'DRAINING', 'DRAINED'];

export interface NodeLiveness {
  status: NodeStatus;
  lastHeartbeatAt: Date | null;
}

/** A node serves when its status allows it and its agent heartbeated recently. */
export function nodeAlive(node: NodeLiveness, now: Date, downAfterMs: number): boolean {
  return (
    node.status !== 'DOWN' &&
    node.lastHeartbeatAt !== null &&
    now.getTime() - node.lastHeartbeatAt.getTime() <= downAfterMs
  );
}

export interface PlacementInput {
  request: PlacementRequest;
  /** The same request with nodes that are enrolling or not reporting counted as healthy. */
  requestIfNodesUp: PlacementRequest;
  siteNames: Map<string, string>;
  nodeNames: Map<string, string>;
}

export async function loadPlacementInput(
  prisma: Db,
  endpointId: string,
  opts: {
    now: Date;
    downAfterMs: number;
    excludeNodeIds?: readonly string[];
    /** Replaces the endpoint's expected request rate (observed demand, scale out). */
    expectedRps?: number;
  },
): Promise<PlacementInput> {
  const endpoint = await prisma.endpoint.findUniqueOrThrow({
    where: { id: endpointId },
    include: { model: true, demands: { include: { metro: true } } },
  });
  const market = await loadMarketGrid(
    prisma,
    opts.now,
    endpoint.demands.map((d) => d.metroId),
  );
  const nodeIds = market.sites.flatMap((s) => s.nodes.map((n) => n.id));
  const [nodes, health] = await Promise.all([
    prisma.node.findMany({
      where: { id: { in: nodeIds } },
      select: { id: true, name: true, status: true, lastHeartbeatAt: true },
    }),
    // The latest sample per node: utilisation and queue depth for re-placement.
    prisma.nodeHealth.findMany({
      where: { nodeId: { in: nodeIds }, at: { gte: new Date(opts.now.getTime() - 60_000) } },
      orderBy: { at: 'desc' },
      distinct: ['nodeId'],
    }),
  ]);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const sample = new Map(health.map((h) => [h.nodeId, h]));
  const excluded = new Set(opts.excludeNodeIds ?? []);
  /** The live grid; with `assumeUp`, nodes enrolling or not reporting count as healthy. */
  const buildGrid = (assumeUp: boolean): Grid => ({
    ...market,
    sites: market.sites.map((s) => ({
      ...s,
      nodes: s.nodes.map((n) => {
        const row = byId.get(n.id);
        const usable =
          !!row &&
          (assumeUp ||
            (SERVING.includes(row.status) && nodeAlive(row, opts.now, opts.downAfterMs))) &&
          !excluded.has(n.id);
        const h = sample.get(n.id);
        return {
          ...n,
          healthy: usable,
          utilisation: h ? Math.min(1, Math.max(0, h.gpuUtilization)) : 0,
          ...(h ? { queueDepth: h.requestsWaiting } : {}),
        };
      }),
    })),
  });
  const totalBp = endpoint.demands.reduce((sum, d) => sum + d.weightBp, 0) || 1;
  const request: PlacementRequest = {
    endpoint: {
      id: endpoint.id,
      modelId: endpoint.modelId,
      model: {
        parametersB: endpoint.model.parametersB,
        memoryGb: endpoint.model.memoryGb,
        supportedGpuTypes: endpoint.model.supportedGpuTypes,
      },
      sloTtftP95Ms: endpoint.sloTtftP95Ms,
      jurisdictions: endpoint.jurisdictions,
      demand: endpoint.demands.map((d) => ({
        metroId: d.metroId,
        name: d.metro.name,
        weight: d.weightBp / totalBp,
        lat: d.metro.lat,
        lon: d.metro.lon,
      })),
      expectedRps: opts.expectedRps ?? endpoint.expectedRps,
      redundancy: endpoint.redundancy,
      ...(endpoint.budgetMicrosPerMonth !== null
        ? { budgetPerMonthMicros: Number(endpoint.budgetMicrosPerMonth) }
        : {}),
    },
    grid: buildGrid(false),
    options: { solver: 'auto', timeLimitMs: 2_000 },
  };
  return {
    request,
    requestIfNodesUp: { ...request, grid: buildGrid(true) },
    siteNames: new Map(market.sites.map((s) => [s.id, s.name])),
    nodeNames: new Map(nodes.map((n) => [n.id, n.name])),
  };
}
