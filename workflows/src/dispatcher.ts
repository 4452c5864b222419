// The outbox side of the control plane: the database says what should be happening, and every
// few seconds the dispatcher makes sure a workflow is on it. The web app starts workflows right
// after its commits, but it may crash in between (or run without Temporal): endpoints waiting
// in PROVISIONING get their provisioning, DECOMMISSIONING ones their decommission, serving ones
// their reconcile, PAUSED ones with replicas left their release, and draining nodes their drain.
// Workflow ids are fixed, so a start that races another is harmless. It also marks nodes whose
// agent went silent DOWN, so the gateways stop routing to them within one period, and every
// `pruneEveryMs` deletes rows past their use (rate counters, idempotency records, sign-in
// attempts).
import { pruneExpiredRows, type Db } from '@aigrid/db';
import { HOLDING_STATES, markSilentNodesDown } from './activities/endpoint-activities';
import type { ControlPlaneClient } from './client';
import type { Logger } from './logger';

export interface DispatcherOptions {
  prisma: Db;
  control: ControlPlaneClient;
  periodMs: number;
  nodeDownAfterMs: number;
  logger: Logger;
  /** A workflow this dispatcher started is not started again for this long. */
  rememberMs?: number;
  /** How often expired rows are pruned (the first pass prunes at once). */
  pruneEveryMs?: number;
}

export interface Dispatcher {
  /** One pass, for tests and for the loop. */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

export function startDispatcher(opts: DispatcherOptions): Dispatcher {
  const remember = opts.rememberMs ?? 30_000;
  const started = new Map<string, number>();
  const once = async (key: string, start: () => Promise<void>) => {
    const last = started.get(key);
    if (last !== undefined && Date.now() - last < remember) return;
    try {
      await start();
      started.set(key, Date.now());
    } catch (err) {
      opts.logger.error({ err, key }, 'dispatcher could not start a workflow');
    }
  };

  // Pruning runs beside the passes, never delaying them (a first prune of large tables at
  // start-up would hold back marking silent nodes DOWN).
  const pruneEvery = opts.pruneEveryMs ?? 10 * 60_000;
  let prunedAt = -Infinity;
  let pruning: Promise<void> | null = null;
  const startPruneIfDue = () => {
    if (pruning || Date.now() - prunedAt < pruneEvery) return;
    prunedAt = Date.now();
    pruning = pruneExpiredRows(opts.prisma, new Date())
      .then((pruned) => {
        if (Object.values(pruned).some((n) => n > 0)) {
          opts.logger.info(pruned, 'pruned expired rows');
        }
      })
      .catch((err: unknown) => opts.logger.error({ err }, 'could not prune expired rows'))
      .finally(() => (pruning = null));
  };

  const runOnce = async () => {
    startPruneIfDue();
    const down = await markSilentNodesDown(opts.prisma, new Date(), opts.nodeDownAfterMs);
    if (down.length > 0) opts.logger.warn({ nodeIds: down }, 'nodes stopped heartbeating: DOWN');
    const [endpoints, paused, nodes] = await Promise.all([
      opts.prisma.endpoint.findMany({
        where: { status: { in: ['PROVISIONING', 'DECOMMISSIONING', 'ACTIVE', 'DEGRADED'] } },
        select: { id: true, status: true },
      }),
      opts.prisma.endpoint.findMany({
        where: { status: 'PAUSED', replicas: { some: { state: { in: HOLDING_STATES } } } },
        select: { id: true },
      }),
      opts.prisma.node.findMany({
        where: { status: 'DRAINING', drainRequestedAt: { not: null } },
        select: { id: true },
      }),
    ]);
    const c = opts.control;
    await Promise.all([
      ...endpoints.map((e) => {
        switch (e.status) {
          case 'PROVISIONING':
            return once(`provision:${e.id}`, () => c.endpointCreated(e.id));
          case 'DECOMMISSIONING':
            return once(`decommission:${e.id}`, () => c.endpointDeleted(e.id));
          default:
            return once(`reconcile:${e.id}`, () => c.endpointServing(e.id));
        }
      }),
      ...paused.map((e) => once(`pause:${e.id}`, () => c.endpointPaused(e.id))),
      ...nodes.map((n) => once(`drain:${n.id}`, () => c.nodeDrainRequested(n.id))),
    ]);
  };

  let stopped = false;
  let wake: () => void = () => {};
  const loop = (async () => {
    while (!stopped) {
      try {
        await runOnce();
      } catch (err) {
        opts.logger.error({ err }, 'dispatcher pass failed');
      }
      // Stopped during the pass: no wait for the next one.
      if (stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, opts.periodMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();
  return {
    runOnce,
    async stop() {
      stopped = true;
      wake();
      await loop;
      await pruning;
    },
  };
}
