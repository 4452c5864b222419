// Child process of the gateway benchmark: simulated engines (engine-sim, vLLM's HTTP surface), in
// a process of their own so that the load generator and the gateway do not steal their event
// loop. Argument: JSON `EnginesConfig`. Prints one `listening` line with each engine's URL; stops
// on SIGTERM or SIGINT.
import { catalogueModel, startEngine, type EngineHandle } from '@aigrid/engine-sim';
import { DEFAULT_ENGINE_OPTIONS } from '@aigrid/perf-model';

export interface EnginesConfig {
  model: string;
  gpuTypeId: string;
  timeScale: number;
  maxNumSeqs: number;
  /** vLLM's --gpu-memory-utilization (sizes the KV cache). */
  gpuMemoryUtilization: number;
  ids: string[];
}

const config = JSON.parse(process.argv[2] ?? '{}') as EnginesConfig;
const model = catalogueModel(config.model);
if (!model) throw new Error(`unknown model ${config.model}`);
const engines: EngineHandle[] = [];
for (let i = 0; i < config.ids.length; i++) {
  engines.push(
    await startEngine({
      modelName: config.model,
      model,
      gpuTypeId: config.gpuTypeId,
      timeScale: config.timeScale,
      maxNumSeqs: config.maxNumSeqs,
      seed: i + 1,
      engineOptions: {
        ...DEFAULT_ENGINE_OPTIONS,
        gpuMemoryUtilization: config.gpuMemoryUtilization,
      },
    }),
  );
}
console.log(
  JSON.stringify({
    event: 'listening',
    engines: config.ids.map((id, i) => ({
      id,
      url: engines[i]!.url,
      kvCapacityTokens: engines[i]!.stats().kvCapacityTokens,
    })),
  }),
);
const stop = async () => {
  await Promise.all(engines.map((e) => e.close()));
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
