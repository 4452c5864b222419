import { createTestDatabase, type TestDatabase } from '@aigrid/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../testing/fixtures';
import { crossTenant, expectCode } from '../testing/tenancy';

let t: TestDatabase;
let f: Fixture;
const fixture = () => f;

const from = new Date('2026-01-01T00:00:00Z');
const to = new Date('2026-02-01T00:00:00Z');
const mid = new Date('2026-01-15T12:00:00Z');
const ids = { chat: '', embed: '', idle: '', rival: '' };

async function endpoint(organizationId: string, name: string) {
  const e = await t.prisma.endpoint.create({
    data: {
      organizationId,
      name,
      modelId: 'llama-3.1-8b-instruct',
      sloTtftP95Ms: 300,
      jurisdictions: ['EU'],
      expectedRps: 1,
    },
  });
  return e.id;
}

beforeAll(async () => {
  t = await createTestDatabase();
  f = await createFixture(t.prisma);
  ids.chat = await endpoint(f.acme.id, 'chat');
  ids.embed = await endpoint(f.acme.id, 'embed');
  ids.idle = await endpoint(f.acme.id, 'idle');
  ids.rival = await endpoint(f.rival.id, 'rival-chat');
  const event = (
    id: string,
    organizationId: string,
    endpointId: string,
    at: Date,
    n: { prompt: number; completion: number; egress: bigint; ttft: number | null; status?: number },
  ) => ({
    id,
    organizationId,
    endpointId,
    at,
    promptTokens: n.prompt,
    completionTokens: n.completion,
    egressBytes: n.egress,
    ttftMs: n.ttft,
    status: n.status ?? 200,
  });
  const acme = f.acme.id;
  await t.prisma.usageEvent.createMany({
    data: [
      // `from` is included.
      event('a1', acme, ids.chat, from, { prompt: 100, completion: 50, egress: 1_000n, ttft: 100 }),
      event('a2', acme, ids.chat, mid, {
        prompt: 200,
        completion: 70,
        egress: 3_000_000_000_000n,
        ttft: 200,
      }),
      event('a3', acme, ids.chat, mid, {
        prompt: 300,
        completion: 0,
        egress: 5n,
        ttft: 300,
        status: 500,
      }),
      // `to` is excluded, and so is anything before `from`.
      event('a4', acme, ids.chat, to, { prompt: 9_999, completion: 9_999, egress: 9n, ttft: 1 }),
      event('a5', acme, ids.chat, new Date(from.getTime() - 1), {
        prompt: 9_999,
        completion: 9_999,
        egress: 9n,
        ttft: 1,
      }),
      event('b1', acme, ids.embed, mid, { prompt: 7, completion: 3, egress: 11n, ttft: null }),
      event('r1', f.rival.id, ids.rival, mid, {
        prompt: 123_456,
        completion: 654_321,
        egress: 777n,
        ttft: 42,
      }),
    ],
  });
});
afterAll(() => t.drop());

describe('usage.summary', () => {
  it('adds up the organisation’s events in [from, to) exactly, per endpoint and in total', async () => {
    const s = await (await f.asUser(f.acme.users.BILLING)).usage.summary({ from, to });
    expect(s.from).toEqual(from);
    expect(s.to).toEqual(to);
    expect(s.totals).toEqual({
      requests: 4,
      promptTokens: 607,
      completionTokens: 123,
      egressBytes: 3_000_000_001_016,
    });
    expect(s.byEndpoint).toEqual([
      {
        endpointId: ids.chat,
        name: 'chat',
        requests: 3,
        promptTokens: 600,
        completionTokens: 120,
        egressBytes: 3_000_000_001_005,
        p50TtftMs: 200,
        // Interpolated: 200 + 0.9 × (300 − 200).
        p95TtftMs: 290,
      },
      {
        endpointId: ids.embed,
        name: 'embed',
        requests: 1,
        promptTokens: 7,
        completionTokens: 3,
        egressBytes: 11,
        p50TtftMs: null,
        p95TtftMs: null,
      },
    ]);
  });

  it('narrows to one endpoint, listing it even without usage', async () => {
    const reader = await f.asKey(f.acme.keys.read);
    const embed = await reader.usage.summary({ endpointId: ids.embed, from, to });
    expect(embed.totals).toEqual({
      requests: 1,
      promptTokens: 7,
      completionTokens: 3,
      egressBytes: 11,
    });
    expect(embed.byEndpoint.map((e) => e.endpointId)).toEqual([ids.embed]);
    const idle = await reader.usage.summary({ endpointId: ids.idle, from, to });
    expect(idle.totals).toEqual({
      requests: 0,
      promptTokens: 0,
      completionTokens: 0,
      egressBytes: 0,
    });
    expect(idle.byEndpoint).toEqual([
      {
        endpointId: ids.idle,
        name: 'idle',
        requests: 0,
        promptTokens: 0,
        completionTokens: 0,
        egressBytes: 0,
        p50TtftMs: null,
        p95TtftMs: null,
      },
    ]);
    await expectCode(reader.usage.summary({ endpointId: 'nope', from, to }), 'NOT_FOUND');
  });

  it('refuses a range that is backwards, empty or longer than 400 days', async () => {
    const caller = await f.asUser(f.acme.users.MEMBER);
    const backwards = await expectCode(caller.usage.summary({ from: to, to: from }), 'BAD_REQUEST');
    expect(backwards.message).toMatch(/^to: must be after from/);
    await expectCode(caller.usage.summary({ from, to: from }), 'BAD_REQUEST');
    const day = 86_400_000;
    const long = await expectCode(
      caller.usage.summary({ from, to: new Date(from.getTime() + 401 * day) }),
      'BAD_REQUEST',
    );
    expect(long.message).toMatch(/400 days/);
    const year = await caller.usage.summary({ from, to: new Date(from.getTime() + 400 * day) });
    expect(year.totals.requests).toBe(5);
  });

  it('is for members of any role and read keys; not inference keys or anonymous callers', async () => {
    await expectCode(
      (await f.asKey(f.acme.keys.inference)).usage.summary({ from, to }),
      'FORBIDDEN',
    );
    await expectCode((await f.anonymous()).usage.summary({ from, to }), 'UNAUTHORIZED');
    const viaKey = await (await f.asKey(f.acme.keys.provisioning)).usage.summary({ from, to });
    expect(viaKey.totals.requests).toBe(4);
  });
});

describe('usage across tenants', () => {
  crossTenant('usage.summary', fixture, async (f) => {
    for (const rival of [await f.asUser(f.rival.owner), await f.asKey(f.rival.key)]) {
      await expectCode(rival.usage.summary({ endpointId: ids.chat, from, to }), 'NOT_FOUND');
      const own = await rival.usage.summary({ from, to });
      expect(own.byEndpoint.map((e) => e.endpointId)).toEqual([ids.rival]);
      expect(own.totals).toEqual({
        requests: 1,
        promptTokens: 123_456,
        completionTokens: 654_321,
        egressBytes: 777,
      });
    }
    await expectCode(
      (await f.asUser(f.rival.owner, { org: f.acme.id })).usage.summary({ from, to }),
      'NOT_FOUND',
    );
  });
});
