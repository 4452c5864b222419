// POST /v1/chat/completions and /v1/completions: authenticate, read and validate the body,
// resolve the caller's endpoint, rank its replicas (jurisdiction is a hard filter), proxy with
// failover before the first byte, relay the answer, and meter the request exactly once.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  clientAddress,
  estimatePromptTokens,
  promptBlockHashes,
  resolveClientMetro,
  type RankInput,
  type RankedReplica,
  type RouteEndpoint,
} from '@aigrid/routing';
import type { GatewayContext } from './gateway-context';
import { emptyUsage, type UsageRecord } from './metering';
import { errors, GatewayError, sendError } from './openai-errors';
import {
  parseCompletionRequest,
  readBody,
  upstreamBody,
  type CompletionKind,
} from './parse-request';
import {
  connectUpstream,
  discardBody,
  relayResponse,
  type RelayResult,
  type Upstream,
} from './proxy-request';
import { refusal } from './route-state';

const CLIENT_CLOSED = 499;

function fmt(ms: number): string {
  return ms.toFixed(1);
}

function rank(
  ctx: GatewayContext,
  endpoint: RouteEndpoint,
  promptText: string,
  req: IncomingMessage,
) {
  const view = ctx.routes.current();
  const metroHeader = req.headers['x-aigrid-metro'];
  const metro = resolveClientMetro({
    header: Array.isArray(metroHeader) ? metroHeader[0] : metroHeader,
    clientIp: clientAddress({
      socketIp: req.socket.remoteAddress,
      forwardedFor: req.headers['x-forwarded-for'],
      trustedProxies: ctx.trustedProxies,
    }),
    table: ctx.metroTable,
    knownMetros: view?.knownMetros ?? new Set(),
  });
  const hashes = promptBlockHashes(promptText);
  const ids = endpoint.replicas.map((r) => r.id);
  const cachedBlocks = new Map<string, number>();
  if (hashes.length)
    for (const id of ids) cachedBlocks.set(id, ctx.prefixIndex.matchedBlocks(id, hashes));
  const now = Date.now();
  const input: RankInput = {
    endpoint,
    clientMetroId: metro.metroId,
    rttMs: view?.snapshot.rttMs ?? {},
    loads: ctx.loads.loadsFor(ids),
    cachedBlocks,
    promptTokens: estimatePromptTokens(promptText),
    isEjected: (id) => ctx.outliers.isEjected(id, now),
    prefixHashes: hashes,
  };
  return { ranked: ctx.pick(input), hashes, clientMetroId: metro.metroId };
}

export async function handleCompletion(
  ctx: GatewayContext,
  req: IncomingMessage,
  res: ServerResponse,
  kind: CompletionKind,
  t0: number,
  requestId: string,
  baseHeaders: Record<string, string>,
): Promise<void> {
  const key = await ctx.auth.authenticate(req.headers.authorization);
  const active = ctx.activePerKey.get(key.id) ?? 0;
  if (active >= ctx.limits.maxConcurrentPerKey) {
    throw errors.tooManyConcurrent(ctx.limits.maxConcurrentPerKey);
  }
  ctx.activePerKey.set(key.id, active + 1);
  try {
    await serve(ctx, req, res, kind, t0, requestId, baseHeaders, key.organizationId);
  } finally {
    const n = (ctx.activePerKey.get(key.id) ?? 1) - 1;
    if (n > 0) ctx.activePerKey.set(key.id, n);
    else ctx.activePerKey.delete(key.id);
  }
}

async function serve(
  ctx: GatewayContext,
  req: IncomingMessage,
  res: ServerResponse,
  kind: CompletionKind,
  t0: number,
  requestId: string,
  baseHeaders: Record<string, string>,
  organizationId: string,
): Promise<void> {
  const parsed = parseCompletionRequest(kind, await readBody(req, ctx.limits.maxBodyBytes));
  const endpoint = ctx.routes.findEndpoint(organizationId, parsed.body.model);
  if (!endpoint) throw errors.modelNotFound(parsed.body.model);

  const usageId = baseHeaders['x-aigrid-request-id']!;
  const at = new Date();
  const begun = { id: usageId, organizationId, endpointId: endpoint.id, at };
  ctx.meter.begin(begun);
  const record: UsageRecord = emptyUsage(begun, 0);
  const controller = new AbortController();
  const onClose = () => {
    if (!res.writableFinished)
      controller.abort(new GatewayError(CLIENT_CLOSED, 'client_closed', 'client closed'));
  };
  res.on('close', onClose);
  let upstream: Upstream | null = null;
  const relayed: RelayResult = { status: 0, usage: null, contentEvents: 0, egressBytes: 0 };
  try {
    const refused = refusal(endpoint);
    if (refused) throw errors.endpointRefuses(endpoint.name, refused);
    const routed = rank(ctx, endpoint, parsed.promptText, req);
    record.clientMetroId = routed.clientMetroId;
    if (routed.ranked.length === 0) {
      throw errors.noHealthyReplica(
        `No healthy replica of '${endpoint.name}' is available inside its jurisdiction` +
          (endpoint.jurisdictions.length ? ` (${endpoint.jurisdictions.join(', ')})` : '') +
          '. Retry shortly.',
      );
    }
    upstream = await connectUpstream(ctx, {
      ranked: routed.ranked,
      path: kind === 'chat' ? '/v1/chat/completions' : '/v1/completions',
      body: upstreamBody(parsed, endpoint.modelId),
      requestId,
      signal: controller.signal,
    });
    const replica = upstream.ranked.replica;
    record.siteId = replica.siteId;
    record.nodeId = replica.nodeId;
    record.replicaId = replica.id;
    const ttftMs = upstream.firstByteAtMs - t0;
    const upstreamMs = upstream.firstByteAtMs - upstream.sentAtMs;
    record.ttftMs = Math.round(ttftMs);
    if (upstream.statusCode < 300) {
      learn(ctx, upstream.ranked, routed.hashes, upstreamMs);
      const labels = { endpoint: endpoint.id, site: replica.siteId };
      ctx.metrics.ttft.observe(labels, ttftMs / 1000);
      ctx.metrics.overhead.observe(labels, Math.max(0, ttftMs - upstreamMs) / 1000);
    }
    await relayResponse(res, upstream, relayed, {
      stream: parsed.stream,
      modelId: endpoint.modelId,
      endpointName: endpoint.name,
      clientWantsUsage: parsed.clientWantsUsage,
      signal: controller.signal,
      log: ctx.log,
      requestId,
      // What the client has been sent so far survives a crash of this process (metering).
      onProgress: () => {
        finishRecord(record, relayed, parsed.promptText);
        ctx.meter.progress(record);
      },
      headers: {
        ...baseHeaders,
        'x-aigrid-site': replica.siteName,
        'x-aigrid-site-id': replica.siteId,
        'x-aigrid-ttft-ms': fmt(ttftMs),
        'server-timing': `gateway;dur=${fmt(ttftMs - upstreamMs)}, upstream;dur=${fmt(upstreamMs)}, ttft;dur=${fmt(ttftMs)}`,
      },
    });
    if (relayed.status === 502) ctx.outliers.onFailure(replica.id, Date.now());
    record.status = relayed.status;
  } catch (err) {
    if (controller.signal.aborted) {
      record.status = CLIENT_CLOSED;
      ctx.log.info({ requestId, endpointId: endpoint.id }, 'client closed the request');
    } else {
      const gwErr =
        err instanceof GatewayError
          ? err
          : new GatewayError(502, 'upstream_error', 'The model server failed while answering.');
      if (!(err instanceof GatewayError)) {
        ctx.log.error({ requestId, err: (err as Error).message }, 'request failed');
      }
      record.status = gwErr.status;
      if (!res.headersSent) {
        sendError(res, gwErr, baseHeaders);
        record.egressBytes = Buffer.byteLength(JSON.stringify(gwErr.body()));
      } else {
        res.destroy();
      }
      throw new HandledError(gwErr);
    }
  } finally {
    res.off('close', onClose);
    if (upstream) {
      ctx.loads.release(upstream.ranked.replica.id);
      discardBody(upstream.body);
    }
    finishRecord(record, upstream ? relayed : null, parsed.promptText);
    ctx.meter.end(record);
    ctx.metrics.requests.inc({
      endpoint: endpoint.id,
      site: record.siteId ?? '',
      status: String(record.status),
    });
  }
}

/**
 * Completes the usage record: tokens from the engine's usage when it came; when a replica worked
 * on the request but no usage arrived (client left, stream broke), estimates from the prompt and
 * the completion events relayed. Engine-rejected requests (4xx) carry no tokens.
 */
function finishRecord(record: UsageRecord, result: RelayResult | null, promptText: string): void {
  if (result) record.egressBytes = result.egressBytes;
  if (result?.usage) {
    record.promptTokens = result.usage.promptTokens;
    record.completionTokens = result.usage.completionTokens;
    return;
  }
  const worked = record.status < 400 || record.status === CLIENT_CLOSED || record.status === 502;
  if (record.replicaId && worked) {
    record.promptTokens = estimatePromptTokens(promptText);
    record.completionTokens = result?.contentEvents ?? 0;
  }
}

/** Learns from a replica's first byte: its prefix is now cached, and its service time. */
function learn(
  ctx: GatewayContext,
  ranked: RankedReplica,
  hashes: number[],
  upstreamMs: number,
): void {
  if (hashes.length) ctx.prefixIndex.record(ranked.replica.id, hashes);
  ctx.loads.observe(ranked.replica.id, upstreamMs - ranked.rttMs);
}

/** An error already answered to the client (and metered); the server only counts it. */
export class HandledError extends Error {
  constructor(readonly inner: GatewayError) {
    super(inner.message);
  }
}
