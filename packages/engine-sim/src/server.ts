// The simulated engine behind vLLM's HTTP surface: the OpenAI-compatible API (chat and text
// completions, streaming or not), /v1/models, /health and Prometheus /metrics, on node:http.
// This file builds the engine, routes requests and runs the server; the routes, request
// validation and HTTP helpers live in their own files.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_ENGINE_OPTIONS, replicaPerf } from '@aigrid/perf-model';
import { handlePost } from './completion-routes';
import { RealtimeDriver } from './driver';
import type { EngineContext, EngineHandle, StartEngineOptions } from './engine-types';
import { sendJson } from './http-io';
import { serveHealth, serveMetrics, serveModels, serveVersion } from './info-routes';
import { BLOCK_SIZE } from './kv-cache';
import { ApiError } from './openai';
import { EngineCore, type Sequence } from './scheduler';
import { templateFor } from './tokenizer';

export type { EngineHandle, EngineModel, EngineStats, StartEngineOptions } from './engine-types';

const ROUTES: Record<string, string> = {
  '/health': 'GET',
  '/metrics': 'GET',
  '/v1/models': 'GET',
  '/version': 'GET',
  '/v1/chat/completions': 'POST',
  '/v1/completions': 'POST',
};

export async function startEngine(options: StartEngineOptions): Promise<EngineHandle> {
  const gpuCount = options.gpuCount ?? 1;
  const timeScale = options.timeScale ?? 1;
  const modelName = options.modelName;
  const engineOptions = { ...DEFAULT_ENGINE_OPTIONS, ...options.engineOptions };
  const perf = replicaPerf(
    options.gpuTypeId,
    gpuCount,
    {
      parametersB: options.model.parametersB,
      kvBytesPerToken: options.model.kvBytesPerToken,
      bytesPerParam: options.model.bytesPerParam,
    },
    engineOptions,
  );
  if (!perf.fits) {
    throw new Error(
      `${modelName} (${options.model.parametersB} B parameters) does not fit on ${gpuCount} × ${options.gpuTypeId}: ` +
        `no memory is left for the KV cache`,
    );
  }
  const numBlocks = Math.floor(perf.kvCapacityTokens / BLOCK_SIZE);
  const kvTokens = numBlocks * BLOCK_SIZE;
  const maxModelLen = Math.min(options.maxModelLen ?? options.model.contextTokens, kvTokens);
  const core = new EngineCore({
    perf,
    maxModelLen,
    maxNumSeqs: options.maxNumSeqs ?? 256,
    maxNumBatchedTokens: options.maxNumBatchedTokens ?? (perf.gpu.memoryGb >= 70 ? 8192 : 2048),
    numBlocks,
    prefixCaching: options.prefixCaching ?? true,
    seed: options.seed ?? 0,
    meanOutputTokens: options.meanOutputTokens ?? 256,
  });
  const driver = new RealtimeDriver(core, timeScale);
  const template = options.chatTemplate ?? templateFor(modelName);
  const created = Math.floor(Date.now() / 1000);
  const live = new Set<Sequence>();
  const openResponses = new Set<ServerResponse>();

  const ctx: EngineContext = {
    core,
    driver,
    modelName,
    maxModelLen,
    template,
    created,
    live,
    openResponses,
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const method = req.method ?? 'GET';
    const expected = ROUTES[path];
    if (!expected) return sendJson(res, 404, { detail: 'Not Found' });
    if (method !== expected) return sendJson(res, 405, { detail: 'Method Not Allowed' });
    if (path === '/health') return serveHealth(res);
    if (path === '/version') return serveVersion(res);
    if (path === '/metrics') return serveMetrics(ctx, res);
    if (path === '/v1/models') return serveModels(ctx, res);
    handlePost(ctx, req, res, path).catch((err: unknown) => {
      const apiError =
        err instanceof ApiError
          ? err
          : new ApiError(
              500,
              'InternalServerError',
              err instanceof Error ? err.message : String(err),
            );
      if (!res.headersSent) sendJson(res, apiError.status, apiError.body());
      else res.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    modelName,
    perf,
    stats: () => ({
      running: core.numRunning,
      waiting: core.numWaiting,
      kvCacheUsage: core.kv.usage(),
      kvBlocks: core.kv.numBlocks,
      kvCapacityTokens: kvTokens,
      maxModelLen,
      promptTokens: core.metrics.promptTokens,
      generationTokens: core.metrics.generationTokens,
      prefixCacheQueries: core.metrics.prefixCacheQueries,
      prefixCacheHits: core.metrics.prefixCacheHits,
      preemptions: core.metrics.preemptions,
      requestsFinished:
        core.metrics.success.stop + core.metrics.success.length + core.metrics.success.abort,
      steps: core.steps,
      simulatedMs: driver.simulatedMs(),
      gpuBusyMs: core.busyMs,
      schedulerWallMs: driver.busyWallMs,
    }),
    close: async () => {
      driver.stop();
      for (const seq of live) core.abort(seq);
      live.clear();
      for (const res of openResponses) res.destroy();
      openResponses.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
