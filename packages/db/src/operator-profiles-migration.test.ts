// The data migration that gives operator organisations made before sign-up created their
// profile one, against a real database.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from './migrate';
import { createTestDatabase, type TestDatabase } from './testing';

const SQL = readFileSync(
  path.join(MIGRATIONS_DIR, '20261206220000_operator_profiles/migration.sql'),
  'utf8',
);

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.drop());

it('gives every operator organisation without a profile an unapproved one, once', async () => {
  const db = t.prisma;
  const bare = await db.organization.create({
    data: { name: 'Signed-up Telco', slug: 'signed-up-telco', kinds: ['OPERATOR'] },
  });
  const approved = await db.organization.create({
    data: {
      name: 'Approved Telco',
      slug: 'approved-telco',
      kinds: ['OPERATOR', 'DEVELOPER'],
      operator: { create: { legalName: 'Approved Telco AG', approvedAt: new Date() } },
    },
  });
  const developer = await db.organization.create({
    data: { name: 'Builder', slug: 'builder', kinds: ['DEVELOPER'] },
  });

  await db.$executeRawUnsafe(SQL);
  await db.$executeRawUnsafe(SQL);

  const profiles = await db.operatorProfile.findMany({ orderBy: { legalName: 'asc' } });
  expect(profiles.map((p) => [p.organizationId, p.legalName, p.approvedAt !== null])).toEqual([
    [approved.id, 'Approved Telco AG', true],
    [bare.id, 'Signed-up Telco', false],
  ]);
  expect(profiles.some((p) => p.organizationId === developer.id)).toBe(false);
});
