// The informational routes: /health, /version, /metrics (Prometheus) and /v1/models.
import type { ServerResponse } from 'node:http';
import type { EngineContext } from './engine-types';
import { sendJson } from './http-io';
import { renderMetrics } from './metrics';

export function serveHealth(res: ServerResponse): void {
  res.writeHead(200, { 'content-length': 0 });
  res.end();
}

export function serveVersion(res: ServerResponse): void {
  sendJson(res, 200, { version: '0.10.0+aigrid.sim' });
}

export function serveMetrics(ctx: EngineContext, res: ServerResponse): void {
  const { core, modelName } = ctx;
  const body = renderMetrics(
    core.metrics,
    { running: core.numRunning, waiting: core.numWaiting, kvCacheUsage: core.kv.usage() },
    modelName,
  );
  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  res.end(body);
}

export function serveModels(ctx: EngineContext, res: ServerResponse): void {
  const { modelName, created, maxModelLen } = ctx;
  sendJson(res, 200, {
    object: 'list',
    data: [
      {
        id: modelName,
        object: 'model',
        created,
        owned_by: 'vllm',
        root: modelName,
        parent: null,
        max_model_len: maxModelLen,
        permission: [],
      },
    ],
  });
}
