// Routing through the gateway against real simulated engines: jurisdiction is never relaxed
// under failover, a replica that fails before the first byte is replaced by the next allowed
// one, a repeated prompt prefix goes to the replica that cached it, and a client that leaves
// stops the engine's work.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, type TestDatabase } from '@aigrid/db/testing';
import type { EngineHandle } from '@aigrid/engine-sim';
import { parseMetroTable } from '@aigrid/routing';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createKey,
  createOrg,
  endpoint,
  replica,
  snapshot,
  startControlPlane,
  startCountingRelay,
  startTestEngine,
  startTestGateway,
  waitUntil,
} from './harness';

let db: TestDatabase;
let org: string;
let key: string;
const engines: Record<string, EngineHandle> = {};
let usRelay: Awaited<ReturnType<typeof startCountingRelay>>;
let deadUrl: string;
let failing: ReturnType<typeof createServer>;
let failingUrl: string;
let failingHits = 0;
let control: Awaited<ReturnType<typeof startControlPlane>>;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;

const sdk = (url: string) => new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: 0 });

async function freeUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  db = await createTestDatabase();
  org = await createOrg(db.prisma, 'Acme');
  key = (await createKey(db.prisma, org)).secret;
  for (const name of ['eu', 'us', 'affA', 'affB', 'stream', 'fo']) {
    engines[name] = await startTestEngine();
  }
  usRelay = await startCountingRelay(engines.us!.url);
  deadUrl = await freeUrl();
  failing = createServer((req, res) => {
    if (req.method === 'POST') failingHits++;
    req.resume();
    res.writeHead(503, { 'content-type': 'application/json' }).end('{"detail":"overloaded"}');
  });
  await new Promise<void>((r) => failing.listen(0, '127.0.0.1', r));
  failingUrl = `http://127.0.0.1:${(failing.address() as AddressInfo).port}`;

  const eu = { jurisdictions: ['EU', 'GDPR'], metroId: 'fra', countryCode: 'DE' };
  control = await startControlPlane(
    snapshot(
      [
        endpoint({
          id: 'ep_sovereign',
          organizationId: org,
          name: 'sovereign',
          jurisdictions: ['EU'],
          replicas: [
            replica('r-eu', engines.eu!.url, eu),
            replica('r-us', usRelay.url, {
              jurisdictions: ['US'],
              metroId: 'nyc',
              countryCode: 'US',
            }),
          ],
        }),
        endpoint({
          id: 'ep_failover',
          organizationId: org,
          name: 'failover',
          jurisdictions: ['EU'],
          replicas: [
            replica('r-dead', deadUrl, eu),
            replica('r-failing', failingUrl, eu),
            replica('r-live', engines.fo!.url, eu),
          ],
        }),
        endpoint({
          id: 'ep_affinity',
          organizationId: org,
          name: 'affinity',
          replicas: [
            replica('r-a', engines.affA!.url, { prefillTokensPerS: 2_000 }),
            replica('r-b', engines.affB!.url, { prefillTokensPerS: 2_000 }),
          ],
        }),
        endpoint({
          id: 'ep_stream',
          organizationId: org,
          name: 'streamer',
          replicas: [replica('r-stream', engines.stream!.url)],
        }),
      ],
      {
        // The US site looks closest to Frankfurt clients: only the hard filter keeps it out.
        fra: {
          'site-r-eu': 30,
          'site-r-us': 1,
          'site-r-dead': 1,
          'site-r-failing': 2,
          'site-r-live': 20,
          'site-r-a': 5,
          'site-r-b': 15,
        },
        ber: { 'site-r-a': 15, 'site-r-b': 5 },
      },
    ),
  );
  gateway = await startTestGateway(db.prisma, control.url);
}, 120_000);

afterAll(async () => {
  await gateway?.close();
  await control?.close();
  await usRelay?.close();
  await new Promise<void>((r) => (failing ? failing.close(() => r()) : r()));
  for (const e of Object.values(engines)) await e.close();
  await db?.drop();
});

const ask = (url: string, model: string, content: string, metro = 'fra') =>
  sdk(url)
    .chat.completions.create(
      { model, messages: [{ role: 'user', content }], max_tokens: 3 },
      { headers: { 'x-aigrid-metro': metro } },
    )
    .withResponse();

describe('sovereignty under failover', () => {
  it('answers 503 when the only EU replica dies, and no byte ever reaches the US replica', async () => {
    const { response } = await ask(gateway.url, 'sovereign', 'hello from Frankfurt');
    expect(response.headers.get('x-aigrid-site-id')).toBe('site-r-eu');

    await engines.eu!.close();
    for (let i = 0; i < 5; i++) {
      const err = await ask(gateway.url, 'sovereign', `attempt ${i}`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.APIError);
      expect(err).toMatchObject({ status: 503, code: 'no_healthy_replica' });
    }
    // Streaming too, and after the dead replica has been ejected by failed scrapes.
    await new Promise((r) => setTimeout(r, 500));
    const err = await sdk(gateway.url)
      .chat.completions.create({
        model: 'sovereign',
        messages: [{ role: 'user', content: 'stream please' }],
        stream: true,
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 503, code: 'no_healthy_replica' });

    expect(usRelay.connections()).toBe(0);
    expect(usRelay.bytes()).toBe(0);
    expect(engines.us!.stats().requestsFinished).toBe(0);
    expect(engines.us!.stats().promptTokens).toBe(0);
    const records = gateway.meter.ended.filter((r) => r.endpointId === 'ep_sovereign');
    expect(records.map((r) => r.status)).toEqual([200, 503, 503, 503, 503, 503, 503]);
    expect(records.every((r) => r.replicaId !== 'r-us')).toBe(true);
  });
});

describe('failover before the first byte', () => {
  it('moves past a refused connection and a 503 to the next EU replica, then ejects the dead ones', async () => {
    // No scrapes during the test: only request failures teach the gateway.
    const gw = await startTestGateway(db.prisma, control.url, { loadScrapeMs: 600_000 });
    try {
      const { data, response } = await ask(gw.url, 'failover', 'first try');
      expect(data.choices[0]?.message.content?.length).toBeGreaterThan(0);
      expect(response.headers.get('x-aigrid-site-id')).toBe('site-r-live');
      expect(failingHits).toBe(1);
      expect(gw.meter.ended.at(-1)).toMatchObject({ status: 200, replicaId: 'r-live' });
      const metrics = await (await fetch(`${gw.url}/metrics`)).text();
      expect(metrics).toContain(
        'aigrid_gateway_upstream_failures_total{replica="r-dead",reason="connect"} 1',
      );
      expect(metrics).toContain(
        'aigrid_gateway_upstream_failures_total{replica="r-failing",reason="status_5xx"} 1',
      );

      // Three consecutive failures eject a replica: afterwards it is not tried at all.
      await ask(gw.url, 'failover', 'second');
      await ask(gw.url, 'failover', 'third');
      const hits = failingHits;
      for (let i = 0; i < 3; i++) {
        const { response: r } = await ask(gw.url, 'failover', `after ejection ${i}`);
        expect(r.headers.get('x-aigrid-site-id')).toBe('site-r-live');
      }
      expect(failingHits).toBe(hits);
    } finally {
      await gw.close();
    }
  });
});

describe('prefix affinity', () => {
  const shared =
    'You are the support assistant of a telco. Policies follow. ' +
    Array.from({ length: 60 }, (_, i) => `Rule ${i}: answer politely about topic ${i * 7}.`).join(
      ' ',
    );
  const other =
    'You are a poet who writes about rivers. ' +
    Array.from({ length: 60 }, (_, i) => `Verse ${i}: the water bends at mile ${i * 3}.`).join(' ');
  const chat = (system: string, question: string, metro: string) =>
    sdk(gateway.url)
      .chat.completions.create(
        {
          model: 'affinity',
          messages: [
            { role: 'system', content: system },
            { role: 'user', content: question },
          ],
          max_tokens: 3,
        },
        { headers: { 'x-aigrid-metro': metro } },
      )
      .withResponse();

  it('sends a repeated long prefix to the replica that served it first', async () => {
    // From Berlin the nearest replica is B: it serves and caches the prefix.
    const first = await chat(shared, 'How do I reset my router?', 'ber');
    expect(first.response.headers.get('x-aigrid-site-id')).toBe('site-r-b');
    const hitsBefore = engines.affB!.stats().prefixCacheHits;

    // From Frankfurt A is nearer by 10 ms, but B holds the prefix: B wins.
    const second = await chat(shared, 'What is my data allowance?', 'fra');
    expect(second.response.headers.get('x-aigrid-site-id')).toBe('site-r-b');
    expect(engines.affB!.stats().prefixCacheHits).toBeGreaterThan(hitsBefore);

    // A prompt nobody has cached goes to the nearest replica.
    const fresh = await chat(other, 'Write a line.', 'fra');
    expect(fresh.response.headers.get('x-aigrid-site-id')).toBe('site-r-a');
  });
});

describe('client disconnect', () => {
  it('aborts the upstream request so the engine stops generating', async () => {
    const engine = engines.stream!;
    const stream = await sdk(gateway.url).chat.completions.create({
      model: 'streamer',
      messages: [{ role: 'user', content: 'Tell me everything.' }],
      max_tokens: 5_000,
      stream: true,
      ...({ ignore_eos: true } as object),
    });
    const it = stream[Symbol.asyncIterator]();
    await it.next();
    await it.next();
    expect(engine.stats().running).toBe(1);
    stream.controller.abort();
    const abortedAt = Date.now();
    await waitUntil('the engine to stop', () => engine.stats().running === 0, 2_000);
    expect(Date.now() - abortedAt).toBeLessThan(1_000);
    expect(engine.stats().generationTokens).toBeLessThan(5_000);
    await waitUntil('the usage record', () =>
      gateway.meter.ended.some((r) => r.endpointId === 'ep_stream'),
    );
    const record = gateway.meter.ended.find((r) => r.endpointId === 'ep_stream')!;
    expect(record.status).toBe(499);
    expect(record.egressBytes).toBeGreaterThan(0);
    expect(record.completionTokens).toBeGreaterThan(0);
    expect(gateway.meter.begun.filter((b) => b.endpointId === 'ep_stream')).toHaveLength(1);
  });
});

describe('client metro from the address', () => {
  it('trusts X-Forwarded-For only from a configured proxy, then routes by the metro table', async () => {
    const metroTable = parseMetroTable('10.7.0.0/16 ber');
    const behindLb = await startTestGateway(db.prisma, control.url, {
      metroTable,
      trustedProxies: ['127.0.0.1/32'],
    });
    const direct = await startTestGateway(db.prisma, control.url, { metroTable });
    try {
      // Short prompts (no full prefix block): only RTT and load decide. Berlin is 5 ms from
      // r-b and 15 ms from r-a; the endpoint's default metro (fra) the other way round.
      const siteFor = async (url: string, forwardedFor: string) => {
        const res = await fetch(`${url}/v1/chat/completions`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${key}`,
            'content-type': 'application/json',
            'x-forwarded-for': forwardedFor,
          },
          body: JSON.stringify({
            model: 'affinity',
            messages: [{ role: 'user', content: 'hi' }],
            max_tokens: 1,
          }),
        });
        await res.text();
        expect(res.status).toBe(200);
        return res.headers.get('x-aigrid-site');
      };
      expect(await siteFor(behindLb.url, '10.7.1.1')).toBe('Site r-b');
      // A forged left-most entry does not count: the proxy appended the real address.
      expect(await siteFor(behindLb.url, '10.7.1.1, 8.8.8.8')).toBe('Site r-a');
      // Straight to a gateway that trusts no proxy, the header is ignored.
      expect(await siteFor(direct.url, '10.7.1.1')).toBe('Site r-a');
    } finally {
      await behindLb.close();
      await direct.close();
    }
  });
});
