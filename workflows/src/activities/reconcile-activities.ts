// What reconcile decides each pass, from the grid as it is: which replicas sit on dead nodes,
// the minimal moves placement asks for (nodes unhealthy or draining, the SLO at risk as the
// gateways observe it, demand grown), and whether a replica is surplus (idle or over budget).
import type { Db } from '@aigrid/db';
import { evaluatePlacement, replanEndpoint, type CurrentReplica } from '@aigrid/placement';
import type { ControlSettings } from '../control-settings';
import { loadReplicaViews, type PlannedReplica, type ReplicaView } from './endpoint-activities';
import { loadPlacementInput } from './placement-input';

export interface RemoveReplica {
  replicaId: string;
  nodeId: string;
  nodeName: string;
  siteName: string;
  reason: 'draining' | 'unhealthy' | 'scale-in';
}

export interface ReconcilePlan {
  /** Replicas on nodes that stopped heartbeating or are DOWN: unroute them at once. */
  dead: ReplicaView[];
  /** New replicas to make ready before anything is removed. */
  adds: PlannedReplica[];
  /** Replicas to retire (drain, then unload) once the adds serve. */
  removes: RemoveReplica[];
  /** The replicas that serve now (READY on a live node). */
  serving: number;
  observed: {
    requests: number;
    rps: number;
    perMetro: { metroId: string; p95TtftMs: number; requests: number }[];
  };
  sloAtRisk: { metroId: string; p95TtftMs: number }[];
  /** This pass found the endpoint idle or over budget with a replica it could do without. */
  surplus: { replicaId: string; why: 'idle' | 'over-budget' } | null;
  /** Why placement wants what it wants, for the event log. */
  reasons: string[];
}

interface MetroRow {
  metroId: string;
  p95: number;
  requests: number;
}

export function createReconcileActivities({
  prisma,
  settings,
  now = () => new Date(),
}: {
  prisma: Db;
  settings: ControlSettings;
  now?: () => Date;
}) {
  return {
    async planReconcile(input: {
      endpointId: string;
      /** Nodes where adding a replica failed lately. */
      excludeNodeIds?: string[];
    }): Promise<ReconcilePlan> {
      const at = now();
      const endpoint = await prisma.endpoint.findUniqueOrThrow({
        where: { id: input.endpointId },
        select: { expectedRps: true, sloTtftP95Ms: true, budgetMicrosPerMonth: true },
      });
      const replicas = await loadReplicaViews(
        prisma,
        { endpointId: input.endpointId },
        at,
        settings.nodeDownAfterMs,
      );
      const since = new Date(at.getTime() - settings.observeWindowMs);
      const [metroRows, totals] = await Promise.all([
        prisma.$queryRaw<MetroRow[]>`
          SELECT "clientMetroId" AS "metroId",
                 percentile_cont(0.95) WITHIN GROUP (ORDER BY "ttftMs") AS p95,
                 count(*)::int AS requests
          FROM "UsageEvent"
          WHERE "endpointId" = ${input.endpointId} AND at > ${since}
            AND "ttftMs" IS NOT NULL AND "clientMetroId" IS NOT NULL
          GROUP BY "clientMetroId"`,
        prisma.usageEvent.count({ where: { endpointId: input.endpointId, at: { gt: since } } }),
      ]);
      const windowS = settings.observeWindowMs / 1000;
      const observedRps = totals / windowS;
      const perMetro = metroRows.map((m) => ({
        metroId: m.metroId,
        p95TtftMs: Math.round(Number(m.p95)),
        requests: m.requests,
      }));
      const sloAtRisk = perMetro
        .filter((m) => m.requests >= settings.observeMinSamples)
        .filter((m) => m.p95TtftMs > endpoint.sloTtftP95Ms)
        .map((m) => ({ metroId: m.metroId, p95TtftMs: m.p95TtftMs }));
      const reasons: string[] = [];
      let expectedRps = endpoint.expectedRps;
      if (observedRps > expectedRps) {
        expectedRps = observedRps;
        reasons.push(
          `demand grew to ${observedRps.toFixed(2)} req/s (expected ${endpoint.expectedRps})`,
        );
      }
      if (sloAtRisk.length > 0) {
        expectedRps *= 1.5;
        reasons.push(
          `observed p95 over the ${endpoint.sloTtftP95Ms} ms SLO in ${sloAtRisk
            .map((m) => `${m.metroId} (${m.p95TtftMs} ms)`)
            .join(', ')}`,
        );
      }

      const dead = replicas.filter((r) => !r.nodeAlive);
      const live = replicas.filter(
        (r) => r.nodeAlive && ['RESERVED', 'LOADING', 'READY'].includes(r.state),
      );
      const { request, siteNames, nodeNames } = await loadPlacementInput(prisma, input.endpointId, {
        now: at,
        downAfterMs: settings.nodeDownAfterMs,
        expectedRps,
        excludeNodeIds: input.excludeNodeIds ?? [],
      });
      const counts = new Map<string, number>();
      for (const r of [...live, ...dead.filter((d) => d.state !== 'DRAINING')]) {
        counts.set(r.nodeId, (counts.get(r.nodeId) ?? 0) + 1);
      }
      const current: CurrentReplica[] = [...counts].map(([nodeId, count]) => ({ nodeId, count }));
      const replan = await replanEndpoint({ ...request, current });
      const adds: PlannedReplica[] = [];
      const removes: RemoveReplica[] = [];
      for (const move of replan.moves) {
        if (move.kind === 'add') {
          for (let i = 0; i < move.count; i++) {
            adds.push({
              nodeId: move.nodeId,
              nodeName: nodeNames.get(move.nodeId) ?? move.nodeId,
              siteName: siteNames.get(move.siteId) ?? move.siteId,
              gpuCount: move.gpuCount,
            });
          }
        } else {
          const onNode = live.filter((r) => r.nodeId === move.nodeId).slice(0, move.count);
          for (const r of onNode) {
            removes.push({
              replicaId: r.id,
              nodeId: r.nodeId,
              nodeName: r.nodeName,
              siteName: r.siteName,
              reason: move.reason === 'draining' ? 'draining' : 'unhealthy',
            });
          }
          if (onNode.length > 0) {
            reasons.push(
              `${onNode[0]!.nodeName} is ${move.reason === 'draining' ? 'draining' : 'not healthy'}`,
            );
          }
        }
      }
      if (dead.length > 0) {
        reasons.push(
          `${[...new Set(dead.map((d) => d.nodeName))].join(', ')} stopped heartbeating`,
        );
      }
      if (adds.length > 0 && !replan.sloMetNow && reasons.length === 0) {
        reasons.push('the replicas left do not meet the SLO');
      }

      // Scale in: a replica the endpoint can do without while idle or over budget.
      let surplus: ReconcilePlan['surplus'] = null;
      const ready = live.filter((r) => r.state === 'READY');
      if (adds.length === 0 && removes.length === 0 && dead.length === 0 && ready.length > 1) {
        const evaluation = evaluatePlacement(
          request,
          ready.map((r) => ({ nodeId: r.nodeId })),
          { running: true },
        );
        const budget = endpoint.budgetMicrosPerMonth;
        const overBudget = budget !== null && evaluation.costPerMonthMicros > Number(budget);
        const idle = totals === 0;
        if (idle || overBudget) {
          const price = new Map(
            request.grid.sites.flatMap((s) =>
              s.nodes.map((n) => [n.id, n.pricePerGpuHourMicros] as const),
            ),
          );
          const dearest = [...ready].sort(
            (a, b) =>
              (price.get(b.nodeId) ?? 0) * b.gpuCount - (price.get(a.nodeId) ?? 0) * a.gpuCount,
          )[0]!;
          const without = ready.filter((r) => r.id !== dearest.id);
          const after = evaluatePlacement(
            { ...request, endpoint: { ...request.endpoint, expectedRps: endpoint.expectedRps } },
            without.map((r) => ({ nodeId: r.nodeId })),
            { running: true },
          );
          if (after.meetsSlo) {
            surplus = { replicaId: dearest.id, why: overBudget ? 'over-budget' : 'idle' };
          }
        }
      }
      return {
        dead,
        adds,
        removes,
        serving: ready.length,
        observed: { requests: totals, rps: observedRps, perMetro },
        sloAtRisk,
        surplus,
        reasons,
      };
    },
  };
}
