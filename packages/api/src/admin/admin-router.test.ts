import { createTestDatabase, type TestDatabase } from '@aigrid/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../testing/fixtures';
import { crossTenant, expectCode } from '../testing/tenancy';

let t: TestDatabase;
let f: Fixture;
let adminId: string;
beforeAll(async () => {
  t = await createTestDatabase();
  f = await createFixture(t.prisma);
  adminId = (
    await t.prisma.user.create({
      data: { email: 'root@aigrid.test', name: 'Root', isPlatformAdmin: true },
    })
  ).id;
  await t.prisma.operatorProfile.create({ data: { organizationId: f.acme.id, legalName: 'Acme' } });
});
afterAll(() => t.drop());

describe('admin', () => {
  it('lets a platform admin see every organisation and approve an operator', async () => {
    const admin = await f.asUser(adminId);
    const orgs = await admin.admin.organizations({});
    expect(orgs.items.map((o) => o.id)).toEqual(expect.arrayContaining([f.acme.id, f.rival.id]));
    const approved = await admin.admin.approveOperator({ organizationId: f.acme.id });
    const again = await admin.admin.approveOperator({ organizationId: f.acme.id });
    expect(again.approvedAt).toEqual(approved.approvedAt);
    await expectCode(admin.admin.approveOperator({ organizationId: f.rival.id }), 'NOT_FOUND');
  });
});

describe('admin across tenants', () => {
  crossTenant(
    'admin.organizations',
    () => f,
    async (f) => {
      await expectCode((await f.asUser(f.rival.owner)).admin.organizations({}), 'FORBIDDEN');
      await expectCode((await f.asKey(f.rival.key)).admin.organizations({}), 'FORBIDDEN');
      await expectCode((await f.asUser(f.acme.users.OWNER)).admin.organizations({}), 'FORBIDDEN');
    },
  );
  crossTenant(
    'admin.approveOperator',
    () => f,
    async (f) => {
      await expectCode(
        (await f.asUser(f.rival.owner)).admin.approveOperator({ organizationId: f.acme.id }),
        'FORBIDDEN',
      );
    },
  );
});
