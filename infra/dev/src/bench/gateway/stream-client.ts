// The load generator's client: one streaming chat completion over node:http with keep-alive,
// the same code whether it talks to an engine directly or to the gateway. It times the first
// content token (TTFT: request start → first SSE event with non-empty `delta.content`) and counts
// content events (one per token for vLLM and engine-sim).
import { Agent, request } from 'node:http';

export interface StreamResult {
  ok: boolean;
  status: number;
  startMs: number;
  ttftMs: number | null;
  /** Request start → response headers. */
  headersMs: number | null;
  endMs: number;
  tokens: number;
  /** The gateway's `x-aigrid-site-id` (which replica's site served), if any. */
  siteId: string | null;
  /** The gateway's own time before the upstream answered (`server-timing: gateway;dur=`). */
  gatewayMs: number | null;
  /** The gateway's wait for the replica's first byte (`server-timing: upstream;dur=`). */
  upstreamMs: number | null;
  error?: string;
}

export interface StreamRequest {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  body: unknown;
  headers?: Record<string, string>;
}

export function createAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: Infinity, keepAliveMsecs: 30_000 });
}

export function streamChat(agent: Agent, req: StreamRequest): Promise<StreamResult> {
  const payload = JSON.stringify(req.body);
  const target = new URL('/v1/chat/completions', req.url);
  const startMs = performance.now();
  return new Promise((resolve) => {
    const result: StreamResult = {
      ok: false,
      status: 0,
      startMs,
      ttftMs: null,
      headersMs: null,
      endMs: startMs,
      tokens: 0,
      siteId: null,
      gatewayMs: null,
      upstreamMs: null,
    };
    const done = (error?: string) => {
      result.endMs = performance.now();
      if (error) result.error = error;
      resolve(result);
    };
    const r = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          ...req.headers,
        },
      },
      (res) => {
        result.headersMs = performance.now() - startMs;
        result.status = res.statusCode ?? 0;
        const site = res.headers['x-aigrid-site-id'];
        result.siteId = typeof site === 'string' ? site : null;
        const timing = String(res.headers['server-timing'] ?? '');
        const own = /gateway;dur=([\d.]+)/.exec(timing);
        const upstream = /upstream;dur=([\d.]+)/.exec(timing);
        result.gatewayMs = own ? Number(own[1]) : null;
        result.upstreamMs = upstream ? Number(upstream[1]) : null;
        res.setEncoding('utf8');
        let buffer = '';
        res.on('data', (text: string) => {
          buffer += text;
          let start = 0;
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n', start)) {
            const event = buffer.slice(start, end);
            start = end + 2;
            const at = event.indexOf('"content":"');
            if (at >= 0 && event[at + 11] !== '"') {
              if (result.ttftMs === null) result.ttftMs = performance.now() - startMs;
              result.tokens++;
            }
          }
          buffer = buffer.slice(start);
        });
        res.on('end', () => {
          result.ok = result.status === 200 && result.ttftMs !== null;
          done(result.status === 200 ? undefined : buffer.slice(0, 300));
        });
        res.on('error', (err) => done(err.message));
      },
    );
    r.on('error', (err) => done(err.message));
    r.end(payload);
  });
}

/**
 * Closed loop: `concurrency` clients each send a request, wait for the whole stream, and send the
 * next, until `durationMs` has passed (streams in progress then finish). With `rampMs`, client i
 * starts at i/concurrency × rampMs, so that the clients do not move in lockstep, and only requests
 * started after the ramp are returned (the wall time then runs from the end of the ramp).
 */
export async function closedLoop(opts: {
  concurrency: number;
  durationMs: number;
  rampMs?: number;
  next: (client: number, n: number) => StreamRequest;
}): Promise<{ results: StreamResult[]; wallMs: number }> {
  const agent = createAgent();
  const results: StreamResult[] = [];
  const rampMs = opts.rampMs ?? 0;
  const t0 = performance.now();
  const measuredFrom = t0 + rampMs;
  const deadline = t0 + opts.durationMs;
  let n = 0;
  await Promise.all(
    Array.from({ length: opts.concurrency }, async (_, client) => {
      const delay = (client / opts.concurrency) * rampMs;
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      while (performance.now() < deadline) {
        const result = await streamChat(agent, opts.next(client, n++));
        if (result.startMs >= measuredFrom) results.push(result);
      }
    }),
  );
  const wallMs = performance.now() - measuredFrom;
  agent.destroy();
  return { results, wallMs };
}

/** Open loop: each request is sent at its time (ms from the start), whatever is in flight. */
export async function openLoop(
  schedule: { atMs: number; request: StreamRequest }[],
): Promise<{ results: StreamResult[]; wallMs: number }> {
  const agent = createAgent();
  const t0 = performance.now();
  const results = await Promise.all(
    schedule.map(
      (s) =>
        new Promise<StreamResult>((resolve) => {
          setTimeout(
            () => void streamChat(agent, s.request).then(resolve),
            Math.max(0, t0 + s.atMs - performance.now()),
          );
        }),
    ),
  );
  const wallMs = performance.now() - t0;
  agent.destroy();
  return { results, wallMs };
}
