// The simulated engine behind vLLM's HTTP surface: the OpenAI-compatible API (chat and text
// completions, streaming or not), /v1/models, /health and Prometheus /metrics, on node:http.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DEFAULT_ENGINE_OPTIONS,
  type EngineModelOptions,
  replicaPerf,
  type ReplicaPerf,
} from '@aigrid/perf-model';
import { RealtimeDriver } from './driver';
import { BLOCK_SIZE } from './kv-cache';
import { renderMetrics } from './metrics';
import {
  ApiError,
  badRequest,
  chatRequestSchema,
  checkContext,
  checkSampling,
  completionRequestSchema,
  jsonDecodeError,
  messageText,
  validationError,
} from './openai';
import { EngineCore, type FinishInfo, type Sequence } from './scheduler';
import { chatPromptIds, completionPromptIds, templateFor, type ChatTemplate } from './tokenizer';

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

const MAX_BODY_BYTES = 64 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(badRequest('Request body too large.'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(data),
  });
  res.end(data);
}

interface PreparedRequest {
  promptIds: number[];
  maxTokens: number;
  minTokens: number;
  ignoreEos: boolean;
  stop: string[];
  seed?: number;
  stream: boolean;
  includeUsage: boolean;
  continuousUsage: boolean;
}

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

  const checkModel = (model: string | null | undefined) => {
    if (model != null && model !== modelName) {
      throw new ApiError(404, 'NotFoundError', `The model \`${model}\` does not exist.`);
    }
  };

  const prepare = (
    body: {
      max_tokens?: number | null;
      min_tokens?: number | null;
      n?: number | null;
      temperature?: number | null;
      top_p?: number | null;
      stop?: string | string[] | null;
      seed?: number | null;
      ignore_eos?: boolean | null;
      stream?: boolean | null;
      stream_options?: {
        include_usage?: boolean | null;
        continuous_usage_stats?: boolean | null;
      } | null;
    },
    promptIds: number[],
  ): PreparedRequest => {
    checkSampling(body);
    const maxTokens = checkContext(promptIds.length, body.max_tokens, maxModelLen);
    const stop = body.stop == null ? [] : typeof body.stop === 'string' ? [body.stop] : body.stop;
    return {
      promptIds,
      maxTokens,
      minTokens: body.min_tokens ?? 0,
      ignoreEos: body.ignore_eos ?? false,
      stop: stop.filter((s) => s.length > 0),
      seed: body.seed ?? undefined,
      stream: body.stream ?? false,
      includeUsage: body.stream_options?.include_usage ?? false,
      continuousUsage: body.stream_options?.continuous_usage_stats ?? false,
    };
  };

  const usage = (prompt: number, completion: number) => ({
    prompt_tokens: prompt,
    total_tokens: prompt + completion,
    completion_tokens: completion,
    prompt_tokens_details: null,
  });

  /** Runs one request through the engine, streaming (SSE) or not. */
  const run = (
    req: IncomingMessage,
    res: ServerResponse,
    kind: 'chat' | 'completion',
    p: PreparedRequest,
  ) => {
    const id = `${kind === 'chat' ? 'chatcmpl' : 'cmpl'}-${randomBytes(16).toString('hex')}`;
    const createdAt = Math.floor(Date.now() / 1000);
    const object = kind === 'chat' ? 'chat.completion.chunk' : 'text_completion';
    let text = '';
    let completionTokens = 0;
    let done = false;
    const write = (payload: unknown) => res.write(`data: ${JSON.stringify(payload)}\n\n`);
    const chunk = (choice: Record<string, unknown>, extra?: Record<string, unknown>) => ({
      id,
      object,
      created: createdAt,
      model: modelName,
      choices: [choice],
      ...extra,
    });

    const head = `data: {"id":"${id}","object":"${object}","created":${createdAt},"model":${JSON.stringify(modelName)},"choices":[{"index":0,`;
    const tokenPrefix = head + (kind === 'chat' ? '"delta":{"content":' : '"text":');
    const tokenSuffix =
      kind === 'chat'
        ? '},"logprobs":null,"finish_reason":null}]}\n\n'
        : ',"logprobs":null,"finish_reason":null,"stop_reason":null}]}\n\n';
    if (p.stream) {
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      if (kind === 'chat') {
        write(
          chunk({
            index: 0,
            delta: { role: 'assistant', content: '' },
            logprobs: null,
            finish_reason: null,
          }),
        );
      }
    }

    const seq = core.add(
      {
        promptIds: p.promptIds,
        maxTokens: p.maxTokens,
        minTokens: p.minTokens,
        ignoreEos: p.ignoreEos,
        stop: p.stop,
        seed: p.seed,
        arrivalMs: driver.now(),
      },
      {
        onText(delta) {
          completionTokens++;
          if (!p.stream) {
            text += delta;
            return;
          }
          if (p.continuousUsage) {
            const extra = { usage: usage(p.promptIds.length, completionTokens) };
            write(
              kind === 'chat'
                ? chunk(
                    { index: 0, delta: { content: delta }, logprobs: null, finish_reason: null },
                    extra,
                  )
                : chunk(
                    {
                      index: 0,
                      text: delta,
                      logprobs: null,
                      finish_reason: null,
                      stop_reason: null,
                    },
                    extra,
                  ),
            );
            return;
          }
          // The hot path: one chunk per token, its constant parts serialized once.
          res.write(tokenPrefix + JSON.stringify(delta) + tokenSuffix);
        },
        onFinish(info: FinishInfo) {
          done = true;
          live.delete(seq);
          openResponses.delete(res);
          const u = usage(info.promptTokens, info.completionTokens);
          if (p.stream) {
            write(
              kind === 'chat'
                ? chunk({
                    index: 0,
                    delta: {},
                    logprobs: null,
                    finish_reason: info.reason,
                    stop_reason: info.stopReason,
                  })
                : chunk({
                    index: 0,
                    text: '',
                    logprobs: null,
                    finish_reason: info.reason,
                    stop_reason: info.stopReason,
                  }),
            );
            if (p.includeUsage) {
              write({ id, object, created: createdAt, model: modelName, choices: [], usage: u });
            }
            res.end('data: [DONE]\n\n');
            return;
          }
          sendJson(
            res,
            200,
            kind === 'chat'
              ? {
                  id,
                  object: 'chat.completion',
                  created: createdAt,
                  model: modelName,
                  choices: [
                    {
                      index: 0,
                      message: { role: 'assistant', content: text, tool_calls: [] },
                      logprobs: null,
                      finish_reason: info.reason,
                      stop_reason: info.stopReason,
                    },
                  ],
                  usage: u,
                  prompt_logprobs: null,
                }
              : {
                  id,
                  object: 'text_completion',
                  created: createdAt,
                  model: modelName,
                  choices: [
                    {
                      index: 0,
                      text,
                      logprobs: null,
                      finish_reason: info.reason,
                      stop_reason: info.stopReason,
                      prompt_logprobs: null,
                    },
                  ],
                  usage: u,
                },
          );
        },
      },
    );
    live.add(seq);
    openResponses.add(res);
    res.on('close', () => {
      if (done) return;
      live.delete(seq);
      openResponses.delete(res);
      core.abort(seq);
    });
    void req;
    driver.kick();
  };

  const handlePost = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    const raw = await readBody(req);
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (err) {
      throw jsonDecodeError(err);
    }
    if (path === '/v1/chat/completions') {
      const parsed = chatRequestSchema.safeParse(json);
      if (!parsed.success) throw validationError(parsed.error);
      const body = parsed.data;
      checkModel(body.model);
      if (body.messages.length === 0) throw badRequest('messages must not be empty.');
      const promptIds = chatPromptIds(
        body.messages.map((m) => ({ role: m.role, content: messageText(m.content) })),
        template,
      );
      const maxTokens = body.max_completion_tokens ?? body.max_tokens;
      run(req, res, 'chat', prepare({ ...body, max_tokens: maxTokens }, promptIds));
      return;
    }
    const parsed = completionRequestSchema.safeParse(json);
    if (!parsed.success) throw validationError(parsed.error);
    const body = parsed.data;
    checkModel(body.model);
    const prompt = body.prompt;
    let promptIds: number[];
    if (typeof prompt === 'string') promptIds = completionPromptIds(prompt);
    else if (prompt.length === 1 && typeof prompt[0] === 'string') {
      promptIds = completionPromptIds(prompt[0]);
    } else if (prompt.every((x): x is number => typeof x === 'number')) {
      promptIds = prompt;
    } else if (prompt.length === 1 && Array.isArray(prompt[0])) {
      promptIds = prompt[0];
    } else {
      throw badRequest('This engine accepts one prompt per request.');
    }
    if (promptIds.length === 0) throw badRequest('The prompt must not be empty.');
    run(req, res, 'completion', prepare(body, promptIds));
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const method = req.method ?? 'GET';
    const routes: Record<string, string> = {
      '/health': 'GET',
      '/metrics': 'GET',
      '/v1/models': 'GET',
      '/version': 'GET',
      '/v1/chat/completions': 'POST',
      '/v1/completions': 'POST',
    };
    const expected = routes[path];
    if (!expected) return sendJson(res, 404, { detail: 'Not Found' });
    if (method !== expected) return sendJson(res, 405, { detail: 'Method Not Allowed' });
    if (path === '/health') {
      res.writeHead(200, { 'content-length': 0 });
      return res.end();
    }
    if (path === '/version') return sendJson(res, 200, { version: '0.10.0+aigrid.sim' });
    if (path === '/metrics') {
      const body = renderMetrics(
        core.metrics,
        { running: core.numRunning, waiting: core.numWaiting, kvCacheUsage: core.kv.usage() },
        modelName,
      );
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      return res.end(body);
    }
    if (path === '/v1/models') {
      return sendJson(res, 200, {
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
    handlePost(req, res, path).catch((err: unknown) => {
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
