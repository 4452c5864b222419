import { createTestDatabase, type TestDatabase } from '@aigrid/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../testing/fixtures';
import { crossTenant, expectCode } from '../testing/tenancy';
import { addSite } from './endpoint-test-helpers';

let t: TestDatabase;
let f: Fixture;
const fixture = () => f;

/** An approved operator with healthy, offered L40S nodes in Frankfurt and Paris and one in Ashburn. */
async function seedOfferedMarket() {
  const operator = await t.prisma.organization.create({
    data: {
      name: 'Nordtel',
      slug: `nordtel-preview-${Date.now()}`,
      kinds: ['OPERATOR'],
      operator: { create: { legalName: 'Nordtel AG', approvedAt: new Date() } },
    },
  });
  for (const [name, metro, tags] of [
    ['FRA-1', 'frankfurt', ['EU', 'GDPR']],
    ['PAR-1', 'paris', ['EU', 'GDPR']],
    ['ASH-1', 'ashburn', ['US']],
  ] as const) {
    const site = await addSite(t.prisma, operator.id, name, metro, [...tags]);
    await t.prisma.node.create({
      data: {
        organizationId: operator.id,
        siteId: site.id,
        name: `${name}-gpu`,
        gpuTypeId: 'L40S',
        gpuCount: 4,
        gpuMemoryGb: 48,
        status: 'HEALTHY',
      },
    });
    await t.prisma.offer.create({
      data: {
        organizationId: operator.id,
        siteId: site.id,
        gpuTypeId: 'L40S',
        pricePerGpuHourMicros: 1_900_000n,
        pricePerMTokensMicros: 150_000n,
        capacityShareBp: 10_000,
      },
    });
  }
}

beforeAll(async () => {
  t = await createTestDatabase();
  f = await createFixture(t.prisma);
  await seedOfferedMarket();
});
afterAll(() => t.drop());

const spec = {
  modelId: 'llama-3.1-8b-instruct',
  sloTtftP95Ms: 300,
  jurisdictions: ['EU'],
  demand: [
    { metroId: 'frankfurt', weight: 0.6 },
    { metroId: 'paris', weight: 0.4 },
  ],
  expectedRps: 5,
};

describe('endpoint.preview', () => {
  it('places an EU endpoint on EU sites only, with latency per metro and a price, reserving nothing', async () => {
    const caller = await f.asKey(f.acme.keys.read);
    const preview = await caller.endpoint.preview(spec);
    expect(preview.feasible).toBe(true);
    expect(preview.replicas.length).toBeGreaterThan(0);
    expect(preview.replicas.every((r) => ['FRA-1', 'PAR-1'].includes(r.siteName))).toBe(true);
    expect(preview.perMetro.map((m) => m.metroId).sort()).toEqual(['frankfurt', 'paris']);
    for (const m of preview.perMetro) {
      expect(m.meetsSlo).toBe(true);
      expect(m.p95TtftMs).toBeLessThanOrEqual(300);
    }
    expect(preview.costPerMonthMicros).toBeGreaterThan(0);
    expect(await t.prisma.replica.count()).toBe(0);
    expect(await t.prisma.endpoint.count()).toBe(0);
  });

  it('explains an impossible request per metro, with alternatives, instead of failing', async () => {
    const caller = await f.asUser(f.acme.users.MEMBER);
    const preview = await caller.endpoint.preview({
      ...spec,
      sloTtftP95Ms: 50,
      demand: [{ metroId: 'warsaw', weight: 1 }],
    });
    expect(preview.feasible).toBe(false);
    expect(preview.reasons.some((r) => r.metroId === 'warsaw')).toBe(true);
    expect(preview.alternatives.some((a) => a.kind === 'relax-slo')).toBe(true);
    expect(preview.excluded.find((e) => e.siteName === 'ASH-1')?.reasons.join(' ')).toMatch(/EU/);
  });

  it('rejects an unknown model or metro naming the field', async () => {
    const caller = await f.asUser(f.acme.users.MEMBER);
    const model = await expectCode(
      caller.endpoint.preview({ ...spec, modelId: 'gpt-9' }),
      'BAD_REQUEST',
    );
    expect(model.message).toMatch(/^modelId/);
    const metro = await expectCode(
      caller.endpoint.preview({ ...spec, demand: [{ metroId: 'atlantis', weight: 1 }] }),
      'BAD_REQUEST',
    );
    expect(metro.message).toMatch(/^demand\.0\.metroId/);
  });

  crossTenant('endpoint.preview', fixture, async (f) => {
    // A preview touches no one's data; naming acme's organisation finds nothing.
    await expectCode(
      (await f.asUser(f.rival.owner, { org: f.acme.id })).endpoint.preview(spec),
      'NOT_FOUND',
    );
    expect((await (await f.asKey(f.rival.key)).endpoint.preview(spec)).feasible).toBe(true);
  });
});
