// Requests sent the way a gateway sends them: to the routed replicas (READY with a URL, on a node
// not DOWN, read from the database as the route snapshot is), round robin, failing over to the
// next replica when one fails before answering. Counts what a client would see.
import type { Db } from '@aigrid/db';

export interface TrafficStats {
  ok: number;
  /** Requests no replica could answer: what a client sees as an error. */
  failed: number;
  /** Attempts that failed and were retried on another replica before the first byte. */
  failovers: number;
}

export async function startTraffic(prisma: Db, endpointId: string, concurrency = 3) {
  const stats: TrafficStats = { ok: 0, failed: 0, failovers: 0 };
  let routes: string[] = [];
  let stopped = false;
  let next = 0;
  const refresh = async () => {
    const rows = await prisma.replica.findMany({
      where: { endpointId, state: 'READY', url: { not: null }, node: { status: { not: 'DOWN' } } },
      select: { url: true },
      orderBy: { createdAt: 'asc' },
    });
    routes = rows.map((r) => r.url!);
  };
  await refresh();
  const refresher = (async () => {
    while (!stopped) {
      await refresh().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  const one = async () => {
    const candidates = [...routes];
    if (candidates.length === 0) {
      stats.failed += 1;
      return;
    }
    const start = next++ % candidates.length;
    for (let i = 0; i < candidates.length; i++) {
      const url = candidates[(start + i) % candidates.length]!;
      try {
        const res = await fetch(`${url}/v1/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'llama-3.1-8b-instruct', prompt: 'Hello', max_tokens: 4 }),
          signal: AbortSignal.timeout(5_000),
        });
        await res.text();
        if (res.ok) {
          stats.ok += 1;
          return;
        }
      } catch {
        // Connection refused or reset before an answer: try the next replica.
      }
      stats.failovers += 1;
    }
    stats.failed += 1;
  };
  // Each client sends a request every ~50 ms (a failed one does not make it spin faster).
  const workers = Array.from({ length: concurrency }, async () => {
    while (!stopped) {
      await one();
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  return {
    stats,
    async stop(): Promise<TrafficStats> {
      stopped = true;
      await Promise.all([refresher, ...workers]);
      return stats;
    },
  };
}
