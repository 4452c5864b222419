import { createTestDatabase, type TestDatabase } from '@aigrid/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freshOrg,
  placeReplica,
  rivalCallers,
  siteInput,
  TEST_LIMITS,
  unique,
} from '../site/capacity-test-data';
import { createFixture, type Caller, type Fixture } from '../testing/fixtures';
import { crossTenant, expectCode } from '../testing/tenancy';
import { hashEnrolmentToken } from './enrolment-token';

let t: TestDatabase;
let f: Fixture;
let owner: Caller;
let siteId: string;
/** acme's nodes that the rival attacks: one in service, one draining. */
let acmeNode: { id: string; name: string };
let acmeDrainingNode: { id: string };

beforeAll(async () => {
  t = await createTestDatabase();
  f = await createFixture(t.prisma);
  owner = await f.asUser(f.acme.users.OWNER, { limits: TEST_LIMITS });
  siteId = (await owner.site.create(siteInput())).id;
  acmeNode = (
    await owner.node.create({ siteId, name: 'acme-gpu-1', gpuTypeId: 'H100', gpuCount: 8 })
  ).node;
  acmeDrainingNode = (
    await owner.node.create({ siteId, name: 'acme-gpu-2', gpuTypeId: 'H100', gpuCount: 8 })
  ).node;
  await owner.node.requestDrain({ id: acmeDrainingNode.id });
});
afterAll(() => t.drop());
/** The fixture, for the cross-tenant tests (created in beforeAll). */
const fixture = () => f;

/** Every row of the tables an enrolment could leave a token in, as one string. */
async function everyRow() {
  const [nodes, audit, idempotency] = await Promise.all([
    t.prisma.node.findMany(),
    t.prisma.auditLog.findMany(),
    t.prisma.idempotencyRecord.findMany(),
  ]);
  return JSON.stringify({ nodes, audit, idempotency }, (_k, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : v,
  );
}

const enrol = (caller: Caller, overrides: Record<string, unknown> = {}) =>
  caller.node.create({ siteId, name: unique('gpu'), gpuTypeId: 'L40S', gpuCount: 4, ...overrides });

describe('node', () => {
  it('enrols a node with a one-time token stored only as its hash', async () => {
    const { node, enrolmentToken, agentCommand } = await enrol(owner, { name: 'gpu-a' });
    expect(enrolmentToken).toMatch(/^agn_[A-Za-z0-9_-]{43}$/);
    expect(agentCommand).toBe(
      `npx aigrid-agent --control-plane http://localhost:3000 --token ${enrolmentToken}`,
    );
    expect(node).toMatchObject({
      siteId,
      name: 'gpu-a',
      gpuTypeId: 'L40S',
      gpuCount: 4,
      gpuMemoryGb: 48,
      status: 'ENROLLING',
      agentUrl: null,
      lastHeartbeatAt: null,
      drainRequestedAt: null,
    });
    const row = await t.prisma.node.findUniqueOrThrow({ where: { id: node.id } });
    expect(row.organizationId).toBe(f.acme.id);
    expect(row.enrolmentTokenHash).toBe(hashEnrolmentToken(enrolmentToken));
    expect(await everyRow()).not.toContain(enrolmentToken.slice(4));
    const audit = await t.prisma.auditLog.findMany({ where: { targetId: node.id } });
    expect(audit).toMatchObject([{ action: 'node.create', actorUserId: f.acme.users.OWNER }]);

    const listed = await owner.node.get({ id: node.id });
    expect(JSON.stringify(listed)).not.toContain(enrolmentToken);
  });

  it('rotates the token: a new hash, the old token no longer matches', async () => {
    const { node, enrolmentToken: first } = await enrol(owner);
    await t.prisma.node.update({ where: { id: node.id }, data: { enrolledAt: new Date() } });
    const rotated = await owner.node.rotateToken({ id: node.id });
    expect(rotated.enrolmentToken).not.toBe(first);
    expect(rotated.agentCommand).toContain(rotated.enrolmentToken);
    const row = await t.prisma.node.findUniqueOrThrow({ where: { id: node.id } });
    expect(row.enrolmentTokenHash).toBe(hashEnrolmentToken(rotated.enrolmentToken));
    expect(row.enrolledAt).toBeNull();
    expect(
      await t.prisma.node.count({ where: { enrolmentTokenHash: hashEnrolmentToken(first) } }),
    ).toBe(0);
    expect(await everyRow()).not.toContain(rotated.enrolmentToken.slice(4));
    const audit = await t.prisma.auditLog.findMany({
      where: { targetId: node.id },
      orderBy: { id: 'asc' },
    });
    expect(audit.map((a) => a.action)).toEqual(['node.create', 'node.rotateToken']);
  });

  it('retried with an idempotency key, returns the same node with a fresh token', async () => {
    const input = { name: 'retried', idempotencyKey: 'node-create-retry-1' };
    const first = await enrol(owner, input);
    const second = await enrol(owner, input);
    expect(second.node).toEqual(first.node);
    expect(second.enrolmentToken).not.toBe(first.enrolmentToken);
    expect(await t.prisma.node.count({ where: { name: 'retried' } })).toBe(1);
    const row = await t.prisma.node.findUniqueOrThrow({ where: { id: first.node.id } });
    expect(row.enrolmentTokenHash).toBe(hashEnrolmentToken(second.enrolmentToken));
    const rows = await everyRow();
    expect(rows).not.toContain(first.enrolmentToken.slice(4));
    expect(rows).not.toContain(second.enrolmentToken.slice(4));
    await expectCode(enrol(owner, { ...input, gpuCount: 2 }), 'CONFLICT');
  });

  it('rejects bad input naming the field, and writes nothing', async () => {
    const before = await t.prisma.node.count();
    const auditBefore = await t.prisma.auditLog.count();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ gpuTypeId: 'TPU-v9' }, /gpuTypeId: unknown GPU type "TPU-v9"/],
      [{ gpuCount: 0 }, /gpuCount: must be at least 1/],
      [{ gpuCount: 65 }, /gpuCount: must be at most 64/],
      [{ gpuCount: 1.5 }, /gpuCount/],
      [{ name: '' }, /name/],
    ];
    for (const [input, message] of cases) {
      const err = await expectCode(enrol(owner, input), 'BAD_REQUEST');
      expect(err.message).toMatch(message);
    }
    await expectCode(enrol(owner, { siteId: 'no-such-site' }), 'NOT_FOUND');
    const dup = await expectCode(enrol(owner, { name: acmeNode.name }), 'CONFLICT');
    expect(dup.message).toMatch(/already has a node named/);
    expect(await t.prisma.node.count()).toBe(before);
    expect(await t.prisma.auditLog.count()).toBe(auditBefore);
  });

  it('lets builders and provisioning keys enrol, and read keys only read', async () => {
    const billing = await f.asUser(f.acme.users.BILLING);
    await expectCode(enrol(billing), 'FORBIDDEN');
    await expectCode(billing.node.requestDrain({ id: acmeNode.id }), 'FORBIDDEN');
    expect((await billing.node.get({ id: acmeNode.id })).name).toBe(acmeNode.name);

    const readKey = await f.asKey(f.acme.keys.read);
    await expectCode(enrol(readKey), 'FORBIDDEN');
    await expectCode(readKey.node.rotateToken({ id: acmeNode.id }), 'FORBIDDEN');
    await expectCode(readKey.node.delete({ id: acmeNode.id }), 'FORBIDDEN');
    expect((await readKey.node.list({ siteId })).items.map((n) => n.id)).toContain(acmeNode.id);

    const { node } = await enrol(await f.asKey(f.acme.keys.provisioning));
    const audit = await t.prisma.auditLog.findFirstOrThrow({ where: { targetId: node.id } });
    expect(audit.actorApiKeyId).not.toBeNull();
  });

  it('lists nodes by site, a page at a time', async () => {
    const fresh = await freshOrg(f);
    const [a, b] = [
      await fresh.caller.site.create(siteInput()),
      await fresh.caller.site.create(siteInput()),
    ];
    for (const [site, name] of [
      [a, 'n1'],
      [a, 'n2'],
      [a, 'n3'],
      [b, 'n1'],
    ] as const) {
      await fresh.caller.node.create({ siteId: site.id, name, gpuTypeId: 'L4', gpuCount: 1 });
    }
    const first = await fresh.caller.node.list({ siteId: a.id, limit: 2 });
    expect(first.items).toHaveLength(2);
    const rest = await fresh.caller.node.list({
      siteId: a.id,
      limit: 2,
      cursor: first.nextCursor!,
    });
    expect(rest.items).toHaveLength(1);
    expect(rest.nextCursor).toBeNull();
    expect([...first.items, ...rest.items].every((n) => n.siteName === a.name)).toBe(true);
    expect((await fresh.caller.node.list({})).items).toHaveLength(4);
    expect((await fresh.caller.site.get({ id: a.id })).nodeCount).toBe(3);
  });

  it('drains a node and cancels the drain; asking twice changes nothing', async () => {
    const { node } = await enrol(owner);
    const drained = await owner.node.requestDrain({ id: node.id });
    expect(drained.status).toBe('DRAINING');
    expect(drained.drainRequestedAt).toBeInstanceOf(Date);
    expect(await owner.node.requestDrain({ id: node.id })).toEqual(drained);
    const back = await owner.node.cancelDrain({ id: node.id });
    expect(back).toMatchObject({ status: 'ENROLLING', drainRequestedAt: null });
    expect(await owner.node.cancelDrain({ id: node.id })).toEqual(back);
    const audit = await t.prisma.auditLog.findMany({
      where: { targetId: node.id },
      orderBy: { id: 'asc' },
    });
    expect(audit.map((a) => a.action)).toEqual([
      'node.create',
      'node.requestDrain',
      'node.cancelDrain',
    ]);

    await t.prisma.node.update({
      where: { id: node.id },
      data: { status: 'HEALTHY', lastHeartbeatAt: new Date() },
    });
    await owner.node.requestDrain({ id: node.id });
    expect((await owner.node.cancelDrain({ id: node.id })).status).toBe('HEALTHY');
  });

  it('deletes a node only once it runs no active replica', async () => {
    const { node } = await enrol(owner);
    const replica = await placeReplica(f, node.id, 'LOADING');
    await placeReplica(f, node.id, 'FAILED');
    const err = await expectCode(owner.node.delete({ id: node.id }), 'PRECONDITION_FAILED');
    expect(err.message).toMatch(/1 active replica/);
    await t.prisma.replica.update({ where: { id: replica.id }, data: { state: 'RELEASED' } });
    expect(await owner.node.delete({ id: node.id })).toEqual({ id: node.id });
    expect(await t.prisma.node.count({ where: { id: node.id } })).toBe(0);
    await expectCode(owner.node.get({ id: node.id }), 'NOT_FOUND');
  });
});

describe('node across tenants', () => {
  const everyRival = async (f: Fixture) => [
    ...(await rivalCallers(f)),
    ...(await rivalCallers(f, { claimAcme: true })),
  ];

  crossTenant('node.create', fixture, async (f) => {
    for (const rival of await everyRival(f)) {
      await expectCode(
        rival.node.create({ siteId, name: unique('implant'), gpuTypeId: 'H100', gpuCount: 1 }),
        'NOT_FOUND',
      );
    }
    expect(await f.db.node.count({ where: { name: { startsWith: 'implant' } } })).toBe(0);
  });
  crossTenant('node.list', fixture, async (f) => {
    for (const rival of await rivalCallers(f)) {
      const items = (await rival.node.list({ limit: 100 })).items;
      expect(items.filter((n) => n.id === acmeNode.id || n.siteId === siteId)).toEqual([]);
      await expectCode(rival.node.list({ siteId }), 'NOT_FOUND');
    }
    for (const rival of await rivalCallers(f, { claimAcme: true })) {
      await expectCode(rival.node.list({}), 'NOT_FOUND');
    }
  });
  crossTenant('node.get', fixture, async (f) => {
    for (const rival of await everyRival(f)) {
      await expectCode(rival.node.get({ id: acmeNode.id }), 'NOT_FOUND');
    }
  });
  crossTenant('node.rotateToken', fixture, async (f) => {
    for (const rival of await everyRival(f)) {
      await expectCode(rival.node.rotateToken({ id: acmeNode.id }), 'NOT_FOUND');
    }
  });
  crossTenant('node.requestDrain', fixture, async (f) => {
    for (const rival of await everyRival(f)) {
      await expectCode(rival.node.requestDrain({ id: acmeNode.id }), 'NOT_FOUND');
    }
  });
  crossTenant('node.cancelDrain', fixture, async (f) => {
    for (const rival of await everyRival(f)) {
      await expectCode(rival.node.cancelDrain({ id: acmeDrainingNode.id }), 'NOT_FOUND');
    }
  });
  crossTenant('node.delete', fixture, async (f) => {
    for (const rival of await everyRival(f)) {
      await expectCode(rival.node.delete({ id: acmeNode.id }), 'NOT_FOUND');
    }
    expect(await f.db.node.count({ where: { id: acmeNode.id } })).toBe(1);
  });
});
