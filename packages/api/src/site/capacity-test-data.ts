// Test data shared by the capacity router tests (sites, nodes, offers, RTT): valid inputs, a
// fresh operator organisation, the rival's callers, and replicas on a node.
import { randomUUID } from 'node:crypto';
import type { ReplicaState } from '@aigrid/db';
import type { z } from 'zod';
import type { Caller, Fixture } from '../testing/fixtures';
import type { ZCreateSiteInput } from './site-router';

/** Limits high enough that a test file never hits the write rate limit. */
export const TEST_LIMITS = { writesPerMinute: 100_000 };

let seq = 0;
export const unique = (prefix: string) => `${prefix}-${++seq}-${randomUUID().slice(0, 8)}`;

export function siteInput(overrides: Partial<z.input<typeof ZCreateSiteInput>> = {}) {
  return {
    name: unique('pop'),
    metroId: 'frankfurt',
    countryCode: 'DE',
    jurisdictions: ['EU', 'GDPR'],
    uplinkGbps: 100,
    egressPricePerGbMicros: 20_000,
    ...overrides,
  };
}

/** A new organisation of `kinds` with one owner, who is returned signed in. */
export async function freshOrg(
  f: Fixture,
  kinds: ('OPERATOR' | 'DEVELOPER')[] = ['OPERATOR'],
): Promise<{ id: string; userId: string; caller: Caller }> {
  const user = await f.db.user.create({
    data: { email: `${unique('owner')}@example.test`, name: 'Fresh owner' },
  });
  const org = await (await f.asUser(user.id)).org.create({ name: unique('Fresh'), kinds });
  return {
    id: org.id,
    userId: user.id,
    caller: await f.asUser(user.id, { limits: TEST_LIMITS }),
  };
}

/** The rival as its owner and as its key; with `claimAcme`, both name acme in x-aigrid-org. */
export async function rivalCallers(f: Fixture, opts: { claimAcme?: boolean } = {}) {
  const org = opts.claimAcme ? f.acme.id : undefined;
  return [
    await f.asUser(f.rival.owner, { org, limits: TEST_LIMITS }),
    await f.asKey(f.rival.key, { org, limits: TEST_LIMITS }),
  ];
}

/** A replica in `state` on the node, for an endpoint of the node's organisation. */
export async function placeReplica(f: Fixture, nodeId: string, state: ReplicaState) {
  const node = await f.db.node.findUniqueOrThrow({ where: { id: nodeId } });
  const endpoint = await f.db.endpoint.create({
    data: {
      organizationId: node.organizationId,
      name: unique('endpoint'),
      modelId: 'llama-3.1-8b-instruct',
      sloTtftP95Ms: 500,
      jurisdictions: ['EU'],
      expectedRps: 1,
    },
  });
  return f.db.replica.create({
    data: { endpointId: endpoint.id, nodeId, state, gpuCount: 1, idempotencyKey: unique('rsv') },
  });
}
