// Gathers the node's live health from its engines' /metrics for each heartbeat.
import type { Heartbeat } from './control-plane';
import { quantileMs, scrapeEngineMetrics } from './engine-metrics';
import type { EngineSupervisor } from './engine-supervisor';

export class HealthReporter {
  private lastBuckets = new Map<string, Map<number, number>>();

  constructor(
    private readonly nodeId: string,
    private readonly supervisor: EngineSupervisor,
  ) {}

  async collect(): Promise<Heartbeat> {
    const engines = this.supervisor.list();
    let running = 0;
    let waiting = 0;
    let kv = 0;
    let p50: number | null = null;
    let p95: number | null = null;
    const replicas: Heartbeat['replicas'] = [];
    for (const e of engines) {
      const healthy = await this.supervisor.probe(e.replicaId);
      replicas.push({ replicaId: e.replicaId, modelId: e.modelId, url: e.url, healthy });
      if (!healthy) continue;
      try {
        const load = await scrapeEngineMetrics(e.url);
        running += load.requestsRunning;
        waiting += load.requestsWaiting;
        kv = Math.max(kv, load.kvCacheUsage);
        const before = this.lastBuckets.get(e.replicaId);
        this.lastBuckets.set(e.replicaId, load.ttftBuckets);
        p50 = max(p50, quantileMs(load.ttftBuckets, before, 0.5));
        p95 = max(p95, quantileMs(load.ttftBuckets, before, 0.95));
      } catch {
        // An engine that answers /health but not /metrics still counts as up.
      }
    }
    return {
      nodeId: this.nodeId,
      // Up when every engine answers (a node with no replica yet is up and idle).
      engineUp: replicas.every((r) => r.healthy),
      requestsRunning: running,
      requestsWaiting: waiting,
      kvCacheUsage: kv,
      // vLLM exports no GPU utilisation; without NVML we report the share of KV cache in use
      // or, when idle, zero.
      gpuUtilization: running + waiting > 0 ? Math.max(kv, 0.05) : 0,
      ttftP50Ms: p50,
      ttftP95Ms: p95,
      replicas,
    };
  }
}

function max(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}
