// Sends a completion request to the best replica and relays the answer. Nothing is sent to the
// client before the first upstream body byte has arrived, so until then a failed replica
// (connect error, reset, 5xx, 429) can be replaced by the next one in the ranked failover order;
// after it, a failure ends the response (an SSE error event for streams).
import { performance } from 'node:perf_hooks';
import type { ServerResponse } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import type { OutlierDetector, RankedReplica } from '@aigrid/routing';
import type { Dispatcher } from 'undici';
import type { ReplicaLoads } from './load-scraper';
import type { Logger } from './logger';
import type { GatewayMetrics } from './metrics';
import { GatewayError, normaliseEngineError } from './openai-errors';
import { rewriteJsonResponse, SseRewriter, sseErrorEvent, type Usage } from './rewrite-response';

export const MAX_ATTEMPTS = 3;
/** How often a stream's progress is noted for metering (after its first token). */
export const PROGRESS_EVERY_MS = 1_000;

export interface UpstreamDeps {
  dispatcher: Dispatcher;
  loads: ReplicaLoads;
  outliers: OutlierDetector;
  metrics: GatewayMetrics;
  log: Logger;
}

/** A replica that answered, with its first body chunk in hand. */
export interface Upstream {
  ranked: RankedReplica;
  statusCode: number;
  contentType: string;
  /** Paused after its first chunk. */
  body: Dispatcher.ResponseData['body'];
  first: Buffer | null;
  sentAtMs: number;
  firstByteAtMs: number;
  attempts: number;
}

type FailureKind = 'connect' | 'status_5xx' | 'status_429';

function isAbort(err: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (err instanceof Error && err.name === 'AbortError');
}

/**
 * Tries the ranked replicas in order (at most MAX_ATTEMPTS) until one answers with a first body
 * byte. Releases the in-flight slot of every replica that failed; the caller releases the winner's.
 * Throws a GatewayError when every attempt failed, or the abort reason when the client left.
 */
export async function connectUpstream(
  deps: UpstreamDeps,
  req: {
    ranked: RankedReplica[];
    path: string;
    body: string;
    requestId: string;
    signal: AbortSignal;
  },
): Promise<Upstream> {
  const { dispatcher, loads, outliers, metrics, log } = deps;
  let lastFailure: FailureKind | null = null;
  let attempts = 0;
  for (const ranked of req.ranked.slice(0, MAX_ATTEMPTS)) {
    if (req.signal.aborted) throw req.signal.reason;
    attempts++;
    const replica = ranked.replica;
    const origin = new URL(replica.url).origin;
    loads.acquire(replica.id);
    const sentAtMs = performance.now();
    let failure: FailureKind | null = null;
    try {
      const res = await dispatcher.request({
        origin,
        path: req.path,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': req.requestId },
        body: req.body,
        signal: req.signal,
      });
      if (res.statusCode === 429 || res.statusCode >= 500) {
        failure = res.statusCode === 429 ? 'status_429' : 'status_5xx';
        await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
      } else {
        const first = await firstChunk(res.body);
        const firstByteAtMs = performance.now();
        if (res.statusCode < 300) outliers.onSuccess(replica.id);
        return {
          ranked,
          statusCode: res.statusCode,
          contentType: String(res.headers['content-type'] ?? 'application/json'),
          body: res.body,
          first,
          sentAtMs,
          firstByteAtMs,
          attempts,
        };
      }
    } catch (err) {
      if (isAbort(err, req.signal)) {
        loads.release(replica.id);
        throw req.signal.reason ?? err;
      }
      failure = 'connect';
      log.warn(
        { requestId: req.requestId, replicaId: replica.id, err: (err as Error).message },
        'replica failed before the first byte; trying the next',
      );
    }
    loads.release(replica.id);
    lastFailure = failure;
    if (failure !== 'status_429') outliers.onFailure(replica.id, Date.now());
    metrics.upstreamFailures.inc({ replica: replica.id, reason: failure ?? 'connect' });
  }
  if (lastFailure === 'status_429') {
    throw new GatewayError(
      429,
      'rate_limit_exceeded',
      'Every replica of this endpoint is at capacity. Retry shortly.',
      null,
      { 'retry-after': '1' },
    );
  }
  if (lastFailure === 'status_5xx') {
    throw new GatewayError(
      502,
      'upstream_error',
      'The model server failed to answer. Retry shortly.',
    );
  }
  throw new GatewayError(
    503,
    'no_healthy_replica',
    'No replica of this endpoint inside its jurisdiction could be reached. Retry shortly.',
    null,
    { 'retry-after': '1' },
  );
}

type Body = Dispatcher.ResponseData['body'];

/**
 * Listens to a body's data, end, error and close events until `settle` is called, which removes
 * the four listeners (and runs `also`, if given) before running its argument.
 */
function listenUntilSettled(
  body: Body,
  on: {
    data: (chunk: Buffer) => void;
    end: () => void;
    error: (err: Error) => void;
    close: () => void;
  },
  also?: () => void,
): (fn: () => void) => void {
  body.on('data', on.data);
  body.on('end', on.end);
  body.on('error', on.error);
  body.on('close', on.close);
  return (fn) => {
    body.off('data', on.data);
    body.off('end', on.end);
    body.off('error', on.error);
    body.off('close', on.close);
    also?.();
    fn();
  };
}

/** The body's first chunk (null if it ended without one), leaving the body paused. */
function firstChunk(body: Body): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const settle = listenUntilSettled(body, {
      data: (chunk) => settle(() => (body.pause(), resolve(chunk))),
      end: () => settle(() => resolve(null)),
      error: (err) => settle(() => reject(err)),
      close: () => settle(() => reject(new Error('upstream closed before its first byte'))),
    });
  });
}

/** The rest of a (paused) body, as text. */
async function readRest(body: Body, decoder: StringDecoder): Promise<string> {
  let text = '';
  for await (const chunk of body) text += decoder.write(chunk as Buffer);
  return text + decoder.end();
}

/**
 * Feeds every remaining chunk of a (paused) body to `onChunk` as it arrives, with events rather
 * than an async iterator (no promise per chunk on the hot path), pausing the body while the
 * client's socket is full. Resolves at the end of the body; rejects when it fails or is aborted.
 */
function forwardChunks(body: Body, res: ServerResponse, onChunk: (chunk: Buffer) => void) {
  return new Promise<void>((resolve, reject) => {
    const resume = () => body.resume();
    const settle = listenUntilSettled(
      body,
      {
        data: (chunk) => {
          onChunk(chunk);
          if (res.writableNeedDrain) body.pause();
        },
        end: () => settle(resolve),
        error: (err) => settle(() => reject(err)),
        close: () => settle(() => reject(new Error('upstream closed mid-stream'))),
      },
      () => res.off('drain', resume),
    );
    res.on('drain', resume);
    if (!res.writableNeedDrain) body.resume();
  });
}

/** What was relayed so far; filled in while relaying, so it is known even when the client left. */
export interface RelayResult {
  /** HTTP status the client got (for a stream that failed midway: 502); 0 until answered. */
  status: number;
  usage: Usage | null;
  /** Completion events seen (streams), an estimate of tokens when usage never came. */
  contentEvents: number;
  egressBytes: number;
}

/** Relays the upstream answer to the client, rewriting `model` and reading the usage. */
export async function relayResponse(
  res: ServerResponse,
  up: Upstream,
  out: RelayResult,
  opts: {
    stream: boolean;
    modelId: string;
    endpointName: string;
    clientWantsUsage: boolean;
    headers: Record<string, string>;
    signal: AbortSignal;
    log: Logger;
    requestId: string;
    /** Streams: called at the first content event sent, then at most once per PROGRESS_EVERY_MS. */
    onProgress?: () => void;
  },
): Promise<void> {
  const decoder = new StringDecoder('utf8');
  if (up.statusCode >= 300) {
    const text = (up.first ? decoder.write(up.first) : '') + (await readRest(up.body, decoder));
    const body = JSON.stringify(normaliseEngineError(up.statusCode, text));
    res.writeHead(up.statusCode, {
      ...opts.headers,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
    out.status = up.statusCode;
    out.egressBytes = Buffer.byteLength(body);
    return;
  }

  if (!opts.stream) {
    let text = up.first ? decoder.write(up.first) : '';
    try {
      text += await readRest(up.body, decoder);
    } catch (err) {
      if (opts.signal.aborted) throw err;
      throw new GatewayError(502, 'upstream_error', 'The model server failed while answering.');
    }
    const { body, usage } = rewriteJsonResponse(text, opts.endpointName);
    res.writeHead(200, {
      ...opts.headers,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
    out.status = 200;
    out.usage = usage;
    out.egressBytes = Buffer.byteLength(body);
    return;
  }

  const rewriter = new SseRewriter(opts.modelId, opts.endpointName, opts.clientWantsUsage);
  res.writeHead(200, {
    ...opts.headers,
    'content-type': up.contentType,
    'cache-control': 'no-cache',
  });
  out.status = 200;
  let progressAtMs = -Infinity;
  const write = (text: string) => {
    if (!text || res.destroyed) return;
    out.egressBytes += Buffer.byteLength(text);
    res.write(text);
    out.usage = rewriter.usage;
    out.contentEvents = rewriter.contentEvents;
    if (opts.onProgress && out.contentEvents > 0) {
      const now = performance.now();
      if (now - progressAtMs >= PROGRESS_EVERY_MS) {
        progressAtMs = now;
        opts.onProgress();
      }
    }
  };
  try {
    if (up.first) write(rewriter.push(decoder.write(up.first)));
    await forwardChunks(up.body, res, (chunk) => write(rewriter.push(decoder.write(chunk))));
    write(rewriter.push(decoder.end()) + rewriter.flush());
  } catch (err) {
    if (opts.signal.aborted) throw err;
    out.status = 502;
    opts.log.warn(
      { requestId: opts.requestId, replicaId: up.ranked.replica.id, err: (err as Error).message },
      'replica failed mid-stream',
    );
    write(sseErrorEvent('The model server failed while streaming.', 'upstream_error'));
  }
  res.end();
  out.usage = rewriter.usage;
  out.contentEvents = rewriter.contentEvents;
}

/** Drops an upstream body no longer wanted (its error, if any, is expected). */
export function discardBody(body: Dispatcher.ResponseData['body']): void {
  if (body.destroyed) return;
  body.on('error', () => undefined);
  body.destroy();
}
