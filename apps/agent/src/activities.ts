// Activities that run at the POP, on this node's task queue `node.<nodeId>`: the provisioning
// workflows call them to load, check, drain and unload model replicas. Each is idempotent.
import { heartbeat } from '@temporalio/activity';
import type { EngineSupervisor } from './engine-supervisor';
import { waitEngineIdle, type WaitIdleResult } from './wait-idle';

export interface LoadModelInput {
  replicaId: string;
  modelId: string;
  gpuCount: number;
  /** How long to wait for the engine to become ready. */
  readyTimeoutMs?: number;
}

export function createAgentActivities(deps: { supervisor: EngineSupervisor; gpuTypeId: string }) {
  const { supervisor } = deps;
  return {
    /** Starts the replica's engine (if not running) and waits until it answers /health. */
    async loadModel(input: LoadModelInput): Promise<{ replicaId: string; url: string }> {
      const engine = await supervisor.start({
        replicaId: input.replicaId,
        modelId: input.modelId,
        gpuTypeId: deps.gpuTypeId,
        gpuCount: input.gpuCount,
      });
      const deadline = Date.now() + (input.readyTimeoutMs ?? 120_000);
      while (Date.now() < deadline) {
        heartbeat({ replicaId: input.replicaId, phase: 'starting' });
        if (await supervisor.probe(input.replicaId)) {
          return { replicaId: input.replicaId, url: engine.url };
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`Engine for replica ${input.replicaId} was not ready in time`);
    },

    async probeReady(input: {
      replicaId: string;
    }): Promise<{ ready: boolean; url: string | null }> {
      const ready = await supervisor.probe(input.replicaId);
      return { ready, url: supervisor.get(input.replicaId)?.url ?? null };
    },

    /**
     * Waits until the replica's engine has finished the requests it runs and queues (at least
     * `minMs`, at most `maxMs`): called once the replica is unrouted, before unloading it.
     */
    async waitIdle(input: {
      replicaId: string;
      minMs: number;
      maxMs: number;
    }): Promise<WaitIdleResult> {
      const engine = supervisor.get(input.replicaId);
      if (!engine) return { idle: true, waitedMs: 0, requests: null };
      return waitEngineIdle(engine.url, {
        minMs: input.minMs,
        maxMs: input.maxMs,
        onPoll: (requests) => heartbeat({ replicaId: input.replicaId, requests }),
      });
    },

    /** Stops the replica's engine; unloading one that is not running is a no-op. */
    async unloadModel(input: { replicaId: string }): Promise<{ replicaId: string }> {
      await supervisor.stop(input.replicaId);
      return { replicaId: input.replicaId };
    },
  };
}

export type AgentActivities = ReturnType<typeof createAgentActivities>;
