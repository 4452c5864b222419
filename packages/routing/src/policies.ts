// Routing policies for the benchmark that compares ours with the usual baselines. Every policy
// applies the same hard filter (jurisdiction, draining, ejected) through rankReplicas and only
// orders the eligible replicas differently; the order is the failover order.
import type { ReplicaLoad } from './live-load';
import { rankReplicas, type RankInput, type RankedReplica } from './score';

export type RoutingPolicy = 'ours' | 'random' | 'round-robin' | 'least-loaded';

export const ROUTING_POLICIES: readonly RoutingPolicy[] = [
  'ours',
  'random',
  'round-robin',
  'least-loaded',
];

/** A small seeded generator (mulberry32), the default so a picker is deterministic. */
export function seededRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function byId(a: RankedReplica, b: RankedReplica): number {
  return a.replica.id < b.replica.id ? -1 : a.replica.id > b.replica.id ? 1 : 0;
}

function queueDepth(load: ReplicaLoad | undefined): number {
  return load ? load.running + load.waiting + load.inFlight : 0;
}

/** A function ordering the eligible replicas of a request by `policy`, best first. */
export function createPicker(
  policy: RoutingPolicy,
  opts: { rng?: () => number } = {},
): (input: RankInput) => RankedReplica[] {
  switch (policy) {
    case 'ours':
      return (input) => rankReplicas(input).ranked;
    case 'random': {
      const rng = opts.rng ?? seededRng(1);
      return (input) => {
        const list = rankReplicas(input).ranked.sort(byId);
        for (let i = list.length - 1; i > 0; i--) {
          const j = Math.min(i, Math.floor(rng() * (i + 1)));
          [list[i], list[j]] = [list[j]!, list[i]!];
        }
        return list;
      };
    }
    case 'round-robin': {
      const next = new Map<string, number>();
      return (input) => {
        const list = rankReplicas(input).ranked.sort(byId);
        const turn = next.get(input.endpoint.id) ?? 0;
        next.set(input.endpoint.id, turn + 1);
        if (list.length === 0) return list;
        const k = turn % list.length;
        return [...list.slice(k), ...list.slice(0, k)];
      };
    }
    case 'least-loaded':
      return (input) =>
        rankReplicas(input).ranked.sort(
          (a, b) =>
            queueDepth(input.loads.get(a.replica.id)) - queueDepth(input.loads.get(b.replica.id)) ||
            byId(a, b),
        );
  }
}
