import { estimateRttMs, PHYSICAL_LIMIT_RTT_MODEL } from '@aigrid/placement';
import { createTestDatabase, type TestDatabase } from '@aigrid/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../testing/fixtures';
import { expectCode } from '../testing/tenancy';
import { endpointSpec, seedMarket } from './endpoint-test-helpers';
import { normaliseWeights } from './validate-endpoint';

let t: TestDatabase;
let f: Fixture;
const limits = { writesPerMinute: 10_000 };
let frankfurtSiteId: string;
const spec = endpointSpec;

beforeAll(async () => {
  t = await createTestDatabase();
  f = await createFixture(t.prisma);
  frankfurtSiteId = (await seedMarket(t.prisma)).frankfurt.id;
});
afterAll(() => t.drop());

const owner = () => f.asUser(f.acme.users.OWNER, { limits });
const acmeCounts = async () => ({
  endpoints: await t.prisma.endpoint.count({ where: { organizationId: f.acme.id } }),
  audit: await t.prisma.auditLog.count({ where: { organizationId: f.acme.id } }),
});

/** The floor from a metro to the Frankfurt site, as the error message prints it. */
async function floorTo(metroId: string) {
  const [metro, fra] = await Promise.all([
    t.prisma.metro.findUniqueOrThrow({ where: { id: metroId } }),
    t.prisma.site.findUniqueOrThrow({ where: { id: frankfurtSiteId } }),
  ]);
  return estimateRttMs(metro, fra, PHYSICAL_LIMIT_RTT_MODEL).toFixed(1);
}

describe('endpoint.create', () => {
  it('records the endpoint in PROVISIONING with normalised demand, an event and an audit row', async () => {
    const input = spec({ budgetMicrosPerMonth: 250_000_000, redundancy: false });
    const e = await (await owner()).endpoint.create(input);
    expect(e).toMatchObject({
      name: input.name,
      modelId: 'llama-3.1-8b-instruct',
      sloTtftP95Ms: 200,
      jurisdictions: ['EU'],
      demand: [
        { metroId: 'frankfurt', weight: 0.75 },
        { metroId: 'paris', weight: 0.25 },
      ],
      expectedRps: 5,
      budgetMicrosPerMonth: 250_000_000,
      redundancy: false,
      status: 'PROVISIONING',
    });
    const row = await t.prisma.endpoint.findUniqueOrThrow({
      where: { id: e.id },
      include: { demands: { orderBy: { metroId: 'asc' } }, events: true },
    });
    expect(row.organizationId).toBe(f.acme.id);
    expect(row.budgetMicrosPerMonth).toBe(250_000_000n);
    expect(row.workflowId).toBeNull();
    expect(row.demands.map((d) => [d.metroId, d.weightBp])).toEqual([
      ['frankfurt', 7500],
      ['paris', 2500],
    ]);
    expect(row.events.map((ev) => ev.kind)).toEqual(['created']);
    const audit = await t.prisma.auditLog.findMany({ where: { targetId: e.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      organizationId: f.acme.id,
      action: 'endpoint.create',
      targetType: 'Endpoint',
      actorUserId: f.acme.users.OWNER,
      actorApiKeyId: null,
    });
  });

  it('defaults redundancy to true and stores weights that sum to exactly 10,000 bp', async () => {
    const e = await (
      await owner()
    ).endpoint.create(
      spec({
        demand: [
          { metroId: 'frankfurt', weight: 1 },
          { metroId: 'paris', weight: 1 },
          { metroId: 'amsterdam', weight: 1 },
        ],
      }),
    );
    expect(e.redundancy).toBe(true);
    expect(e.budgetMicrosPerMonth).toBeNull();
    const demands = await t.prisma.endpointDemand.findMany({ where: { endpointId: e.id } });
    expect(demands.reduce((s, d) => s + d.weightBp, 0)).toBe(10_000);
    expect(demands.map((d) => d.weightBp).sort()).toEqual([3333, 3333, 3334]);
  });

  it('normalises weights by largest remainder', () => {
    expect(normaliseWeights([1])).toEqual([10_000]);
    expect(normaliseWeights([1, 2])).toEqual([3333, 6667]);
    expect(normaliseWeights([0.2, 0.2, 0.6])).toEqual([2000, 2000, 6000]);
    expect(normaliseWeights([1, 1, 1, 1, 1, 1, 1]).reduce((s, b) => s + b, 0)).toBe(10_000);
  });

  it('lets owners, admins, members and provisioning keys create; not billing or other keys', async () => {
    for (const role of ['ADMIN', 'MEMBER'] as const) {
      await (await f.asUser(f.acme.users[role], { limits })).endpoint.create(spec());
    }
    const before = await acmeCounts();
    const billing = await expectCode(
      (await f.asUser(f.acme.users.BILLING)).endpoint.create(spec({ name: 'nope' })),
      'FORBIDDEN',
    );
    expect(billing.message).toMatch(/billing/);
    const readKey = await expectCode(
      (await f.asKey(f.acme.keys.read)).endpoint.create(spec({ name: 'nope' })),
      'FORBIDDEN',
    );
    expect(readKey.message).toMatch(/provisioning/);
    await expectCode(
      (await f.asKey(f.acme.keys.inference)).endpoint.create(spec({ name: 'nope' })),
      'FORBIDDEN',
    );
    expect(await acmeCounts()).toEqual(before);

    const byKey = await (await f.asKey(f.acme.keys.provisioning)).endpoint.create(spec());
    const audit = await t.prisma.auditLog.findFirstOrThrow({ where: { targetId: byKey.id } });
    expect(audit.actorUserId).toBeNull();
    expect(audit.actorApiKeyId).not.toBeNull();
  });

  it('needs a developer organisation', async () => {
    const ops = await t.prisma.organization.create({
      data: { name: 'Ops only', slug: `ops-${Date.now()}`, kinds: ['OPERATOR'] },
    });
    const u = await t.prisma.user.create({
      data: { email: `ops-${Date.now()}@example.test`, name: 'Ops' },
    });
    await t.prisma.membership.create({
      data: { userId: u.id, organizationId: ops.id, role: 'OWNER' },
    });
    const err = await expectCode((await f.asUser(u.id)).endpoint.create(spec()), 'FORBIDDEN');
    expect(err.message).toMatch(/developer organisation/);
    await expectCode((await f.asUser(u.id)).endpoint.list({}), 'FORBIDDEN');
  });

  it('rejects bad input naming the field, and writes nothing', async () => {
    const caller = await owner();
    const before = await acmeCounts();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ modelId: 'gpt-17' }, /^modelId: there is no model "gpt-17".*llama-3\.1-8b-instruct/],
      [{ jurisdictions: [] }, /^jurisdictions: must name at least one/],
      [{ jurisdictions: ['MARS'] }, /^jurisdictions\.0: must be one of/],
      [{ sloTtftP95Ms: 5 }, /^sloTtftP95Ms: must be at least 10 ms/],
      [{ sloTtftP95Ms: 120.5 }, /^sloTtftP95Ms: must be a whole number/],
      [{ demand: [] }, /^demand: must name at least one metro/],
      [{ demand: [{ metroId: 'atlantis', weight: 1 }] }, /^demand\.0\.metroId: .*"atlantis"/],
      [{ demand: [{ metroId: 'paris', weight: 0 }] }, /^demand\.0\.weight: must be more than 0/],
      [
        {
          demand: [
            { metroId: 'paris', weight: 1 },
            { metroId: 'Paris', weight: 2 },
          ],
        },
        /^demand\.1\.metroId: paris appears more than once/,
      ],
      [{ expectedRps: 0 }, /^expectedRps: /],
      [
        {
          demand: [
            { metroId: 'paris', weight: 1 },
            { metroId: 'frankfurt', weight: 1_000_000 },
          ],
        },
        /^demand\.0\.weight: 1 is under 0\.01% of the total weight/,
      ],
      [{ budgetMicrosPerMonth: -1 }, /^budgetMicrosPerMonth: must not be negative/],
      [{ budgetMicrosPerMonth: 1.5 }, /^budgetMicrosPerMonth: /],
      [{ name: '   ' }, /^name: must not be empty/],
    ];
    for (const [over, message] of cases) {
      const err = await expectCode(caller.endpoint.create(spec(over) as never), 'BAD_REQUEST');
      expect(err.message, JSON.stringify(over)).toMatch(message);
    }
    expect(await acmeCounts()).toEqual(before);
  });

  it('refuses an SLO below the physical limit for every demand metro, giving each floor', async () => {
    const caller = await owner();
    const before = await acmeCounts();
    const err = await expectCode(
      caller.endpoint.create(
        spec({
          sloTtftP95Ms: 50,
          demand: [
            { metroId: 'tokyo', weight: 1 },
            { metroId: 'sydney', weight: 1 },
          ],
        }),
      ),
      'BAD_REQUEST',
    );
    expect(err.message).toContain(
      `sloTtftP95Ms: 50 ms is below the physical limit for every demand metro (tokyo ≥ ${await floorTo('tokyo')} ms, sydney ≥ ${await floorTo('sydney')} ms)`,
    );
    // No site carries JP at all: no target can be met.
    const noSite = await expectCode(
      caller.endpoint.create(spec({ jurisdictions: ['JP'], sloTtftP95Ms: 60_000 })),
      'BAD_REQUEST',
    );
    expect(noSite.message).toMatch(/sloTtftP95Ms: .*no site .*\(JP\)/);
    // EU and HIPAA together: the Frankfurt site lacks HIPAA, the Ashburn site lacks EU.
    await expectCode(
      caller.endpoint.create(spec({ jurisdictions: ['EU', 'HIPAA'] })),
      'BAD_REQUEST',
    );
    expect(await acmeCounts()).toEqual(before);

    // One metro within reach is enough.
    const mixed = await caller.endpoint.create(
      spec({
        sloTtftP95Ms: 50,
        demand: [
          { metroId: 'tokyo', weight: 1 },
          { metroId: 'paris', weight: 1 },
        ],
      }),
    );
    expect(mixed.status).toBe('PROVISIONING');
  });

  it('refuses a second endpoint of the same name with CONFLICT; other organisations may reuse it', async () => {
    const input = spec();
    await (await owner()).endpoint.create(input);
    const err = await expectCode((await owner()).endpoint.create(input), 'CONFLICT');
    expect(err.message).toMatch(/name: .*already has an endpoint named/);
    const theirs = await (await f.asUser(f.rival.owner, { limits })).endpoint.create(input);
    expect(theirs.name).toBe(input.name);
  });

  it('returns the first result for a retried create with the same idempotency key', async () => {
    const input = { ...spec(), idempotencyKey: 'create-endpoint-retry-1' };
    const caller = await owner();
    const first = await caller.endpoint.create(input);
    const second = await caller.endpoint.create(input);
    expect(second).toEqual(first);
    expect(await t.prisma.endpoint.count({ where: { name: input.name } })).toBe(1);
    expect(await t.prisma.auditLog.count({ where: { targetId: first.id } })).toBe(1);
    await expectCode(caller.endpoint.create({ ...input, name: 'other-name' }), 'CONFLICT');
  });
});
