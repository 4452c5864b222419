// Test fixtures for API tests: two organisations (the victim "acme" and the attacker "rival"),
// users of every role, API keys of every scope, and callers acting as each of them.
import type { ApiKeyScope, Db, Role } from '@aigrid/db';
import { seedCatalogue } from '@aigrid/db/seed';
import { generateApiKey } from '../auth/api-key';
import { createApiContext, type ApiLimits, type GridControl } from '../context';
import { appRouter } from '../root';
import { createCallerFactory } from '../trpc';

const createCaller = createCallerFactory(appRouter);

export type Caller = ReturnType<typeof createCaller>;

export interface Fixture {
  db: Db;
  acme: {
    id: string;
    users: Record<Role, string>;
    keys: { read: string; provisioning: string; inference: string };
  };
  rival: { id: string; owner: string; key: string };
  /** A signed-in user; `org` sets the x-aigrid-org header. */
  asUser(
    userId: string,
    opts?: { org?: string; limits?: Partial<ApiLimits>; control?: GridControl },
  ): Promise<Caller>;
  /** A caller with `Authorization: Bearer <secret>`. */
  asKey(secret: string, opts?: { org?: string; limits?: Partial<ApiLimits> }): Promise<Caller>;
  anonymous(): Promise<Caller>;
}

let counter = 0;

async function user(db: Db, name: string) {
  counter += 1;
  return db.user.create({
    data: { email: `${name}-${counter}-${Date.now()}@example.test`, name },
  });
}

async function key(db: Db, organizationId: string, scopes: ApiKeyScope[]) {
  const k = generateApiKey();
  await db.apiKey.create({
    data: {
      organizationId,
      name: `key ${scopes.join('+')}`,
      prefix: k.prefix,
      secretHash: k.secretHash,
      scopes,
    },
  });
  return k.secret;
}

export async function createFixture(db: Db): Promise<Fixture> {
  await seedCatalogue(db);
  const both = ['DEVELOPER', 'OPERATOR'] as const;
  const acmeOrg = await db.organization.create({
    data: { name: 'Acme', slug: `acme-${Date.now()}-${counter}`, kinds: [...both] },
  });
  const rivalOrg = await db.organization.create({
    data: { name: 'Rival', slug: `rival-${Date.now()}-${counter}`, kinds: [...both] },
  });
  const users = {} as Record<Role, string>;
  for (const role of ['OWNER', 'ADMIN', 'MEMBER', 'BILLING'] as Role[]) {
    const u = await user(db, `acme-${role.toLowerCase()}`);
    await db.membership.create({ data: { userId: u.id, organizationId: acmeOrg.id, role } });
    users[role] = u.id;
  }
  const rivalOwner = await user(db, 'rival-owner');
  await db.membership.create({
    data: { userId: rivalOwner.id, organizationId: rivalOrg.id, role: 'OWNER' },
  });
  const keys = {
    read: await key(db, acmeOrg.id, ['READ']),
    provisioning: await key(db, acmeOrg.id, ['PROVISIONING']),
    inference: await key(db, acmeOrg.id, ['INFERENCE']),
  };
  const rivalKey = await key(db, rivalOrg.id, ['PROVISIONING', 'READ']);

  const caller = async (
    o: { sessionUserId?: string; authorization?: string },
    opts: { org?: string; limits?: Partial<ApiLimits>; control?: GridControl } = {},
  ) =>
    createCaller(
      await createApiContext({
        db,
        sessionUserId: o.sessionUserId ?? null,
        authorization: o.authorization ?? null,
        orgHeader: opts.org ?? null,
        baseUrl: 'http://localhost:3000',
        limits: opts.limits,
        ...(opts.control ? { control: opts.control } : {}),
      }),
    );

  return {
    db,
    acme: { id: acmeOrg.id, users, keys },
    rival: { id: rivalOrg.id, owner: rivalOwner.id, key: rivalKey },
    asUser: (userId, opts) => caller({ sessionUserId: userId }, opts),
    asKey: (secret, opts) => caller({ authorization: `Bearer ${secret}` }, opts),
    anonymous: () => caller({}),
  };
}
