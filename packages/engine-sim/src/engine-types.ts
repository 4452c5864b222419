// The engine's public option, statistics and handle types, and the state its routes share.
import type { ServerResponse } from 'node:http';
import type { EngineModelOptions, ReplicaPerf } from '@aigrid/perf-model';
import type { RealtimeDriver } from './driver';
import type { EngineCore, Sequence } from './scheduler';
import type { ChatTemplate } from './tokenizer';

export interface EngineModel {
  parametersB: number;
  contextTokens: number;
  kvBytesPerToken?: number;
  /** Bytes per weight (2 for BF16, 1 for FP8). */
  bytesPerParam?: number;
}

export interface StartEngineOptions {
  port?: number;
  host?: string;
  /** The served model name (vLLM's --served-model-name). */
  modelName: string;
  model: EngineModel;
  gpuTypeId: string;
  gpuCount?: number;
  /** Wall-clock seconds per simulated second (0.1 = ten times faster). */
  timeScale?: number;
  seed?: number;
  /** vLLM's --max-model-len; defaults to the context window, capped to what the KV cache holds. */
  maxModelLen?: number;
  /** vLLM's --max-num-seqs (default 256). */
  maxNumSeqs?: number;
  /** vLLM's --max-num-batched-tokens (default 8192 on GPUs with 70 GB or more, else 2048). */
  maxNumBatchedTokens?: number;
  /** vLLM's --enable-prefix-caching (default on, as in vLLM V1). */
  prefixCaching?: boolean;
  /** Mean length of outputs that end by themselves (EOS) rather than at max_tokens. */
  meanOutputTokens?: number;
  /** Overrides of the performance model's efficiencies. */
  engineOptions?: Partial<EngineModelOptions>;
  /** Chat template; by default Llama 3.1's for Llama 3.1/3.2/3.3 names, else Llama 3's. */
  chatTemplate?: ChatTemplate;
}

export interface EngineStats {
  running: number;
  waiting: number;
  kvCacheUsage: number;
  kvBlocks: number;
  kvCapacityTokens: number;
  maxModelLen: number;
  promptTokens: number;
  generationTokens: number;
  prefixCacheQueries: number;
  prefixCacheHits: number;
  preemptions: number;
  requestsFinished: number;
  steps: number;
  /** Simulated time since start, ms. */
  simulatedMs: number;
  /** Simulated time the GPU spent in steps, ms. */
  gpuBusyMs: number;
  /** Wall time the scheduler spent in its own work (planning, sampling, writing tokens), ms. */
  schedulerWallMs: number;
}

export interface EngineHandle {
  url: string;
  port: number;
  modelName: string;
  perf: ReplicaPerf;
  close(): Promise<void>;
  stats(): EngineStats;
}

/** What the route handlers of one running engine share. */
export interface EngineContext {
  core: EngineCore;
  driver: RealtimeDriver;
  modelName: string;
  maxModelLen: number;
  template: ChatTemplate;
  /** Unix seconds the engine started, as /v1/models reports it. */
  created: number;
  /** Sequences in the engine, aborted on close. */
  live: Set<Sequence>;
  /** Responses still being written, destroyed on close. */
  openResponses: Set<ServerResponse>;
}
