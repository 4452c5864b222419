// Cross-tenant tests. `crossTenant('site.get', async (f) => …)` declares the test that proves
// another organisation cannot reach this procedure's objects by their real ids; the router
// walk (src/router-access.test.ts) fails for any procedure without one.
import type { Db } from '@aigrid/db';
import { TRPCError } from '@trpc/server';
import { expect, it } from 'vitest';
import type { Fixture } from './fixtures';

/** Everything an organisation owns, as comparable JSON (volatile columns removed). */
export async function snapshotOrg(db: Db, organizationId: string): Promise<string> {
  const where = { organizationId };
  const [org, memberships, invitations, apiKeys, sites, nodes, offers, endpoints, audit] =
    await Promise.all([
      db.organization.findUnique({ where: { id: organizationId } }),
      db.membership.findMany({ where, orderBy: { id: 'asc' } }),
      db.invitation.findMany({ where, orderBy: { id: 'asc' } }),
      db.apiKey.findMany({ where, orderBy: { id: 'asc' }, omit: { lastUsedAt: true } }),
      db.site.findMany({ where, orderBy: { id: 'asc' } }),
      db.node.findMany({ where, orderBy: { id: 'asc' } }),
      db.offer.findMany({ where, orderBy: { id: 'asc' } }),
      db.endpoint.findMany({ where, orderBy: { id: 'asc' }, include: { demands: true } }),
      db.auditLog.count({ where }),
    ]);
  return JSON.stringify(
    { org, memberships, invitations, apiKeys, sites, nodes, offers, endpoints, audit },
    (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v),
  );
}

/** Expects `promise` to fail with a tRPC error of `code`. */
export async function expectCode(promise: Promise<unknown>, code: TRPCError['code']) {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, `expected ${code}, but the call succeeded`).toBeInstanceOf(TRPCError);
  expect((err as TRPCError).code).toBe(code);
  return err as TRPCError;
}

/**
 * Declares the cross-tenant test of `procedure`: `attack` runs as the rival organisation
 * (user and key) against acme's real objects and must see NOT_FOUND (or only its own data);
 * acme's data must be unchanged afterwards.
 */
export function crossTenant(
  procedure: string,
  getFixture: () => Fixture,
  attack: (f: Fixture) => Promise<void>,
) {
  it(`${procedure}: another organisation gets not-found and changes nothing`, async () => {
    const f = getFixture();
    const before = await snapshotOrg(f.db, f.acme.id);
    await attack(f);
    expect(await snapshotOrg(f.db, f.acme.id)).toBe(before);
  });
}
