// The OpenAI-compatible surface through the official SDK: chat and text completions, streaming
// and not, /v1/models per tenant, metering of each request, and every bad-input status.
import { createTestDatabase, type TestDatabase } from '@aigrid/db/testing';
import type { EngineHandle } from '@aigrid/engine-sim';
import OpenAI, { type APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createKey,
  createOrg,
  endpoint,
  GATEWAY_TOKEN,
  replica,
  snapshot,
  startControlPlane,
  startTestEngine,
  startTestGateway,
  waitUntil,
} from './harness';

let db: TestDatabase;
let engine: EngineHandle;
let control: Awaited<ReturnType<typeof startControlPlane>>;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
let acme: { org: string; key: string; readKey: string };
let rival: { org: string; key: string };

const client = (apiKey: string) =>
  new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 });

function routes(extra: ReturnType<typeof endpoint>[] = []) {
  return snapshot([
    endpoint({
      id: 'ep_acme_chat',
      organizationId: acme.org,
      name: 'acme-chat',
      replicas: [replica('r-acme', engine.url)],
    }),
    endpoint({
      id: 'ep_acme_paused',
      organizationId: acme.org,
      name: 'acme-paused',
      status: 'PAUSED',
      replicas: [replica('r-acme-paused', engine.url)],
    }),
    endpoint({
      id: 'ep_acme_failed',
      organizationId: acme.org,
      name: 'acme-failed',
      status: 'FAILED',
      replicas: [],
    }),
    endpoint({
      id: 'ep_acme_starting',
      organizationId: acme.org,
      name: 'acme-starting',
      status: 'PROVISIONING',
      replicas: [],
    }),
    endpoint({
      id: 'ep_rival',
      organizationId: rival.org,
      name: 'rival-bot',
      replicas: [replica('r-rival', engine.url)],
    }),
    ...extra,
  ]);
}

beforeAll(async () => {
  db = await createTestDatabase();
  engine = await startTestEngine();
  const acmeOrg = await createOrg(db.prisma, 'Acme');
  const rivalOrg = await createOrg(db.prisma, 'Rival');
  acme = {
    org: acmeOrg,
    key: (await createKey(db.prisma, acmeOrg)).secret,
    readKey: (await createKey(db.prisma, acmeOrg, ['READ'])).secret,
  };
  rival = { org: rivalOrg, key: (await createKey(db.prisma, rivalOrg)).secret };
  control = await startControlPlane(routes());
  gateway = await startTestGateway(db.prisma, control.url, {
    limits: { maxBodyBytes: 64 * 1024 },
  });
});

afterAll(async () => {
  await gateway?.close();
  await control?.close();
  await engine?.close();
  await db?.drop();
});

describe('chat completions', () => {
  it('answers through the SDK with the endpoint name, usage, request id and site headers', async () => {
    const before = gateway.meter.ended.length;
    const { data, response } = await client(acme.key)
      .chat.completions.create({
        model: 'acme-chat',
        messages: [{ role: 'user', content: 'Say hello to the grid.' }],
        max_tokens: 12,
      })
      .withResponse();
    expect(data.model).toBe('acme-chat');
    expect(data.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(data.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(data.usage?.completion_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    expect(response.headers.get('x-aigrid-site')).toBe('Site r-acme');
    expect(response.headers.get('x-aigrid-site-id')).toBe('site-r-acme');
    expect(Number(response.headers.get('x-aigrid-ttft-ms'))).toBeGreaterThan(0);
    expect(response.headers.get('server-timing')).toMatch(/upstream;dur=/);

    const record = gateway.meter.ended.at(-1)!;
    expect(gateway.meter.ended.length).toBe(before + 1);
    expect(record).toMatchObject({
      organizationId: acme.org,
      endpointId: 'ep_acme_chat',
      replicaId: 'r-acme',
      siteId: 'site-r-acme',
      status: 200,
      promptTokens: data.usage?.prompt_tokens,
      completionTokens: data.usage?.completion_tokens,
    });
    expect(record.id).toBe(response.headers.get('x-aigrid-request-id'));
    expect(record.egressBytes).toBe(Number(response.headers.get('content-length')));
  });

  it('honours a sane incoming x-request-id and also accepts the endpoint id as model', async () => {
    const { data, response } = await client(acme.key)
      .chat.completions.create(
        { model: 'ep_acme_chat', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 },
        { headers: { 'x-request-id': 'client-trace-42' } },
      )
      .withResponse();
    expect(response.headers.get('x-request-id')).toBe('client-trace-42');
    expect(data.model).toBe('acme-chat');
  });

  it('streams every chunk with the endpoint name and the usage chunk when asked for', async () => {
    const { data: stream, response } = await client(acme.key)
      .chat.completions.create({
        model: 'acme-chat',
        messages: [{ role: 'user', content: 'Count to five.' }],
        max_tokens: 10,
        stream: true,
        stream_options: { include_usage: true },
        // vLLM's extension, passed through: exactly max_tokens tokens.
        ...({ ignore_eos: true } as object),
      })
      .withResponse();
    expect(response.headers.get('x-aigrid-site')).toBe('Site r-acme');
    let text = '';
    const chunks = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text.length).toBeGreaterThan(0);
    expect(chunks.every((c) => c.model === 'acme-chat')).toBe(true);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage?.completion_tokens).toBe(10);
    const record = gateway.meter.ended.at(-1)!;
    expect(record).toMatchObject({ status: 200, completionTokens: 10 });
    expect(record.promptTokens).toBe(last.usage?.prompt_tokens);
    // Its progress was noted from the first token on, for a crash mid-stream.
    const noted = gateway.meter.progressed.filter((p) => p.id === record.id);
    expect(noted[0]).toMatchObject({ replicaId: 'r-acme', completionTokens: 1 });
    expect(noted.at(-1)!.completionTokens).toBeLessThanOrEqual(10);
  });

  it('meters a stream whose client did not ask for usage, without sending it the usage', async () => {
    const stream = await client(acme.key).chat.completions.create({
      model: 'acme-chat',
      messages: [{ role: 'user', content: 'Count to three.' }],
      max_tokens: 7,
      stream: true,
      ...({ ignore_eos: true } as object),
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.some((c) => c.usage)).toBe(false);
    expect(chunks.every((c) => c.choices.length === 1)).toBe(true);
    expect(gateway.meter.ended.at(-1)).toMatchObject({ status: 200, completionTokens: 7 });
    expect(gateway.meter.ended.at(-1)!.promptTokens).toBeGreaterThan(0);
  });
});

describe('text completions', () => {
  it('answers non-streaming and streaming requests', async () => {
    const done = await client(acme.key).completions.create({
      model: 'acme-chat',
      prompt: 'The capital of France is',
      max_tokens: 5,
    });
    expect(done.model).toBe('acme-chat');
    expect(done.choices[0]?.text.length).toBeGreaterThan(0);
    expect(done.usage?.completion_tokens).toBeGreaterThan(0);

    const stream = await client(acme.key).completions.create({
      model: 'acme-chat',
      prompt: 'Once upon a time',
      max_tokens: 6,
      stream: true,
      stream_options: { include_usage: true },
      ...({ ignore_eos: true } as object),
    });
    let text = '';
    let usage;
    for await (const chunk of stream) {
      expect(chunk.model).toBe('acme-chat');
      text += chunk.choices[0]?.text ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBe(6);
  });
});

describe('models', () => {
  it("lists only the caller's own endpoints that take requests now", async () => {
    // acme-paused and acme-failed answer 503 and acme-starting has no replica yet: none is a
    // model the caller can use, so none is listed.
    const mine = await client(acme.key).models.list();
    expect(mine.data.map((m) => m.id).sort()).toEqual(['acme-chat']);
    const theirs = await client(rival.key).models.list();
    expect(theirs.data.map((m) => m.id)).toEqual(['rival-bot']);
  });

  it('retrieves one of them by name, and no other', async () => {
    const model = await client(acme.key).models.retrieve('acme-chat');
    expect(model).toMatchObject({ id: 'acme-chat', object: 'model', owned_by: acme.org });
    expect(model.created).toBeGreaterThan(0);
    // Another tenant's endpoint and an unknown name look the same: not found.
    for (const name of ['rival-bot', 'nope']) {
      const err = await client(acme.key)
        .models.retrieve(name)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.NotFoundError);
      expect(err).toMatchObject({ code: 'model_not_found', param: 'model' });
    }
    const paused = await client(acme.key)
      .models.retrieve('acme-paused')
      .catch((e: unknown) => e);
    expect(paused).toMatchObject({ status: 404, code: 'model_not_found' });
    expect((paused as APIError).message).toMatch(/paused/);
    const starting = await client(acme.key)
      .models.retrieve('acme-starting')
      .catch((e: unknown) => e);
    expect((starting as APIError).message).toMatch(/no replica ready/);
    const failed = await client(acme.key)
      .models.retrieve('acme-failed')
      .catch((e: unknown) => e);
    expect(failed).toMatchObject({ status: 404, code: 'model_not_found' });
    expect((failed as APIError).message).toMatch(/failed to provision/);
    const malformed = await fetch(`${gateway.url}/v1/models/%E0%A4%A`, {
      headers: { authorization: `Bearer ${acme.key}` },
    });
    expect(malformed.status).toBe(404);
    expect(await malformed.json()).toMatchObject({ error: { code: 'model_not_found' } });
    const anonymous = await fetch(`${gateway.url}/v1/models/acme-chat`);
    expect(anonymous.status).toBe(401);
    const post = await fetch(`${gateway.url}/v1/models/acme-chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${acme.key}` },
    });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
  });
});

describe('bad input', () => {
  const chat = (key: string, body: Record<string, unknown>) =>
    client(key).chat.completions.create({
      model: 'acme-chat',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 2,
      ...body,
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);

  it('401 for a malformed or unknown key, OpenAI-style', async () => {
    for (const key of ['nonsense', 'agk_doesnotexist']) {
      const err = await chat(key, {}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
      expect((err as APIError).code).toBe('invalid_api_key');
    }
    const res = await fetch(`${gateway.url}/v1/models`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({
      error: { type: 'authentication_error', code: 'invalid_api_key', param: null },
    });
  });

  it('401 within 3 s of the key being revoked', async () => {
    const key = await createKey(db.prisma, acme.org);
    await chat(key.secret, {});
    await db.prisma.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
    const revokedAt = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - revokedAt < 3_000) {
      status = await chat(key.secret, {}).then(
        () => 200,
        (e: APIError) => e.status ?? 0,
      );
    }
    expect(status).toBe(401);
    expect(Date.now() - revokedAt).toBeLessThan(3_000);
  });

  it('401 for an expired key', async () => {
    const key = await createKey(db.prisma, acme.org);
    await db.prisma.apiKey.update({
      where: { id: key.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const err = await chat(key.secret, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('403 for a key without the inference scope', async () => {
    const err = await chat(acme.readKey, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((err as APIError).code).toBe('insufficient_scope');
  });

  it("404 for an unknown model and for another tenant's endpoint", async () => {
    for (const model of ['no-such-endpoint', 'rival-bot', 'ep_rival']) {
      const err = await chat(acme.key, { model }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.NotFoundError);
      expect(err).toMatchObject({ code: 'model_not_found', param: 'model' });
    }
    const calls = gateway.meter.ended.filter((r) => r.endpointId === 'ep_rival');
    expect(calls).toEqual([]);
  });

  it('400 naming the parameter', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ messages: [] }, 'messages'],
      [{ messages: [{ role: 'wizard', content: 'x' }] }, 'messages[0].role'],
      [{ temperature: 3 }, 'temperature'],
      [{ max_tokens: 0 }, 'max_tokens'],
      [{ max_tokens: 1.5 }, 'max_tokens'],
      [{ n: 2 }, 'n'],
      [{ stream: 'yes' }, 'stream'],
      [{ stream_options: 'usage' }, 'stream_options'],
      [{ model: undefined }, 'model'],
    ];
    for (const [body, param] of cases) {
      const err = await chat(acme.key, body).catch((e: unknown) => e);
      expect(err, JSON.stringify(body)).toBeInstanceOf(OpenAI.BadRequestError);
      expect((err as APIError).param).toBe(param);
    }
  });

  it('400 for a body that is not JSON', async () => {
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${acme.key}`, 'content-type': 'application/json' },
      body: '{"model": "acme-chat", "messages": [',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { type: 'invalid_request_error', code: 'invalid_json' },
    });
  });

  it('passes an engine 4xx through in OpenAI shape', async () => {
    const err = await chat(acme.key, { max_tokens: 900_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as APIError).message).toMatch(/max|context|token/i);
    expect(gateway.meter.ended.at(-1)).toMatchObject({ status: 400, completionTokens: 0 });
  });

  it('413 for a body over the limit, by content-length and while reading', async () => {
    const big = JSON.stringify({
      model: 'acme-chat',
      messages: [{ role: 'user', content: 'x'.repeat(100 * 1024) }],
    });
    const declared = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${acme.key}`, 'content-type': 'application/json' },
      body: big,
    });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ error: { code: 'request_too_large' } });

    const chunked = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${acme.key}`, 'content-type': 'application/json' },
      body: new ReadableStream({
        start(c) {
          const bytes = new TextEncoder().encode(big);
          for (let i = 0; i < bytes.length; i += 8192) c.enqueue(bytes.slice(i, i + 8192));
          c.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
  });

  it('503 for a paused endpoint', async () => {
    const err = await chat(acme.key, { model: 'acme-paused' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(err).toMatchObject({ status: 503, code: 'endpoint_paused' });
  });

  it('503 saying so for an endpoint that failed to provision, not that it does not exist', async () => {
    const err = await chat(acme.key, { model: 'acme-failed' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 503, code: 'endpoint_failed' });
    expect((err as APIError).message).toMatch(/'acme-failed' failed to provision.*resume it/);
    // Another tenant's failed endpoint stays invisible.
    const theirs = await chat(rival.key, { model: 'acme-failed' }).catch((e: unknown) => e);
    expect(theirs).toMatchObject({ status: 404, code: 'model_not_found' });
  });

  it('404 for an unknown path and 405 for a wrong method', async () => {
    const notFound = await fetch(`${gateway.url}/v1/embeddings`, { method: 'POST' });
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toMatchObject({ error: { type: 'not_found_error' } });
    const wrong = await fetch(`${gateway.url}/v1/chat/completions`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
  });
});

describe('operations', () => {
  it('reports health and Prometheus metrics', async () => {
    const health = await (await fetch(`${gateway.url}/health`)).json();
    expect(health).toMatchObject({ status: 'ok', snapshotVersion: expect.any(String) });
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(text).toMatch(
      /aigrid_gateway_requests_total\{endpoint="ep_acme_chat",site="site-r-acme",status="200"\} \d+/,
    );
    expect(text).toMatch(
      /aigrid_gateway_ttft_seconds_count\{endpoint="ep_acme_chat",site="site-r-acme"\} \d+/,
    );
    expect(text).toMatch(/aigrid_gateway_overhead_seconds_bucket/);
    expect(text).toMatch(/aigrid_gateway_route_snapshot_age_seconds \d/);
    expect(text).not.toContain(acme.key);
  });

  it('refreshes routes on demand only with the gateway token', async () => {
    const refresh = (token: string) =>
      fetch(`${gateway.url}/internal/routes/refresh`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await refresh('wrong-token')).status).toBe(401);
    const next = routes([
      endpoint({
        id: 'ep_acme_new',
        organizationId: acme.org,
        name: 'acme-new',
        replicas: [replica('r-acme-new', engine.url)],
      }),
    ]);
    control.set(next);
    const res = await refresh(GATEWAY_TOKEN);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ version: next.version });
    const answer = await client(acme.key).chat.completions.create({
      model: 'acme-new',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 2,
    });
    expect(answer.model).toBe('acme-new');
  });

  it('429 with retry-after over the per-key concurrency limit', async () => {
    const limited = await startTestGateway(db.prisma, control.url, {
      limits: { maxConcurrentPerKey: 1 },
    });
    try {
      const sdk = new OpenAI({ baseURL: `${limited.url}/v1`, apiKey: acme.key, maxRetries: 0 });
      const long = await sdk.chat.completions.create({
        model: 'acme-chat',
        messages: [{ role: 'user', content: 'Write a long story.' }],
        max_tokens: 2000,
        stream: true,
        ...({ ignore_eos: true } as object),
      });
      const it = long[Symbol.asyncIterator]();
      await it.next();
      const err = await sdk.chat.completions
        .create({ model: 'acme-chat', messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.RateLimitError);
      expect(err).toMatchObject({ code: 'rate_limit_exceeded' });
      expect((err as APIError).headers?.get('retry-after')).toBe('1');
      long.controller.abort();
      await waitUntil('the slot to free', async () => {
        const ok = await sdk.chat.completions
          .create({
            model: 'acme-chat',
            messages: [{ role: 'user', content: 'hi' }],
            max_tokens: 2,
          })
          .then(
            () => true,
            () => false,
          );
        return ok;
      });
    } finally {
      await limited.close();
    }
  });
});
